/**
 * The topology state and the TopologyService other apps read: switches and their ports, links,
 * hosts, the graph derived from them, and the events that announce every change. The app
 * (index.ts) feeds it switch, port, LLDP and packet-in facts; this class decides what they mean.
 * Every mutation updates the whole state first and then notifies listeners, one event at a
 * time, so a listener always sees a consistent topology.
 */
import { OFPPR } from '../../protocol/index.js';
import type { Port } from '../../protocol/index.js';
import { macToNumber, normalizeIpv6 } from '../../protocol/packet/index.js';
import { LogLimiter } from '../sdk/index.js';
import type { AppLogger, Dpid, Frame } from '../sdk/index.js';
import type { HostInfo, HostLocation, Link, PortRef, TopologyCounters, TopologyEvent, TopologyServiceExt } from './api.js';
import { Graph, sortLinks } from './graph.js';
import { hostRefusal, noteMove } from './host-guard.js';
import type { HostRefusal } from './host-guard.js';
import { HostTable, hostInfo } from './hosts.js';
import type { HostRecord } from './hosts.js';
import { hostMacNumOf, learnAddresses } from './learn.js';
import { LinkTable } from './links.js';
import { LldpDelayBaseline } from './lldp-delay.js';
import type { LinkRecord } from './links.js';
import type { TopologyOptions } from './options.js';
import { PinTable } from './pins.js';
import { endLoopHold, isLive, isPhysical, newPort, startLoopHold } from './ports.js';
import type { PortState, SwitchState } from './ports.js';
import { fingerprint, REPEAT_WINDOW_MS, RepeatCounter } from './repeats.js';
import type { Pin } from './pins.js';

/** A host sighting as another cluster instance publishes it (shared.ts). */
export interface RemoteHost {
  readonly dpid: Dpid;
  readonly port: number;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  /** When it was seen there (the publisher's clock). */
  readonly seen: number;
}

const NO_PORTS: readonly number[] = Object.freeze([]);
/** Moves this recent when a hold starts were made by the storm (twice repeats.ts's window). */
const STORM_MOVES_MS = 2 * REPEAT_WINDOW_MS;
const MAX_RECENT_MOVES = 1024;

/** Why a verified LLDP frame made no link. */
export type LinkRefusal = 'unknown-port' | 'edge-port' | 'slow';


export class Topology implements TopologyServiceExt {
  #opts: TopologyOptions;
  readonly #clock: () => number;
  #log: AppLogger | undefined;
  readonly #switches = new Map<Dpid, SwitchState>();
  readonly #links = new LinkTable();
  #hosts: HostTable;
  /** Replaced, never changed in place: a delivery in progress keeps the list it started with. */
  #listeners: readonly ((ev: TopologyEvent) => void)[] = [];
  readonly #pending: TopologyEvent[] = [];
  #flushing = false;
  #version = 0;
  /** Changes whenever a port's state that floodPorts reads changes (invalidates SwitchState.flood). */
  #floodEpoch = 0;
  #graph: Graph | undefined;
  #pins: PinTable;
  /** Cluster: where our own links and host sightings are published (shared.ts); unset alone. */
  #publish: ((key: string, value: unknown) => void) | undefined;
  /** Log lines a peer can cause (refusals, moves) go through here. */
  readonly #logLimit = new LogLimiter();
  /** Hosts moved lately, oldest first (at most MAX_RECENT_MOVES): a loop hold forgets those a storm moved. */
  readonly #recentMoves: { h: HostRecord; at: number }[] = [];
  /** Recent LLDP delays: the slow-link check's reference (lldp-delay.ts). */
  readonly #delays = new LldpDelayBaseline();
  readonly #counters: TopologyCounters = {
    lldpSent: 0,
    lldpReceived: 0,
    lldpRefused: {},
    linksExpired: 0,
    hostsExpired: 0,
    hostsIgnored: 0,
    hostsRefused: {},
    hostMoves: 0,
    hostMovesRefused: {},
    loopHolds: 0,
    logLinesSuppressed: 0,
  };

  constructor(opts: TopologyOptions, clock: () => number) {
    this.#opts = opts;
    this.#clock = clock;
    this.#hosts = this.#newHostTable();
    this.#pins = this.#newPinTable();
  }

  /** Options and logger from the app's init (before any switch: the host table is empty). */
  configure(opts: TopologyOptions, log: AppLogger): void {
    this.#opts = opts;
    this.#log = log;
    if (this.#hosts.size === 0) this.#hosts = this.#newHostTable();
    this.#pins = this.#newPinTable();
  }

  get options(): TopologyOptions {
    return this.#opts;
  }

  /** Cluster: publish our own links and host sightings through `publish` (shared.ts). */
  share(publish: (key: string, value: unknown) => void): void {
    this.#publish = publish;
  }

  // ---------------------------------------------------------------- TopologyService

  get version(): number {
    return this.#version;
  }

  switches(): Dpid[] {
    return [...this.#switches.keys()].sort();
  }

  links(): Link[] {
    return sortLinks(this.#links.all().map((r) => r.link));
  }

  hosts(): HostInfo[] {
    return this.#hosts
      .all()
      .map(hostInfo)
      .sort((a, b) => (a.mac < b.mac ? -1 : 1));
  }

  host(mac: string): HostInfo | undefined {
    const h = this.#hosts.get(mac.toLowerCase());
    return h && hostInfo(h);
  }

  hostLocation(mac: string | number): HostLocation | undefined {
    // The record itself, typed read-only: no copy on the packet-in path.
    if (typeof mac === 'number') return this.#hosts.getNum(mac);
    return this.#hosts.get(mac) ?? this.#hosts.get(mac.toLowerCase());
  }

  hostByIp(ip: string): HostInfo | undefined {
    const h = this.#hosts.byIp(ip.includes(':') ? canonicalIpv6(ip) : ip);
    return h && hostInfo(h);
  }

  isEdgePort(dpid: Dpid, port: number): boolean {
    return !this.#links.onPort(dpid, port);
  }

  linkAt(dpid: Dpid, port: number): Link | undefined {
    return this.#links.from(dpid, port)?.link;
  }

  path(from: Dpid, to: Dpid): Link[] | undefined {
    return this.#theGraph().path(from, to);
  }

  floodPorts(dpid: Dpid, inPort: number): readonly number[] {
    const sw = this.#switches.get(dpid);
    if (!sw) return NO_PORTS;
    const now = this.#clock();
    const graph = this.#theGraph();
    // A flood asks this on every packet-in: the answer per in-port is kept until the graph or
    // a port changes (#floodEpoch) or an unconfirmed port's settle time passes (until).
    let cache = sw.flood;
    if (cache === undefined || cache.graph !== graph || cache.epoch !== this.#floodEpoch || now >= cache.until) {
      cache = sw.flood = { graph, epoch: this.#floodEpoch, until: this.#floodUntil(sw, now), byInPort: new Map() };
    }
    // A packet-in may name any in_port: only the switch's own ports and the reserved ones are
    // kept, so a switch cannot grow the cache with made-up port numbers (they flood nowhere).
    if (isPhysical(inPort) && !sw.ports.has(inPort)) return NO_PORTS;
    let ports = cache.byInPort.get(inPort);
    if (ports === undefined) cache.byInPort.set(inPort, (ports = Object.freeze(this.#computeFloodPorts(sw, inPort, graph, now))));
    return ports;
  }

  /** floodPorts without its cache (the general path its test compares the cache with). */
  floodPortsUncached(dpid: Dpid, inPort: number): number[] {
    const sw = this.#switches.get(dpid);
    return sw ? this.#computeFloodPorts(sw, inPort, this.#theGraph(), this.#clock()) : [];
  }

  #computeFloodPorts(sw: SwitchState, inPort: number, graph: Graph, now: number): number[] {
    if (isPhysical(inPort)) {
      // What comes in on a blocked or not-yet-trusted port went round a loop (or an
      // undiscovered link): flooding it again is how storms start.
      const p = sw.ports.get(inPort);
      if (!p || !this.#floodable(sw, p, graph, now)) return [];
    }
    const out: number[] = [];
    for (const p of sw.ports.values()) {
      if (p.no !== inPort && isPhysical(p.no) && p.live && this.#floodable(sw, p, graph, now)) out.push(p.no);
    }
    return out.sort((a, b) => a - b);
  }

  /** When the first of sw's unconfirmed ports settles (its flood answers may change then). */
  #floodUntil(sw: SwitchState, now: number): number {
    let until = Infinity;
    for (const p of sw.ports.values()) {
      if (!p.confirmed && !this.#settled(p, now)) until = Math.min(until, p.upAt + this.#opts.settleMs);
      if (now < p.loopHoldUntil) until = Math.min(until, p.loopHoldUntil);
    }
    return until;
  }

  subscribe(listener: (ev: TopologyEvent) => void): () => void {
    // Like a Set: subscribing the same function twice keeps one subscription.
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    return () => void (this.#listeners = this.#listeners.filter((l) => l !== listener));
  }

  counters(): TopologyCounters {
    const c = this.#counters;
    return {
      ...c,
      lldpRefused: { ...c.lldpRefused },
      hostsRefused: { ...c.hostsRefused },
      hostMovesRefused: { ...c.hostMovesRefused },
      logLinesSuppressed: this.#logLimit.suppressed,
    };
  }

  admitsHost(mac: string | number, dpid: Dpid, port: number, now: number = this.#clock()): boolean {
    if (now < (this.#switches.get(dpid)?.ports.get(port)?.loopHoldUntil ?? -Infinity)) return false;
    if (typeof mac === 'number') return hostRefusal(this.#opts, this.#hosts, this.#pins, this.#hosts.getNum(mac), mac, dpid, port, now) === undefined;
    const m = mac.toLowerCase();
    return hostRefusal(this.#opts, this.#hosts, this.#pins, this.#hosts.get(m), m, dpid, port, now) === undefined;
  }

  // ---------------------------------------------------------------- pins

  pins(): Pin[] {
    return this.#pins.all();
  }

  /**
   * Pin a MAC to a port (RangeError when the pin table is full). A host recorded elsewhere is
   * removed: it is learned again when it speaks on its pinned port.
   */
  pin(pin: Pin): void {
    this.#pins.set(pin);
    const h = this.#hosts.get(pin.mac);
    if (h && (h.dpid !== pin.dpid || h.port !== pin.port)) this.#removeHost(h);
    this.#log?.info({ mac: pin.mac, dpid: pin.dpid, port: pin.port }, 'host pinned');
    this.#flush();
  }

  unpin(mac: string): boolean {
    const gone = this.#pins.delete(mac.toLowerCase());
    if (gone) this.#log?.info({ mac: mac.toLowerCase() }, 'host unpinned');
    return gone;
  }

  get switchCount(): number {
    return this.#switches.size;
  }

  get linkCount(): number {
    return this.#links.size;
  }

  get hostCount(): number {
    return this.#hosts.size;
  }

  /** Flood-tree ports as "dpid/port" (for tests and inspection). */
  treePorts(): string[] {
    return this.#theGraph().treePorts();
  }

  // ---------------------------------------------------------------- facts from the app

  switchState(dpid: Dpid): SwitchState | undefined {
    return this.#switches.get(dpid);
  }

  allSwitches(): SwitchState[] {
    return [...this.#switches.values()];
  }

  count(what: 'lldpSent' | 'lldpReceived', n = 1): void {
    this.#counters[what] += n;
  }

  refused(reason: string): void {
    this.#counters.lldpRefused[reason] = (this.#counters.lldpRefused[reason] ?? 0) + 1;
  }

  switchUp(dpid: Dpid, ports: Iterable<Port>, now: number): void {
    if (this.#switches.has(dpid)) this.switchDown(dpid);
    const sw: SwitchState = { dpid, ports: new Map(), lastLldpAt: now };
    for (const p of ports) sw.ports.set(p.portNo, newPort(p, now));
    this.#switches.set(dpid, sw);
    this.#graph = undefined;
    this.#emit({ type: 'switchAdded', dpid });
    this.#flush();
  }

  switchDown(dpid: Dpid): void {
    if (!this.#switches.has(dpid)) return;
    const now = this.#clock();
    this.#removeLinks(this.#links.touching(dpid), now);
    for (const h of this.#hosts.onSwitch(dpid)) this.#removeHost(h);
    this.#switches.delete(dpid);
    this.#graph = undefined;
    this.#emit({ type: 'switchRemoved', dpid });
    this.#flush();
  }

  /** Returns true when the port just came up (send LLDP on it now). */
  portStatus(dpid: Dpid, reason: number, desc: Port, now: number): boolean {
    const sw = this.#switches.get(dpid);
    if (!sw) return false;
    this.#floodEpoch++;
    const no = desc.portNo;
    const prev = sw.ports.get(no);
    if (reason === OFPPR.DELETE) {
      if (!prev) return false;
      sw.ports.delete(no);
      this.#emit({ type: 'portRemoved', dpid, port: no, live: false });
      this.#portGone(dpid, no, now);
      this.#flush();
      return false;
    }
    const live = isLive(desc);
    const cameUp = live && !prev?.live;
    if (!prev) sw.ports.set(no, newPort(desc, now));
    else {
      prev.hwAddr = desc.hwAddr;
      prev.live = live;
      if (cameUp) {
        [prev.upAt, prev.confirmed, prev.edgeSeenAt] = [now, false, -Infinity];
        endLoopHold(prev);
      }
    }
    this.#emit({ type: prev ? 'portModified' : 'portAdded', dpid, port: no, live });
    if (!live) this.#portGone(dpid, no, now);
    this.#flush();
    return cameUp && isPhysical(no);
  }

  /**
   * A verified LLDP frame sent out of `src` at `sentAt` arrived on `dst`. Returns whether the
   * reverse direction is known too, or why no link was learned (the refusal is counted).
   */
  linkSeen(src: PortRef, dst: PortRef, now: number, sentAt: number = now): boolean | LinkRefusal {
    const sp = this.#switches.get(src.dpid)?.ports.get(src.port);
    const dp = this.#switches.get(dst.dpid)?.ports.get(dst.port);
    if (!sp || !dp || (src.dpid === dst.dpid && src.port === dst.port)) return this.#refuseLink('unknown-port', src, dst, now);
    const rec = this.#links.from(src.dpid, src.port);
    if (rec && rec.link.dst.dpid === dst.dpid && rec.link.dst.port === dst.port) {
      rec.lastSeen = now;
      this.#delays.note(`${src.dpid}/${src.port}`, now - sentAt);
      if (!rec.local) {
        rec.local = true;
        this.#publishLink(rec);
      }
    } else {
      // A new link between two ports where hosts speak, or whose frame took the long way, is
      // two hosts (or a tunnel) relaying our LLDP: signing stops forgery, not relaying.
      const hold = this.#opts.linkEdgeHoldMs;
      if (hold > 0 && (now - sp.edgeSeenAt < hold || now - dp.edgeSeenAt < hold)) return this.#refuseLink('edge-port', src, dst, now);
      const limit = this.#delays.limit(this.#opts.lldpMaxDelayMs, this.#opts.lldpDelayBaselineFactor);
      if (now - sentAt > limit) {
        this.#delays.note(`${src.dpid}/${src.port}`, now - sentAt);
        return this.#refuseLink('slow', src, dst, now, now - sentAt, Math.round(limit));
      }
      this.#delays.note(`${src.dpid}/${src.port}`, now - sentAt);
      this.#removeLinks(this.#links.conflicts(src, dst), now);
      const link: Link = Object.freeze({ src: Object.freeze({ ...src }), dst: Object.freeze({ ...dst }) });
      this.#publishLink(this.#addLink(link, now, undefined));
      this.#flush();
    }
    const back = this.#links.from(dst.dpid, dst.port);
    return back !== undefined && back.link.dst.dpid === src.dpid && back.link.dst.port === src.port;
  }

  /**
   * A broadcast or multicast frame (`data`, its bytes) from a packet-in on (dpid, inPort), before
   * anything floods it: the same one arriving REPEAT_LIMIT times on a linkless port holds that
   * port (repeats.ts). Returns whether the port is held now.
   */
  groupFrameSeen(dpid: Dpid, inPort: number, frame: Frame, data: Uint8Array, now: number): boolean {
    const port = this.#switches.get(dpid)?.ports.get(inPort);
    if (!port || this.#opts.loopHoldMs === 0 || this.#links.onPort(dpid, inPort)) return false;
    if (now < port.loopHoldUntil) return true;
    if (!(port.repeats ??= new RepeatCounter()).note(fingerprint(data), now)) return false;
    // The source's text only now: eth.src builds a string, and this runs on every group packet-in.
    this.#holdLoop(dpid, port, frame.eth.src, now);
    return true;
  }

  /** A frame from a packet-in on (dpid, inPort): learn or refresh the host that sent it. */
  hostSeen(dpid: Dpid, inPort: number, frame: Frame, now: number): void {
    // The MAC as a number for the lookup; its text is made only for a record or a log line.
    const macNum = hostMacNumOf(frame);
    if (macNum < 0 || !isPhysical(inPort)) return;
    const sw = this.#switches.get(dpid);
    const port = sw?.ports.get(inPort);
    if (!sw || !port) return;
    if (this.#links.onPort(dpid, inPort) || now < port.loopHoldUntil) {
      this.#counters.hostsIgnored++;
      return;
    }
    // The port counts as an edge (no new link on it for linkEdgeHoldMs) only when a host is
    // learned or refreshed there: a copy of a host known on another port is what weft's own
    // floods carry over a link LLDP has not found yet, and must not keep that link from being found.
    const edge = this.#settled(port, now);
    let h = this.#hosts.getNum(macNum);
    if (!h) {
      const refusal = hostRefusal(this.#opts, this.#hosts, this.#pins, undefined, macNum, dpid, inPort, now);
      if (refusal !== undefined) return this.#refuseHost(refusal, frame, dpid, port, now);
      if (edge) port.edgeSeenAt = now;
      h = { mac: frame.eth.src, macNum, ipv4: [], ipv6: [], dpid, port: inPort, firstSeen: now, lastSeen: now, orderedAt: now };
      this.#hosts.add(h);
      this.#confirm(port);
      this.#learnAddresses(h, frame, false);
      this.#emit({ type: 'hostAdded', host: hostInfo(h) });
      this.#publishHost(h);
    } else if (h.dpid === dpid && h.port === inPort) {
      if (edge) port.edgeSeenAt = now;
      this.#hosts.touch(h, now);
      this.#confirm(port);
      this.#learnAddresses(h, frame, true);
      if (h.remote !== undefined) {
        // Published by another instance, now seen here (a switch we took over): ours now.
        h.remote = undefined;
        this.#publishHost(h);
      }
    } else {
      // Known elsewhere, seen on a port not yet trusted as an edge: most likely a copy of its
      // frame that came over a link LLDP has not found yet. A real move shows again later.
      if (!port.confirmed && !this.#settled(port, now)) {
        this.#counters.hostsIgnored++;
        return;
      }
      const mac = h.mac;
      const refusal = hostRefusal(this.#opts, this.#hosts, this.#pins, h, mac, dpid, inPort, now);
      if (refusal !== undefined) return this.#refuseMove(refusal, h, dpid, inPort, now);
      const from: PortRef = { dpid: h.dpid, port: h.port };
      noteMove(this.#opts, h, now);
      this.#counters.hostMoves++;
      if (this.#recentMoves.push({ h, at: now }) > MAX_RECENT_MOVES) this.#recentMoves.shift();
      this.#logLimited(`move ${mac}`, now, 'info', { mac, from, to: { dpid, port: inPort } }, 'host moved');
      this.#hosts.move(h, dpid, inPort);
      this.#hosts.touch(h, now);
      h.remote = undefined;
      this.#confirm(port);
      this.#learnAddresses(h, frame, false);
      this.#emit({ type: 'hostMoved', host: hostInfo(h), from });
      this.#publishHost(h);
    }
    this.#flush();
  }

  /** Drop links not refreshed within the link timeout and hosts idle past the idle timeout. */
  expire(now: number): void {
    const stale = this.#links.staleSince(now - this.#opts.linkTimeoutMs);
    const gone: LinkRecord[] = [];
    for (const r of stale) {
      if (r.from === undefined) gone.push(r);
      else {
        // Our LLDP stopped showing it, another instance's still does: it stays, as theirs.
        r.local = false;
        this.#publish?.(`l/${r.link.src.dpid}/${r.link.src.port}`, undefined);
      }
    }
    this.#counters.linksExpired += gone.length;
    this.#removeLinks(gone, now);
    const idle = this.#hosts.idleSince(now - this.#opts.hostIdleMs);
    this.#counters.hostsExpired += idle.length;
    for (const h of idle) this.#removeHost(h);
    this.#flush();
  }

  // ---------------------------------------------------------------- cluster (shared.ts)

  /**
   * A link another cluster instance published (`dst` undefined: it no longer does). Ours wins
   * over a conflicting one. A link it stops publishing stays until our own link timeout: an
   * instance that dies takes its entries with it, and the switch's new master shows the link
   * again within an LLDP round; removing it at once would flush every path across it.
   */
  remoteLink(from: string, src: PortRef, dst: PortRef | undefined, now: number): void {
    const rec = this.#links.from(src.dpid, src.port);
    if (dst === undefined) {
      if (rec === undefined || rec.from !== from) return;
      rec.from = undefined;
      if (!rec.local) rec.lastSeen = now;
      return;
    }
    const known = (r: PortRef) => this.#switches.get(r.dpid)?.ports.has(r.port) === true;
    if (!known(src) || !known(dst) || (src.dpid === dst.dpid && src.port === dst.port)) return;
    if (rec && rec.link.dst.dpid === dst.dpid && rec.link.dst.port === dst.port) {
      rec.from = from;
      return;
    }
    const conflicts = this.#links.conflicts(src, dst);
    if (conflicts.some((r) => r.local)) return;
    this.#removeLinks(conflicts, now);
    this.#addLink(Object.freeze({ src: Object.freeze({ ...src }), dst: Object.freeze({ ...dst }) }), now, from);
    this.#flush();
  }

  /**
   * A host sighting another cluster instance published (undefined: it forgot the host). A
   * sighting of ours newer than theirs wins; theirs moves the host otherwise. Their hosts count
   * against maxHosts and are theirs to expire.
   */
  remoteHost(from: string, mac: string, at: RemoteHost | undefined, now: number): void {
    const h = this.#hosts.get(mac);
    if (at === undefined) {
      if (h !== undefined && h.remote === from) {
        this.#removeHost(h);
        this.#flush();
      }
      return;
    }
    if (!this.#switches.get(at.dpid)?.ports.has(at.port) || this.#links.onPort(at.dpid, at.port)) return;
    let changed: HostRecord[] | undefined;
    if (h === undefined) {
      if (this.#hosts.size >= this.#opts.maxHosts) {
        this.#counters.hostsRefused['table-cap'] = (this.#counters.hostsRefused['table-cap'] ?? 0) + 1;
        return;
      }
      const rec: HostRecord = { mac, macNum: macToNumber(mac), ipv4: [], ipv6: [], dpid: at.dpid, port: at.port, firstSeen: at.seen, lastSeen: at.seen, orderedAt: now, remote: from };
      this.#hosts.add(rec);
      changed = this.#remoteAddresses(rec, at)?.filter((c) => c !== rec);
      this.#emit({ type: 'hostAdded', host: hostInfo(rec) });
    } else {
      if (h.remote === undefined && h.lastSeen > at.seen) return;
      if (h.remote === undefined) this.#publish?.(`h/${mac}`, undefined);
      h.remote = from;
      h.lastSeen = at.seen;
      if (h.dpid !== at.dpid || h.port !== at.port) {
        const prev: PortRef = { dpid: h.dpid, port: h.port };
        this.#hosts.move(h, at.dpid, at.port);
        this.#emit({ type: 'hostMoved', host: hostInfo(h), from: prev });
      }
      changed = this.#remoteAddresses(h, at);
    }
    for (const c of changed ?? []) this.#emit({ type: 'hostUpdated', host: hostInfo(c) });
    this.#flush();
  }

  #remoteAddresses(h: HostRecord, at: RemoteHost): HostRecord[] | undefined {
    let changed: HostRecord[] | undefined;
    for (let i = at.ipv4.length - 1; i >= 0; i--) changed = this.#hosts.addIp(h, at.ipv4[i]!, 'ipv4', changed);
    for (let i = at.ipv6.length - 1; i >= 0; i--) changed = this.#hosts.addIp(h, at.ipv6[i]!, 'ipv6', changed);
    return changed;
  }

  // ---------------------------------------------------------------- internals

  #newHostTable(): HostTable {
    // Never full: hostRefusal() refuses new hosts at maxHosts (pinned ones aside, at most maxPins).
    const bound = this.#opts.maxHosts + this.#opts.maxPins;
    const onEvict = (h: HostRecord) => this.#emit({ type: 'hostRemoved', host: hostInfo(h) });
    // Order refreshed at most every 1/64 of the idle timeout (~4.7 s by default).
    return new HostTable(bound, this.#opts.maxIpsPerHost, onEvict, this.#opts.hostIdleMs / 64);
  }

  #newPinTable(): PinTable {
    const pins = new PinTable(this.#opts.maxPins);
    for (const p of this.#opts.pinnedHosts) pins.set(p);
    return pins;
  }

  #refuseHost(reason: HostRefusal, frame: Frame, dpid: Dpid, port: PortState, now: number): void {
    const c = this.#counters.hostsRefused;
    c[reason] = (c[reason] ?? 0) + 1;
    // A MAC flood is refused on every packet-in of its port: within the log interval the port
    // just counts (no limiter key to build and look up per packet); the next line says how many.
    if (now - port.refusalLogAt < this.#logLimit.intervalMs) {
      port.refusalsUnlogged++;
      this.#logLimit.skip();
      return;
    }
    const unlogged = port.refusalsUnlogged;
    port.refusalLogAt = now;
    port.refusalsUnlogged = 0;
    const obj = { mac: frame.eth.src, dpid, port: port.no, reason };
    this.#logLimited(`host ${dpid}/${port.no}`, now, 'warn', unlogged > 0 ? { ...obj, suppressed: unlogged } : obj, 'host refused');
  }

  /**
   * The same broadcast keeps arriving on a linkless port: it is going round a loop that LLDP
   * has not found (a cable under load, a bridge that drops LLDP). That port stops flooding and
   * learning for a while, which breaks the loop; the hosts recorded there, and those that moved
   * while the storm ran, are forgotten (their places may be copies') and learned again from their
   * next frame on a port that is not held.
   */
  #holdLoop(dpid: Dpid, port: PortState, mac: string, now: number): void {
    const ms = startLoopHold(port, this.#opts.loopHoldMs, now);
    if (ms === 0) return;
    this.#floodEpoch++;
    this.#counters.loopHolds++;
    this.#logLimited(`loop ${dpid}/${port.no}`, now, 'warn', { dpid, port: port.no, mac, holdMs: ms }, 'loop hold: port not flooded (the same broadcast keeps arriving on it)');
    for (const h of this.#hosts.onPort(dpid, port.no)) this.#removeHost(h, true);
    // The storm's copies moved hosts onto other loop ports too, and the move limit keeps them
    // there: whoever moved while it ran is forgotten, and found again by its next frame.
    for (const { h, at } of this.#recentMoves.splice(0)) {
      if (now - at <= STORM_MOVES_MS && this.#hosts.get(h.mac) === h) this.#removeHost(h, true);
    }
    this.#flush();
  }

  #refuseMove(reason: HostRefusal, h: HostRecord, dpid: Dpid, port: number, now: number): void {
    const c = this.#counters.hostMovesRefused;
    c[reason] = (c[reason] ?? 0) + 1;
    this.#logLimited(`move ${reason} ${h.mac}`, now, 'warn', { mac: h.mac, at: { dpid: h.dpid, port: h.port }, to: { dpid, port }, reason }, 'host move refused');
  }

  #refuseLink(reason: LinkRefusal, src: PortRef, dst: PortRef, now: number, delayMs?: number, limitMs?: number): LinkRefusal {
    this.refused(reason);
    if (reason !== 'unknown-port') {
      this.#logLimited(`link ${reason} ${dst.dpid}/${dst.port}`, now, 'warn', { src, dst, reason, ...(delayMs === undefined ? {} : { delayMs, limitMs }) }, 'link refused');
    }
    return reason;
  }

  /** A log line a peer can cause at will: rate-limited per key (LogLimiter). */
  #logLimited(key: string, now: number, level: 'info' | 'warn', obj: Record<string, unknown>, msg: string): void {
    const log = this.#log;
    if (!log) return;
    const suppressed = this.#logLimit.take(key, now);
    if (suppressed === undefined) return;
    log[level](suppressed > 0 ? { ...obj, suppressed } : obj, msg);
  }

  #theGraph(): Graph {
    return (this.#graph ??= new Graph(this.#switches.keys(), this.#links.all().map((r) => r.link)));
  }

  #confirm(port: PortState): void {
    if (port.confirmed) return;
    port.confirmed = true;
    this.#floodEpoch++;
  }

  #settled(p: PortState, now: number): boolean {
    return now - p.upAt >= this.#opts.settleMs;
  }

  /** Tree ports always; linkless ports once known to be edges (a host seen, or settled) and not held. */
  #floodable(sw: SwitchState, p: PortState, graph: Graph, now: number): boolean {
    if (this.#links.onPort(sw.dpid, p.no)) return graph.isTreePort(sw.dpid, p.no);
    if (now < p.loopHoldUntil) return false;
    return p.confirmed || this.#settled(p, now);
  }

  #learnAddresses(h: HostRecord, frame: Frame, announce: boolean): void {
    const changed = learnAddresses(this.#hosts, h, frame);
    if (!changed) return;
    for (const c of changed) {
      if (announce || c !== h) this.#emit({ type: 'hostUpdated', host: hostInfo(c) });
      if (this.#publish && (announce || c !== h)) this.#publishHost(c);
    }
  }

  /** A port went down or away: its links and hosts go at once. */
  #portGone(dpid: Dpid, port: number, now: number): void {
    this.#removeLinks(this.#links.linksOnPort(dpid, port), now);
    for (const h of this.#hosts.onPort(dpid, port)) this.#removeHost(h);
  }

  /** A new link (ours, or published by `from`): into the graph; hosts on its ports were copies. */
  #addLink(link: Link, now: number, from: string | undefined): LinkRecord {
    const rec = this.#links.add(link, now, from);
    this.#graph = undefined;
    this.#emit({ type: 'linkAdded', link });
    // Hosts "seen" on either port were copies that crossed the link before we knew of it.
    for (const end of [link.src, link.dst]) {
      const p = this.#switches.get(end.dpid)?.ports.get(end.port);
      if (p) {
        p.confirmed = false;
        // The loop a hold broke was this link: the tree takes it from here.
        endLoopHold(p);
      }
    }
    this.#floodEpoch++;
    for (const h of [...this.#hosts.onPort(link.src.dpid, link.src.port), ...this.#hosts.onPort(link.dst.dpid, link.dst.port)]) this.#removeHost(h);
    return rec;
  }

  #publishLink(rec: LinkRecord): void {
    if (this.#publish && rec.local) this.#publish(`l/${rec.link.src.dpid}/${rec.link.src.port}`, { dpid: rec.link.dst.dpid, port: rec.link.dst.port });
  }

  #publishHost(h: HostRecord): void {
    if (this.#publish && h.remote === undefined) this.#publish(`h/${h.mac}`, { dpid: h.dpid, port: h.port, ipv4: h.ipv4, ipv6: h.ipv6, seen: h.lastSeen });
  }

  #removeLinks(recs: readonly LinkRecord[], now: number): void {
    for (const r of recs) {
      if (r.local) this.#publish?.(`l/${r.link.src.dpid}/${r.link.src.port}`, undefined);
      this.#links.remove(r);
      this.#graph = undefined;
      this.#emit({ type: 'linkRemoved', link: r.link });
    }
    // A port that lost its link must settle again before it is flooded as an edge: the link
    // may only have missed a few LLDP rounds and still be there.
    for (const r of recs) {
      for (const end of [r.link.src, r.link.dst]) {
        const p = this.#switches.get(end.dpid)?.ports.get(end.port);
        if (p && !this.#links.onPort(end.dpid, end.port)) [p.upAt, p.confirmed] = [now, false];
        this.#floodEpoch++;
      }
    }
  }

  #removeHost(h: HostRecord, wrongPlace = false): void {
    if (h.remote === undefined) this.#publish?.(`h/${h.mac}`, undefined);
    this.#hosts.remove(h);
    this.#emit(wrongPlace ? { type: 'hostRemoved', host: hostInfo(h), wrongPlace } : { type: 'hostRemoved', host: hostInfo(h) });
  }

  #emit(ev: TopologyEvent): void {
    this.#pending.push(ev);
  }

  /** Deliver queued events in order, after the state change that caused them is complete. */
  #flush(): void {
    if (this.#flushing || this.#pending.length === 0) return;
    this.#flushing = true;
    try {
      for (let ev = this.#pending.shift(); ev; ev = this.#pending.shift()) {
        this.#version++;
        for (const l of this.#listeners) {
          try {
            l(ev);
          } catch (err) {
            this.#log?.error({ event: ev.type, err: err instanceof Error ? err.message : String(err) }, 'topology listener failed');
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}

function canonicalIpv6(ip: string): string {
  try {
    return normalizeIpv6(ip);
  } catch {
    return ip;
  }
}
