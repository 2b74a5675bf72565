/**
 * Several fake datapaths wired into a network, for testing apps that span switches (topology,
 * l2-learning) without Open vSwitch. Links join (dpid, port) pairs; hosts sit on ports. A frame
 * that reaches a switch port runs through that switch's flow tables (FakeDatapath.inject, so a
 * packet-in reaches the app host when the tables say CONTROLLER); what the tables output, and
 * what the controller sends with PACKET_OUT, leaves by the port: across a link to the peer
 * switch, to the attached host, or nowhere. Frames travel in FIFO order until the network is
 * quiet, under a hop budget so a forwarding loop ends the run (and sets `stormed`) instead of
 * hanging the test.
 *
 *   const net = new FakeNetwork({ clock: clock.now });
 *   net.addSwitch(1n, [1, 2]); net.addSwitch(2n, [1, 2]);
 *   net.link([1n, 2], [2n, 1]);
 *   const h1 = net.attach('h1', [1n, 1], { mac: '0a:..', ip: '10.0.0.1' });
 *   net.connect(host);                  // switch up for each, then LLDP etc. delivered
 *   net.send('h1', frame);              // returns what happened: deliveries, packet-ins
 *
 * Set-field of Ethernet and IPv4 addresses and dec_nw_ttl are applied to the bytes of each
 * copy that leaves (IPv4 header checksum recomputed; test/support/rewrite.ts), and a TTL that
 * expires in dec_nw_ttl gives an INVALID_TTL packet-in, as in Open vSwitch.
 * Limits: VLAN push/pop change the match fields used at the next table, not the bytes; TCP/UDP
 * checksums are not updated; output:TABLE from a PACKET_OUT that ends at the controller gives
 * no packet-in.
 */
import { OFPPC, OFPPR, OFPPS } from '../../protocol/index.js';
import type { Port } from '../../protocol/index.js';
import { parseFrame } from '../../protocol/packet/index.js';
import type { ConnectionEvents } from '../../src/openflow/switch-connection.js';
import { FakeDatapath, makePort } from './fake-datapath.js';
import type { PacketFields } from './fake-datapath.js';
import { framesOut } from './rewrite.js';

/** A switch port: [datapath id, port number]. */
export type Endpoint = readonly [bigint, number];

export interface FakeHost {
  readonly name: string;
  readonly mac: string;
  readonly ip: string | undefined;
  at: Endpoint;
  /** Every frame delivered to the host, in order. */
  readonly received: Uint8Array[];
}

export interface RunStats {
  /** Frames that crossed a switch-to-switch link. */
  linkHops: number;
  /** Frames delivered to hosts, by host name. */
  delivered: Record<string, number>;
  /** Packet-ins sent to the controller, by datapath id (hex, no padding). */
  packetIns: Record<string, number>;
  /** Frames that left on a port with nothing behind it, or on a port that is down. */
  dropped: number;
}

const key = (e: Endpoint) => `${e[0]}/${e[1]}`;

/** The match fields of a frame arriving on a port, from its headers. */
export function fieldsOf(data: Uint8Array, inPort: number): PacketFields & { in_port: number } {
  const f = parseFrame(data);
  const p: PacketFields & { in_port: number } = { in_port: inPort, eth_dst: f.eth.dst, eth_src: f.eth.src, eth_type: f.eth.ethType };
  const tag = f.eth.vlans[0];
  if (tag) Object.assign(p, { vlan_vid: 0x1000 | tag.vid, vlan_pcp: tag.pcp });
  if (f.arp) Object.assign(p, { arp_op: f.arp.op, arp_spa: f.arp.spa, arp_tpa: f.arp.tpa, arp_sha: f.arp.sha, arp_tha: f.arp.tha });
  if (f.ipv4) Object.assign(p, { ip_proto: f.ipv4.protocol, ipv4_src: f.ipv4.src, ipv4_dst: f.ipv4.dst, ip_dscp: f.ipv4.dscp, ip_ecn: f.ipv4.ecn });
  if (f.ipv6) Object.assign(p, { ip_proto: f.ipv6.protocol, ipv6_src: f.ipv6.src, ipv6_dst: f.ipv6.dst });
  if (f.tcp) Object.assign(p, { tcp_src: f.tcp.srcPort, tcp_dst: f.tcp.dstPort });
  if (f.udp) Object.assign(p, { udp_src: f.udp.srcPort, udp_dst: f.udp.dstPort });
  if (f.icmp) Object.assign(p, { icmpv4_type: f.icmp.type, icmpv4_code: f.icmp.code });
  if (f.icmpv6) {
    Object.assign(p, { icmpv6_type: f.icmpv6.type, icmpv6_code: f.icmpv6.code });
    if (f.icmpv6.target) p.ipv6_nd_target = f.icmpv6.target;
  }
  return p;
}

export class FakeNetwork {
  readonly switches = new Map<bigint, FakeDatapath>();
  readonly hosts = new Map<string, FakeHost>();
  /** Set when a run hit the hop budget: something loops. */
  stormed = false;
  readonly #clock: () => number;
  readonly #maxHops: number;
  readonly #peers = new Map<string, Endpoint>();
  /** Cable ends that LLDP does not cross (link(..., { dropLldp })). */
  readonly #dropsLldp = new Set<string>();
  readonly #hostAt = new Map<string, FakeHost>();
  readonly #cursor = new Map<FakeDatapath, number>();
  readonly #queue: { at: Endpoint; data: Uint8Array }[] = [];
  #events: ConnectionEvents | undefined;
  #stats: RunStats = FakeNetwork.#emptyStats();
  #running = false;

  constructor(opts: { clock: () => number; maxHops?: number }) {
    this.#clock = opts.clock;
    this.#maxHops = opts.maxHops ?? 10_000;
  }

  // ---------------------------------------------------------------- building

  addSwitch(dpid: bigint, ports: number[]): FakeDatapath {
    if (this.switches.has(dpid)) throw new Error(`switch ${dpid} exists`);
    const sw = new FakeDatapath({ datapathId: dpid, ports, clock: this.#clock });
    this.switches.set(dpid, sw);
    return sw;
  }

  /**
   * A cable between two switch ports (both directions). `dropLldp`: LLDP frames do not cross it,
   * as through a bridge in between (802.1D bridges do not forward 01:80:c2:00:00:0e).
   */
  link(a: Endpoint, b: Endpoint, opts: { dropLldp?: boolean } = {}): this {
    for (const e of [a, b]) {
      if (!this.switches.get(e[0])?.info.ports.has(e[1])) throw new Error(`no port ${key(e)}`);
      if (this.#peers.has(key(e)) || this.#hostAt.has(key(e))) throw new Error(`port ${key(e)} is taken`);
    }
    this.#peers.set(key(a), b);
    this.#peers.set(key(b), a);
    for (const e of [a, b]) {
      if (opts.dropLldp) this.#dropsLldp.add(key(e));
      else this.#dropsLldp.delete(key(e));
    }
    return this;
  }

  /** Pull the cable out (ports stay up, as with a patch panel: only LLDP notices). */
  unlink(a: Endpoint): this {
    const b = this.#peers.get(key(a));
    this.#peers.delete(key(a));
    this.#dropsLldp.delete(key(a));
    if (b) this.#peers.delete(key(b));
    if (b) this.#dropsLldp.delete(key(b));
    return this;
  }

  peer(e: Endpoint): Endpoint | undefined {
    return this.#peers.get(key(e));
  }

  attach(name: string, at: Endpoint, opts: { mac: string; ip?: string }): FakeHost {
    if (this.#peers.has(key(at)) || this.#hostAt.has(key(at))) throw new Error(`port ${key(at)} is taken`);
    const h: FakeHost = { name, mac: opts.mac, ip: opts.ip, at, received: [] };
    this.hosts.set(name, h);
    this.#hostAt.set(key(at), h);
    return h;
  }

  /** Move a host to another port (the old one stays up). */
  moveHost(name: string, to: Endpoint): void {
    const h = this.#host(name);
    this.#hostAt.delete(key(h.at));
    h.at = to;
    this.#hostAt.set(key(to), h);
  }

  /** Connect every switch (or the ones given, in that order) to the host, then deliver what they sent. */
  connect(events: ConnectionEvents, dpids: bigint[] = [...this.switches.keys()].sort((a, b) => (a < b ? -1 : 1))): RunStats {
    this.#events = events;
    return this.#run(() => {
      for (const d of dpids) this.switches.get(d)!.connect(events);
    });
  }

  /** A switch loses its controller connection. */
  disconnect(dpid: bigint): void {
    this.switches.get(dpid)!.close('test disconnect');
  }

  /** Reconnect a switch that was disconnected. */
  reconnect(dpid: bigint): RunStats {
    if (!this.#events) throw new Error('connect() first');
    return this.#run(() => this.switches.get(dpid)!.connect(this.#events!));
  }

  /** Set a port's link state (LINK_DOWN bit) and send PORT_STATUS; `peerToo` does the same at the cable's other end. */
  setLink(e: Endpoint, up: boolean, peerToo = true): RunStats {
    const ends = [e, ...(peerToo && this.peer(e) ? [this.peer(e)!] : [])];
    return this.#run(() => {
      for (const [dpid, no] of ends) {
        const sw = this.switches.get(dpid)!;
        const old = sw.info.ports.get(no)!;
        const state = up ? old.state & ~OFPPS.LINK_DOWN : old.state | OFPPS.LINK_DOWN;
        sw.portStatus(OFPPR.MODIFY, { ...old, state });
      }
    });
  }

  /** Add a port to a switch (PORT_STATUS ADD). */
  addPort(dpid: bigint, no: number, overrides: Partial<Port> = {}): RunStats {
    return this.#run(() => this.switches.get(dpid)!.portStatus(OFPPR.ADD, makePort(dpid, no, overrides)));
  }

  // ---------------------------------------------------------------- traffic

  /** A host sends a frame; everything it causes is delivered before this returns. */
  send(name: string, data: Uint8Array): RunStats {
    const h = this.#host(name);
    return this.#run(() => this.#queue.push({ at: h.at, data }));
  }

  /** Deliver what the controller sent since the last run (after a tick, say). */
  pump(): RunStats {
    return this.#run(() => {});
  }

  // ---------------------------------------------------------------- internals

  #host(name: string): FakeHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  static #emptyStats(): RunStats {
    return { linkHops: 0, delivered: {}, packetIns: {}, dropped: 0 };
  }

  #run(start: () => void): RunStats {
    if (this.#running) throw new Error('fake network: re-entered');
    this.#running = true;
    this.#stats = FakeNetwork.#emptyStats();
    try {
      start();
      this.#drainPacketOuts();
      let hops = 0;
      for (let item = this.#queue.shift(); item; item = this.#queue.shift()) {
        if (++hops > this.#maxHops) {
          this.stormed = true;
          this.#queue.length = 0;
          break;
        }
        this.#arrive(item.at, item.data);
        this.#drainPacketOuts();
      }
      return this.#stats;
    } finally {
      this.#running = false;
    }
  }

  #portUp(e: Endpoint): boolean {
    const sw = this.switches.get(e[0]);
    const p = sw?.info.ports.get(e[1]);
    return !!p && (p.state & OFPPS.LINK_DOWN) === 0 && (p.config & OFPPC.PORT_DOWN) === 0;
  }

  /** A frame reaches a switch port from the wire. */
  #arrive(at: Endpoint, data: Uint8Array): void {
    const sw = this.switches.get(at[0]);
    if (!sw || sw.closed || !this.#portUp(at)) {
      this.#stats.dropped++;
      return;
    }
    // A switch with no controller connection yet has an empty table: it drops everything.
    let res;
    try {
      res = sw.inject(fieldsOf(data, at[1]), { data });
    } catch {
      this.#stats.dropped++;
      return;
    }
    if (res.toController) {
      const k = at[0].toString(16);
      this.#stats.packetIns[k] = (this.#stats.packetIns[k] ?? 0) + 1;
    }
    for (const o of framesOut(res, data)) this.#leave([at[0], o.port], o.data);
  }

  /** A frame leaves a switch port onto the wire. */
  #leave(from: Endpoint, data: Uint8Array): void {
    if (!this.#portUp(from)) {
      this.#stats.dropped++;
      return;
    }
    const peer = this.#peers.get(key(from));
    if (peer) {
      if (this.#dropsLldp.has(key(from)) && data.length >= 14 && data[12] === 0x88 && data[13] === 0xcc) {
        this.#stats.dropped++;
        return;
      }
      this.#stats.linkHops++;
      this.#queue.push({ at: peer, data });
      return;
    }
    const h = this.#hostAt.get(key(from));
    if (h) {
      h.received.push(data);
      this.#stats.delivered[h.name] = (this.#stats.delivered[h.name] ?? 0) + 1;
      return;
    }
    this.#stats.dropped++;
  }

  /** PACKET_OUTs every switch got since the last look go out of the ports their actions name. */
  #drainPacketOuts(): void {
    for (const [dpid, sw] of this.switches) {
      let i = this.#cursor.get(sw) ?? 0;
      if (i > sw.packetOuts.length) i = 0; // the test cleared them
      for (; i < sw.packetOuts.length; i++) {
        const rec = sw.packetOuts[i]!;
        for (const o of framesOut(rec.trace, rec.msg.data)) this.#leave([dpid, o.port], o.data);
      }
      this.#cursor.set(sw, i);
    }
  }
}
