/**
 * A network of fake switches over real TCP sockets for the UI tests: cables carry the
 * topology app's LLDP packet-outs to the switch at the other end (as a packet-in there), hosts
 * announce themselves with a gratuitous ARP, each switch keeps the flows weft installs (so the
 * flow page has content) and reports port counters that grow (so utilisation shows), plus one
 * group and one meter.
 */
import { OFPG_ANY, OFPGT, OFPMF, OFPP, OFPPR } from '../../protocol/index.js';
import type { FlowStats, FlowMod, OfMessage, Port } from '../../protocol/index.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';

const OFP_NO_BUFFER = 0xffffffff;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;

export interface Cable { a: [number, number]; b: [number, number] }
export interface LanHost { sw: number; port: number; mac: string; ip: string }

export const dpidOf = (i: number): bigint => 0x1000n + BigInt(i);
export const dpidHex = (i: number): string => dpidOf(i).toString(16).padStart(16, '0');

/** A gratuitous ARP from mac/ip (a 60-byte frame). */
export function garp(mac: string, ip: string): Uint8Array {
  const f = new Uint8Array(60);
  const m = mac.split(':').map((x) => parseInt(x, 16));
  const a = ip.split('.').map(Number);
  f.set([255, 255, 255, 255, 255, 255], 0);
  f.set(m, 6);
  f.set([0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1], 12);
  f.set(m, 22);
  f.set(a, 28);
  f.set(a, 38);
  return f;
}

class LanSwitch {
  sw!: FakeSwitch;
  readonly flows: { mod: FlowMod; at: number }[] = [];
  readonly started = Date.now();
  constructor(
    readonly lan: FakeLan,
    readonly index: number,
    readonly ports: Port[],
  ) {}

  /** The cookie of the flow a packet-in would have matched: the LLDP flow or the table-miss one. */
  cookieFor(lldp: boolean): bigint {
    const f = this.flows.find(({ mod }) => (lldp ? mod.match.some((e) => e.field === 'eth_type' && e.value === 0x88cc) : mod.priority === 0 && mod.match.length === 0));
    return f ? f.mod.cookie : ALL_ONES;
  }

  packetIn(port: number, data: Uint8Array, lldp: boolean): void {
    this.sw.send({ type: 'packetIn', xid: 0, bufferId: OFP_NO_BUFFER, totalLen: data.length, reason: lldp ? 1 : 0, tableId: 0, cookie: this.cookieFor(lldp), match: [{ field: 'in_port', value: port }], data });
  }

  answer(m: OfMessage): OfMessage[] | undefined {
    if (m.type === 'flowMod') {
      if (m.command === 0) this.flows.push({ mod: m, at: Date.now() });
      else if (m.command === 3 || m.command === 4) {
        const keep = this.flows.filter(({ mod }) => (mod.cookie & m.cookieMask) !== (m.cookie & m.cookieMask) || (m.tableId !== 0xff && mod.tableId !== m.tableId));
        this.flows.splice(0, this.flows.length, ...keep);
      }
      return [];
    }
    if (m.type === 'packetOut') {
      const lldp = m.data.length > 14 && m.data[12] === 0x88 && m.data[13] === 0xcc;
      for (const a of m.actions) if (a.type === 'output' && a.port < OFPP.MAX) this.lan.carry(this.index, a.port, m.data, lldp);
      return [];
    }
    if (m.type !== 'multipartRequest') return undefined;
    const reply = (body: Extract<OfMessage, { type: 'multipartReply' }>['body']): OfMessage[] => [{ type: 'multipartReply', xid: m.xid, flags: 0, body }];
    const secs = (Date.now() - this.started) / 1000;
    switch (m.body.kind) {
      case 'flow':
        return reply({ kind: 'flow', stats: this.flows.map(({ mod, at }): FlowStats => ({ tableId: mod.tableId, durationSec: Math.floor((Date.now() - at) / 1000), durationNsec: 0, priority: mod.priority, idleTimeout: mod.idleTimeout, hardTimeout: mod.hardTimeout, flags: mod.flags, cookie: mod.cookie, packetCount: 3n, byteCount: 180n, match: mod.match, instructions: mod.instructions })) });
      case 'portStats':
        // Port 1 of every switch sends at ~80 Mbit/s: links there show as busier than the rest.
        return reply({ kind: 'portStats', stats: this.ports.map((p) => ({ portNo: p.portNo, rxPackets: BigInt(Math.floor(secs * 100)), txPackets: BigInt(Math.floor(secs * 1000)), rxBytes: BigInt(Math.floor(secs * 6000)), txBytes: BigInt(Math.floor(secs * (p.portNo === 1 ? 10_000_000 : 1000))), rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: Math.floor(secs), durationNsec: 0 })) });
      case 'groupDesc':
        return reply({ kind: 'groupDesc', stats: [{ groupType: OFPGT.SELECT, groupId: 7, buckets: [{ weight: 5, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 2, maxLen: 0 }] }] }] });
      case 'group':
        return reply({ kind: 'group', stats: [{ groupId: 7, refCount: 0, packetCount: 11n, byteCount: 1100n, durationSec: 1, durationNsec: 0, bucketStats: [{ packetCount: 11n, byteCount: 1100n }] }] });
      case 'meterConfig':
        return reply({ kind: 'meterConfig', stats: [{ flags: OFPMF.KBPS, meterId: 3, bands: [{ type: 'drop', rate: 10000, burstSize: 0 }] }] });
      case 'meter':
        return reply({ kind: 'meter', stats: [{ meterId: 3, flowCount: 0, packetInCount: 5n, byteInCount: 500n, durationSec: 1, durationNsec: 0, bandStats: [{ packetBandCount: 0n, byteBandCount: 0n }] }] });
      default:
        return undefined;
    }
  }
}

export class FakeLan {
  readonly switches: LanSwitch[] = [];
  private readonly wires = new Map<string, [number, number]>();

  private constructor(readonly weftPort: number) {}

  /** Connect `n` switches with `nPorts` ports each, cabled as given. */
  static async start(weftPort: number, n: number, nPorts: number, cables: Cable[]): Promise<FakeLan> {
    const lan = new FakeLan(weftPort);
    for (const c of cables) lan.plug(c);
    for (let i = 0; i < n; i++) await lan.connect(i, nPorts);
    return lan;
  }

  plug(c: Cable): void {
    this.wires.set(`${c.a[0]}:${c.a[1]}`, c.b);
    this.wires.set(`${c.b[0]}:${c.b[1]}`, c.a);
  }

  async connect(i: number, nPorts: number): Promise<void> {
    const ports = Array.from({ length: nPorts }, (_, p) => makePort(p + 1, `s${i}-eth${p + 1}`));
    const ls = new LanSwitch(this, i, ports);
    ls.sw = await FakeSwitch.connect({ port: this.weftPort, datapathId: dpidOf(i), ports, handler: (m) => ls.answer(m) });
    this.switches[i] = ls;
  }

  carry(from: number, port: number, data: Uint8Array, lldp: boolean): void {
    const to = this.wires.get(`${from}:${port}`);
    const peer = to && this.switches[to[0]];
    if (to && peer && !peer.sw.isClosed) peer.packetIn(to[1], data, lldp);
  }

  /** A host sends a gratuitous ARP into its switch port. */
  announce(h: LanHost): void {
    this.switches[h.sw]!.packetIn(h.port, garp(h.mac, h.ip), false);
  }

  /** Take a port down (PORT_STATUS with link down) and unplug its cable. */
  portDown(i: number, port: number): void {
    const ls = this.switches[i]!;
    const p = ls.ports.find((x) => x.portNo === port)!;
    const down = { ...p, config: 0, state: 1 };
    ls.ports.splice(ls.ports.indexOf(p), 1, down);
    this.wires.delete(`${i}:${port}`);
    ls.sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.MODIFY, desc: down });
  }

  close(): void {
    for (const s of this.switches) s?.sw.destroy();
  }
}
