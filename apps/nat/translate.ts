/**
 * What the nat app does with a packet that reached the controller through one of its flows:
 * answer ARP for extra outside addresses, translate ICMP echo (echo.ts), and set up TCP/UDP
 * sessions for the portable backend: allocate the outside port, install the outbound flow on the
 * switch the packet entered, and send it back into the pipeline (output:TABLE) where the new
 * flow translates it. A reply entering at a switch that has no inbound flow of its session yet
 * comes here too and gets that flow there: inside hosts, remote hosts and the path between them
 * may be anywhere in the network.
 */
import { OFPP } from '../../protocol/index.js';
import { ARP_OP, arpReplyFrame, ICMP_TYPE, ipv4ToNumber } from '../../protocol/packet/index.js';
import type { Dpid, Outbox, PacketInEvent } from '../sdk/index.js';
import { output, packetOut } from '../sdk/index.js';
import { rewriteEcho } from './echo.js';
import { ICMP_ERROR_TYPES, quotedTuple, rewriteIcmpError } from './icmp-error.js';
import { extraAddresses, sessionFlow } from './flows.js';
import { inPrefix } from './rules.js';
import type { MasqueradeRule } from './rules.js';
import type { Session, SessionProto } from './sessions.js';
import type { NatState } from './state.js';

const toTable = (data: Uint8Array, inPort: number) => packetOut({ data, inPort, actions: [output(OFPP.TABLE)] });

export function handlePacketIn(s: NatState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const f = ev.frame;
  if (f.arp) {
    const a = f.arp;
    if (a.op !== ARP_OP.REQUEST || !extraAddresses(s.env, s.rules).includes(a.tpa)) return;
    const mac = s.env.gatewayMac(a.tpa);
    if (!mac) return;
    s.counters.arpReplies++;
    out.to(dpid, packetOut({ data: arpReplyFrame({ sha: mac, spa: a.tpa, tha: a.sha, tpa: a.spa }), actions: [output(ev.inPort)] }));
    return;
  }
  const ip = f.ipv4;
  if (!ip || f.eth.vlans.length > 0) return void s.counters.dropped++;
  if (f.icmp?.type === ICMP_TYPE.ECHO_REPLY) return echoReply(s, dpid, ev, out);
  if (f.icmp && ICMP_ERROR_TYPES.includes(f.icmp.type)) return icmpError(s, dpid, ev, out);
  const rule = s.rules.find((r): r is MasqueradeRule => r.type === 'masquerade' && inPrefix(r, ipv4ToNumber(ip.src)));
  if (!rule) return inbound(s, dpid, ev, out);
  let proto: SessionProto;
  let insidePort: number;
  let remotePort = 0;
  if (f.tcp || f.udp) {
    const l4 = (f.tcp ?? f.udp)!;
    proto = f.tcp ? 'tcp' : 'udp';
    insidePort = l4.srcPort;
    remotePort = l4.dstPort;
  } else if (f.icmp?.type === ICMP_TYPE.ECHO_REQUEST && f.icmp.id !== undefined) {
    proto = 'icmp';
    insidePort = f.icmp.id;
  } else return void s.counters.dropped++;

  let sess = s.sessions.findInside(proto, ip.src, insidePort, ip.dst, remotePort);
  if (!sess) {
    const made = s.sessions.create({ proto, dpid, insideIp: ip.src, insidePort, outsideIp: rule.outside, remoteIp: ip.dst, remotePort });
    if (made === 'full' || made === 'exhausted') {
      if (made === 'full') s.counters.refusedFull++;
      else s.counters.refusedNoPort++;
      s.ctx.log.debug({ proto, src: `${ip.src}:${insidePort}`, dst: `${ip.dst}:${remotePort}`, why: made }, 'nat: connection refused');
      return;
    }
    sess = made;
    s.counters.sessions++;
  }
  if (proto === 'icmp') return echoRequest(s, dpid, ev, sess, out);
  // Installing again is harmless (same match, same priority) and covers a retransmitted first
  // packet, or the inside host's packets entering at another switch now.
  sess.outAt.add(dpid);
  out.to(dpid, sessionFlow(s.env, sess, 'out'), toTable(ev.data, ev.inPort));
}

/** A TCP/UDP packet to a masquerade address: a session's reply, at a switch without its inbound flow. */
function inbound(s: NatState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const f = ev.frame;
  const l4 = f.tcp ?? f.udp;
  const sess = l4 && s.sessions.findOutside(f.tcp ? 'tcp' : 'udp', f.ipv4!.dst, l4.dstPort, f.ipv4!.src, l4.srcPort);
  if (!sess) return void s.counters.inboundUnknown++;
  sess.inAt.add(dpid);
  out.to(dpid, sessionFlow(s.env, sess, 'in'), toTable(ev.data, ev.inPort));
}

function echoRequest(s: NatState, dpid: Dpid, ev: PacketInEvent, sess: Session, out: Outbox): void {
  s.sessions.touch(sess);
  const d = rewriteEcho(ev.data, { src: sess.outsideIp, id: sess.outsidePort });
  if (!d) return void s.counters.dropped++;
  s.counters.echoTranslated++;
  out.to(dpid, toTable(d, ev.inPort));
}

function echoReply(s: NatState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const ip = ev.frame.ipv4!;
  const sess = s.sessions.findOutside('icmp', ip.dst, ev.frame.icmp!.id ?? -1, ip.src, 0);
  if (!sess) return void s.counters.echoUnknown++;
  s.sessions.touch(sess);
  const d = rewriteEcho(ev.data, { dst: sess.insideIp, id: sess.insidePort });
  if (!d) return void s.counters.dropped++;
  s.counters.echoTranslated++;
  out.to(dpid, toTable(d, ev.inPort));
}

/**
 * An ICMP error about a masqueraded session (icmp-error.ts): from outside about a packet we
 * sent out, or from an inside host about one we let in. Its quote names the session.
 */
function icmpError(s: NatState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const ip = ev.frame.ipv4!;
  const q = quotedTuple(ev.data);
  let d: Uint8Array | undefined;
  if (q) {
    const sent = s.sessions.findOutside(q.proto, q.src, q.srcPort, q.dst, q.dstPort);
    if (sent && ip.dst === sent.outsideIp) d = rewriteIcmpError(ev.data, 'in', { ip: sent.insideIp, port: sent.insidePort });
    else {
      const admitted = s.sessions.findInside(q.proto, q.dst, q.dstPort, q.src, q.srcPort);
      if (admitted && ip.src === admitted.insideIp) d = rewriteIcmpError(ev.data, 'out', { ip: admitted.outsideIp, port: admitted.outsidePort });
    }
  }
  if (!d) return void s.counters.icmpErrorsUnknown++;
  s.counters.icmpErrorsTranslated++;
  out.to(dpid, toTable(d, ev.inPort));
}
