/**
 * A minimal multi-switch network for l2-learning tests: FakeDatapaths connected to one AppHost,
 * wired by links, with hosts on edge ports. A frame sent by a host runs through each switch's
 * flow table; frames leaving on a link arrive at the peer switch, packet-outs the apps send are
 * followed the same way. Deliveries to hosts and packet-ins are counted, and every walk is
 * bounded so a forwarding loop shows up as `looped` instead of hanging the test.
 */
import { OFPPR } from '../../../protocol/index.js';
import type { App } from '../../../apps/sdk/index.js';
import { AppHost } from '../../../src/host/app-host.js';
import { FakeDatapath, frameFor, makePort } from '../../support/fake-datapath.js';
import type { PacketFields } from '../../support/fake-datapath.js';
import { fakeClock, memoryLogger } from '../../host/helpers.js';

export interface NetSpec {
  /** Switch number -> its ports. dpid = the number. */
  switches: Record<number, number[]>;
  /** [switchA, portA, switchB, portB] */
  links: [number, number, number, number][];
  /** host name -> [mac, switch, port] */
  hosts: Record<string, [string, number, number]>;
}

export interface Delivery {
  host: string;
  src: string;
  dst: string;
}

export interface SendResult {
  deliveries: Delivery[];
  packetIns: number;
  /** The walk hit its bound: a frame kept circulating. */
  looped: boolean;
}

interface Frame {
  sw: number;
  inPort: number;
  pkt: PacketFields;
  data: Uint8Array;
}

const macAt = (d: Uint8Array, o: number) => [...d.subarray(o, o + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');

/** The Ethernet fields of a frame (what the flow tables match on here). */
export function fieldsOf(d: Uint8Array): PacketFields {
  return { eth_dst: macAt(d, 0), eth_src: macAt(d, 6), eth_type: (d[12]! << 8) | d[13]! };
}

export const dpidOf = (n: number) => n.toString(16).padStart(16, '0');

export class FakeNet {
  readonly clock = fakeClock();
  readonly host: AppHost;
  readonly logLines;
  readonly switches = new Map<number, FakeDatapath>();
  readonly #wires = new Map<string, [number, number]>();
  readonly #hostAt = new Map<string, string>();
  readonly hosts: Record<string, [string, number, number]>;
  /** Packet-outs of each switch already followed. */
  readonly #poSeen = new Map<number, number>();
  packetIns = 0;

  constructor(spec: NetSpec, apps: App[], appOptions: Record<string, Record<string, unknown>> = {}) {
    const { log, lines } = memoryLogger('warn');
    this.logLines = lines;
    this.host = new AppHost({ apps, log, clock: this.clock.now, appOptions });
    this.hosts = { ...spec.hosts };
    for (const [a, pa, b, pb] of spec.links) {
      this.#wires.set(`${a}/${pa}`, [b, pb]);
      this.#wires.set(`${b}/${pb}`, [a, pa]);
    }
    for (const [name, [, sw, port]] of Object.entries(spec.hosts)) this.#hostAt.set(`${sw}/${port}`, name);
    for (const [n, ports] of Object.entries(spec.switches)) {
      const sw = new FakeDatapath({ datapathId: BigInt(n), ports: ports, clock: this.clock.now });
      this.switches.set(Number(n), sw);
      const orig = sw.receive.bind(sw);
      // Count packet-ins as they go to the host.
      sw.receive = (msg) => {
        if (msg.type === 'packetIn') this.packetIns++;
        orig(msg);
      };
    }
    for (const sw of this.switches.values()) sw.connect(this.host);
  }

  sw(n: number): FakeDatapath {
    return this.switches.get(n)!;
  }

  /** Move a host to another switch port (the frames it sends next enter there). */
  moveHost(name: string, sw: number, port: number): void {
    const [mac, osw, oport] = this.hosts[name]!;
    this.#hostAt.delete(`${osw}/${oport}`);
    this.hosts[name] = [mac, sw, port];
    this.#hostAt.set(`${sw}/${port}`, name);
  }

  /** Cut a link: frames are lost on it, and both ends report the port down. */
  cutLink(a: number, pa: number, b: number, pb: number): void {
    this.#wires.delete(`${a}/${pa}`);
    this.#wires.delete(`${b}/${pb}`);
    this.sw(a).portStatus(OFPPR.MODIFY, makePort(BigInt(a), pa, { state: 1 }));
    this.sw(b).portStatus(OFPPR.MODIFY, makePort(BigInt(b), pb, { state: 1 }));
  }

  /** A host sends a frame; follow it (and every packet-out it causes) until it settles. */
  send(from: string, dst: string, fields: PacketFields = {}, maxSteps = 500): SendResult {
    const [src, sw, port] = this.hosts[from]!;
    const pkt: PacketFields = { eth_src: src, eth_dst: dst, eth_type: 0x0800, ...fields };
    return this.#walk([{ sw, inPort: port, pkt, data: frameFor(pkt) }], maxSteps);
  }

  /** Follow packet-outs sent since the last walk (LLDP after switch up or a tick, say). */
  pump(maxSteps = 500): SendResult {
    return this.#walk([], maxSteps);
  }

  #walk(start: Frame[], maxSteps: number): SendResult {
    const before = this.packetIns;
    const deliveries: Delivery[] = [];
    const queue: Frame[] = [...start];
    this.#collectPacketOuts(deliveries, queue);
    let steps = 0;
    while (queue.length > 0 && steps < maxSteps) {
      steps++;
      const f = queue.shift()!;
      const res = this.sw(f.sw).inject({ ...f.pkt, in_port: f.inPort }, { data: f.data });
      for (const p of res.ports) this.#leave(f.sw, p, f, deliveries, queue);
      this.#collectPacketOuts(deliveries, queue);
    }
    return { deliveries, packetIns: this.packetIns - before, looped: queue.length > 0 };
  }

  /** Packet-outs the apps sent, on any switch, not followed yet. */
  #collectPacketOuts(deliveries: Delivery[], queue: Frame[]): void {
    for (const [m, s] of this.switches) {
      const seen = this.#poSeen.get(m) ?? 0;
      for (const rec of s.packetOuts.slice(seen)) {
        const f: Frame = { sw: m, inPort: rec.msg.inPort, pkt: fieldsOf(rec.msg.data), data: rec.msg.data };
        for (const p of rec.trace.ports) this.#leave(m, p, f, deliveries, queue);
      }
      this.#poSeen.set(m, s.packetOuts.length);
    }
  }

  #leave(n: number, port: number, f: Frame, deliveries: Delivery[], queue: Frame[]): void {
    const name = this.#hostAt.get(`${n}/${port}`);
    if (name !== undefined) {
      deliveries.push({ host: name, src: f.pkt.eth_src!, dst: f.pkt.eth_dst! });
      return;
    }
    const peer = this.#wires.get(`${n}/${port}`);
    if (peer) queue.push({ ...f, sw: peer[0], inPort: peer[1] });
  }
}
