/**
 * What the topology app offers other apps (l2-learning, routing) and weft (REST, metrics).
 * Another app imports this file type-only and gets the service with `ctx.app('topology')` from
 * init() on. Datapath ids are the SDK's Dpid strings (16 lowercase hex digits).
 */
import type { ApiProvider, Dpid } from '../sdk/index.js';

declare module '../sdk/app-apis.js' {
  interface AppApis {
    topology: TopologyService;
  }
}

/** One end of a link: a switch port. */
export interface PortRef {
  readonly dpid: Dpid;
  readonly port: number;
}

/** A directed switch-to-switch link, learned from LLDP sent out of `src` and received on `dst`. */
export interface Link {
  readonly src: PortRef;
  readonly dst: PortRef;
}

export interface HostInfo {
  readonly mac: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** Where the host attaches: always an edge port (never a switch-to-switch link port). */
  readonly dpid: Dpid;
  readonly port: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * Where a host attaches and when it was last seen, as hostLocation() returns it: a live view
 * of the topology's own record, not a copy. It changes as the host is seen again or moves, and
 * stays behind once the host is removed: read it at once, never keep it.
 */
export interface HostLocation {
  readonly dpid: Dpid;
  readonly port: number;
  readonly lastSeen: number;
}

export type TopologyEvent =
  | { type: 'switchAdded'; dpid: Dpid }
  | { type: 'switchRemoved'; dpid: Dpid }
  | { type: 'portAdded' | 'portRemoved' | 'portModified'; dpid: Dpid; port: number; live: boolean }
  | { type: 'linkAdded' | 'linkRemoved'; link: Link }
  | { type: 'hostAdded'; host: HostInfo }
  /** `wrongPlace`: forgotten because where it was is known to be wrong (a loop hold): its flows should go too. */
  | { type: 'hostRemoved'; host: HostInfo; wrongPlace?: true }
  | { type: 'hostMoved'; host: HostInfo; from: PortRef }
  /** A known host's addresses changed (an IPv4/IPv6 address learned, or taken by another host). */
  | { type: 'hostUpdated'; host: HostInfo };

export interface TopologyService {
  /** Increases by one on every change to switches, links or hosts. */
  readonly version: number;
  switches(): Dpid[];
  links(): Link[];
  hosts(): HostInfo[];
  host(mac: string): HostInfo | undefined;
  hostByIp(ip: string): HostInfo | undefined;
  /**
   * host(mac)'s dpid, port and lastSeen without the copy: for lookups on every packet-in (see
   * HostLocation for the rules). MACs in canonical form (lowercase) are found fastest, and as
   * 48-bit numbers (Ethernet#dstNum) faster still: no string to hash. Optional
   * so that test fakes need not offer it: callers fall back to host().
   */
  hostLocation?(mac: string | number): HostLocation | undefined;
  /**
   * Whether the topology would record `mac` on (dpid, port) now: false when it refuses it there
   * (the MAC is pinned elsewhere, has moved too often, or the port, switch or table is full).
   * Forwarding apps learn no location the topology refuses, so a hijack refused here is not
   * followed there either. Optional: test fakes may leave it out (everything admitted). `now`
   * saves a clock read.
   */
  admitsHost?(mac: string | number, dpid: Dpid, port: number, now?: number): boolean;
  /** True unless the port carries a switch-to-switch link. */
  isEdgePort(dpid: Dpid, port: number): boolean;
  /**
   * The links of a shortest path (fewest hops; ties broken deterministically) from one switch
   * to another: [] when from === to, undefined when unreachable.
   */
  path(from: Dpid, to: Dpid): Link[] | undefined;
  /**
   * Where a broadcast received on (dpid, inPort) goes out on this switch: live edge ports and
   * the ports of flood-tree links, never inPort. A loop-free spanning tree over the links.
   * While a switch or port is new, a linkless port counts as edge only once a host was seen on
   * it or it has settled (docs/TOPOLOGY.md); [] when inPort is a link port off the tree or a
   * port not yet known to be an edge (the packet came round a loop or an undiscovered link).
   * The array is shared between calls and frozen: copy it to change it.
   */
  floodPorts(dpid: Dpid, inPort: number): readonly number[];
  /** Called synchronously on every change, after the state is updated. Returns unsubscribe. */
  subscribe(listener: (ev: TopologyEvent) => void): () => void;
}

/**
 * What the topology app's service offers beyond TopologyService (kept apart so test fakes of
 * TopologyService need not implement it).
 */
export interface TopologyServiceExt extends TopologyService {
  /** The link leaving (dpid, port), if that port carries one. */
  linkAt(dpid: Dpid, port: number): Link | undefined;
  /** Counters for metrics and REST. */
  counters(): TopologyCounters;
  /** Pinned hosts, by MAC. */
  pins(): HostPin[];
  /** Pin a MAC to a port (RangeError when maxPins is reached); a host recorded elsewhere is removed. */
  pin(pin: HostPin): void;
  /** Returns whether the MAC was pinned. */
  unpin(mac: string): boolean;
}

/** A MAC learned only on one port (canonical lowercase MAC, Dpid). */
export interface HostPin extends PortRef {
  readonly mac: string;
}

export interface TopologyCounters {
  lldpSent: number;
  lldpReceived: number;
  /**
   * LLDP refused, by reason: foreign (not our format), unsigned, bad-signature, stale, replayed,
   * malformed, unknown-port; and new links refused: edge-port (hosts speak there), slow.
   */
  lldpRefused: Record<string, number>;
  linksExpired: number;
  hostsExpired: number;
  /** Host sightings ignored: on a port that carries a link or is held (a loop), or a copy seen on a port not yet settled. */
  hostsIgnored: number;
  /** New MACs not learned, by reason: port-cap, switch-cap, table-cap, pinned (elsewhere). */
  hostsRefused: Record<string, number>;
  /** Hosts moved to another port. */
  hostMoves: number;
  /** Moves refused, by reason: pinned, move-limit, port-cap, switch-cap. */
  hostMovesRefused: Record<string, number>;
  /** Loop holds started: a port stopped flooding because the same broadcast kept arriving on it (docs/TOPOLOGY.md). */
  loopHolds: number;
  /** Log lines of refusals and moves suppressed by the rate limit. */
  logLinesSuppressed: number;
}

/** The topology app: its api is the service, with the extras (`ctx.app('topology')` types it as TopologyService). */
export interface TopologyApp extends ApiProvider<'topology'> {
  readonly api: TopologyServiceExt;
}
