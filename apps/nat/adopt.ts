/**
 * Sessions rebuilt from the flows that carry them (portable backend): after a weft restart or a
 * reconnect, reconciliation offers the app every session flow the switch still holds, and each
 * one names its whole session (docs/NAT.md, "restart"). The outbound flow matches the inside
 * tuple and rewrites the source to the outside address and port; the inbound flow matches the
 * outside tuple and rewrites the destination back.
 */
import type { FlowStats, OxmValueTypes } from '../../protocol/index.js';
import { IP_PROTO } from '../../protocol/packet/index.js';
import { KIND } from './flows.js';
import type { Direction, Session, SessionProto } from './sessions.js';

type Fields = Partial<Record<keyof OxmValueTypes, unknown>>;

export function fieldsOf(list: readonly { field: string; value?: unknown }[]): Fields {
  const out: Fields = {};
  for (const e of list) if (e.field !== 'opaque') out[e.field as keyof OxmValueTypes] = e.value;
  return out;
}

/** The session id in a flow's cookie low part, if it is a session flow. */
export function sessionIdOf(cookie: bigint): number | undefined {
  const low = cookie & 0xffff_ffff_ffffn;
  if (low >> 40n !== BigInt(KIND.session)) return undefined;
  return Number(low & 0xff_ffff_ffffn);
}

/** The session a session flow carries, or undefined when the flow is not one we can read. */
export function sessionFromFlow(flow: FlowStats, dpid: string, now: number): Omit<Session, 'ended'> | undefined {
  const id = sessionIdOf(flow.cookie);
  if (id === undefined) return undefined;
  const m = fieldsOf(flow.match);
  const proto: SessionProto | undefined = m.ip_proto === IP_PROTO.TCP ? 'tcp' : m.ip_proto === IP_PROTO.UDP ? 'udp' : undefined;
  if (!proto) return undefined;
  const [srcF, dstF] = proto === 'tcp' ? (['tcp_src', 'tcp_dst'] as const) : (['udp_src', 'udp_dst'] as const);
  const sets: Fields = {};
  for (const ins of flow.instructions) {
    if (ins.type !== 'applyActions') continue;
    for (const a of ins.actions) if (a.type === 'setField' && a.field.field !== 'opaque') sets[a.field.field] = a.field.value;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const [srcIp, dstIp, srcPort, dstPort] = [str(m.ipv4_src), str(m.ipv4_dst), num(m[srcF]), num(m[dstF])];
  if (srcIp === undefined || dstIp === undefined || srcPort === undefined || dstPort === undefined) return undefined;
  const here = new Set([dpid]);
  const base = { id, proto, dpid, remotePort: 0, createdAt: now };
  if (str(sets.ipv4_src) !== undefined && num(sets[srcF]) !== undefined) {
    // Outbound: inside -> remote, source rewritten to the outside address.
    return { ...base, outAt: here, inAt: new Set(), insideIp: srcIp, insidePort: srcPort, remoteIp: dstIp, remotePort: dstPort, outsideIp: str(sets.ipv4_src)!, outsidePort: num(sets[srcF])! };
  }
  if (str(sets.ipv4_dst) !== undefined && num(sets[dstF]) !== undefined) {
    // Inbound: remote -> outside, destination rewritten back to the inside host.
    return { ...base, outAt: new Set(), inAt: here, remoteIp: srcIp, remotePort: srcPort, outsideIp: dstIp, outsidePort: dstPort, insideIp: str(sets.ipv4_dst)!, insidePort: num(sets[dstF])! };
  }
  return undefined;
}

/** Which direction of its session a session flow (or its FLOW_REMOVED) carries, by its match. */
export function directionOf(match: readonly { field: string; value?: unknown }[], s: Session): Direction {
  const m = fieldsOf(match);
  return m.ipv4_dst === s.outsideIp && m.ipv4_src === s.remoteIp ? 'in' : 'out';
}
