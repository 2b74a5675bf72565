/**
 * What the DHCP server does with a client's message (RFC 2131): DISCOVER -> OFFER of a free
 * address (the client's lease or reservation first, then the address it asks for, then the
 * lowest free one; never one the topology sees another host use); REQUEST -> ACK or NAK in each
 * of the client's states (selecting, init-reboot, renewing unicast, rebinding broadcast);
 * DECLINE sets the address aside; RELEASE frees it; INFORM gets the options without a lease.
 * Every message counts against its port's rate first (over it: ignored, and the port's DHCP
 * requests dropped at the switch for a while).
 */
import { ARP_OP, arpReplyFrame, BROADCAST_MAC, ipv4ToNumber, numberToIpv4 } from '../../protocol/packet/index.js';
import { decodeDhcp, DHCP_OPT, DHCP_SERVER_PORT, DHCP_TYPE, messageType, optionIp } from './wire.js';
import type { DhcpMessage } from './wire.js';
import type { Dpid, Outbox, PacketInEvent } from '../sdk/index.js';
import { output, packetOut } from '../sdk/index.js';
import { blockFlow } from './flows.js';
import type { Lease } from './leases.js';
import { forgetLease, saveLease } from './persist.js';
import { inPool, servesPort } from './pools.js';
import type { Pool } from './pools.js';
import { replyFrame } from './reply.js';
import type { ReplySpec } from './reply.js';
import type { DhcpState } from './state.js';

const ZERO = '0.0.0.0';

interface Req {
  s: DhcpState;
  dpid: Dpid;
  port: number;
  m: DhcpMessage;
  pool: Pool;
  out: Outbox;
  /** The frame came to a unicast MAC (a renewal) rather than broadcast. */
  unicast: boolean;
}

export function handlePacketIn(s: DhcpState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const f = ev.frame;
  if (f.arp) return answerArp(s, dpid, ev, out);
  if (!f.ipv4 || f.udp?.dstPort !== DHCP_SERVER_PORT) return;
  if (!takeToken(s, dpid, ev.inPort, out)) return;
  let m: DhcpMessage;
  try {
    m = decodeDhcp(ev.data.subarray(f.payloadOffset));
  } catch (e) {
    s.counters.malformed++;
    s.ctx.log.debug({ dpid, port: ev.inPort, err: (e as Error).message }, 'dhcp: malformed message');
    return;
  }
  // Only clients' requests, straight from the client (no relay agents).
  if (m.op !== 1 || m.giaddr !== ZERO) return void s.counters.malformed++;
  const pool = poolFor(s, dpid, ev.inPort, m);
  if (!pool) return void s.counters.noPool++;
  const r: Req = { s, dpid, port: ev.inPort, m, pool, out, unicast: f.eth.dst !== BROADCAST_MAC };
  switch (messageType(m)) {
    case DHCP_TYPE.DISCOVER:
      return discover(r);
    case DHCP_TYPE.REQUEST:
      return request(r);
    case DHCP_TYPE.DECLINE:
      return decline(r);
    case DHCP_TYPE.RELEASE:
      return release(r);
    case DHCP_TYPE.INFORM:
      s.counters.informs++;
      if (m.ciaddr === ZERO) return;
      return send(r, { type: DHCP_TYPE.ACK, yiaddr: ZERO });
    default:
      s.counters.malformed++;
  }
}

/** The pool for a client: its reservation, its address's subnet, its lease, the port's pool. */
function poolFor(s: DhcpState, dpid: Dpid, port: number, m: DhcpMessage): Pool | undefined {
  const here = s.pools.filter((p) => servesPort(p, dpid, port));
  const byRes = here.find((p) => p.reservations.has(m.chaddr));
  if (byRes) return byRes;
  for (const ip of [m.ciaddr, optionIp(m, DHCP_OPT.REQUESTED_IP)]) {
    if (!ip || ip === ZERO) continue;
    const p = here.find((q) => inPool(q, ipv4ToNumber(ip)));
    if (p) return p;
  }
  return here.find((p) => s.leases.byMac(p.id, m.chaddr)) ?? here.find((p) => p.attach.length > 0) ?? here[0];
}

function send(r: Req, spec: ReplySpec): void {
  r.out.to(r.dpid, packetOut({ data: replyFrame(r.pool, r.m, spec), actions: [output(r.port)] }));
}

/** Whether `ip` may go to `mac` now (free, not set aside, not someone else's). */
function available(s: DhcpState, pool: Pool, ip: string, mac: string): boolean {
  const now = s.ctx.now();
  const l = s.leases.byIp(ip);
  if (l) return l.mac === mac && l.pool === pool.id;
  if (ip === pool.serverIp || ip === pool.router || s.leases.held(ip, now)) return false;
  for (const [m, rip] of pool.reservations) if (rip === ip && m !== mac) return false;
  // Someone uses it without a lease of ours (a static address): leave it alone for a while.
  const h = s.topo?.hostByIp(ip);
  if (h && h.mac !== mac) {
    s.counters.inUse++;
    s.leases.hold(ip, now + s.opts.declineHoldSec * 1000);
    return false;
  }
  return true;
}

const inRange = (p: Pool, ip: string) => {
  const n = ipv4ToNumber(ip);
  return n >= p.first && n <= p.last;
};

function pick(s: DhcpState, pool: Pool, mac: string, requested: string | undefined): string | undefined {
  const reserved = pool.reservations.get(mac);
  if (reserved) return available(s, pool, reserved, mac) ? reserved : undefined;
  const mine = s.leases.byMac(pool.id, mac);
  if (mine) return mine.ip;
  if (requested && inPool(pool, ipv4ToNumber(requested)) && inRange(pool, requested) && available(s, pool, requested, mac)) return requested;
  if (s.leases.full()) return undefined;
  for (let n = pool.first; n <= pool.last; n++) {
    const ip = numberToIpv4(n);
    if (available(s, pool, ip, mac)) return ip;
  }
  return undefined;
}

function discover(r: Req): void {
  const { s, pool, m } = r;
  s.counters.discovers++;
  const ip = pick(s, pool, m.chaddr, optionIp(m, DHCP_OPT.REQUESTED_IP));
  if (!ip) {
    s.counters.exhausted++;
    s.ctx.log.debug({ pool: pool.id, mac: m.chaddr }, 'dhcp: no free address, DISCOVER not answered');
    return;
  }
  const had = s.leases.byIp(ip);
  if (!had || had.state !== 'bound') s.leases.set({ ip, mac: m.chaddr, pool: pool.id, state: 'offered', expiresAt: s.ctx.now() + s.opts.offerTtlMs });
  s.counters.offers++;
  send(r, { type: DHCP_TYPE.OFFER, yiaddr: ip, leaseSec: pool.leaseSec });
}

function request(r: Req): void {
  const { s, pool, m } = r;
  s.counters.requests++;
  const serverId = optionIp(m, DHCP_OPT.SERVER_ID);
  const requested = optionIp(m, DHCP_OPT.REQUESTED_IP);
  const mine = s.leases.byMac(pool.id, m.chaddr);
  if (serverId !== undefined) {
    // SELECTING: the client answers one server's offer; another server's means ours is unused.
    if (serverId !== pool.serverIp) {
      if (mine?.state === 'offered') s.leases.delete(mine.ip);
      return;
    }
    if (mine && mine.ip === requested) return ack(r, mine.ip);
    return nak(r, 'no such offer');
  }
  if (m.ciaddr === ZERO) {
    // INIT-REBOOT: a client that remembers an address checks it.
    if (!requested || !inPool(pool, ipv4ToNumber(requested))) return nak(r, 'wrong network');
    if (mine?.ip === requested || ((inRange(pool, requested) || pool.reservations.get(m.chaddr) === requested) && available(s, pool, requested, m.chaddr))) return ack(r, requested);
    return nak(r, 'address not available');
  }
  // RENEWING (unicast to us) or REBINDING (broadcast): extend the client's own lease.
  if (r.unicast) s.counters.renews++;
  else s.counters.rebinds++;
  const l = s.leases.byIp(m.ciaddr);
  if ((l && l.mac === m.chaddr && l.pool === pool.id) || (!l && inPool(pool, ipv4ToNumber(m.ciaddr)) && available(s, pool, m.ciaddr, m.chaddr))) return ack(r, m.ciaddr);
  return nak(r, 'lease not found');
}

function ack(r: Req, ip: string): void {
  const { s, pool, m } = r;
  const hostnameBytes = m.options.get(DHCP_OPT.HOSTNAME);
  const prev = s.leases.byMac(pool.id, m.chaddr);
  const lease: Lease = { ip, mac: m.chaddr, pool: pool.id, state: 'bound', expiresAt: s.ctx.now() + pool.leaseSec * 1000 };
  if (hostnameBytes) lease.hostname = new TextDecoder().decode(hostnameBytes).replace(/[^\x20-\x7e]/g, '').slice(0, 64);
  s.leases.set(lease);
  if (prev && prev.ip !== ip && prev.state === 'bound') forgetLease(s, prev.ip);
  saveLease(s, lease);
  // Routing learns the holder now: flows to the address's previous holder (a released
  // address given to another client) must not outlive this ACK.
  if (!pool.answersArp) s.routing?.hostAddress(ip, m.chaddr, r.dpid, r.port);
  s.counters.acks++;
  send(r, { type: DHCP_TYPE.ACK, yiaddr: ip, leaseSec: pool.leaseSec });
}

function nak(r: Req, message: string): void {
  r.s.counters.naks++;
  send(r, { type: DHCP_TYPE.NAK, yiaddr: ZERO, message });
}

function decline(r: Req): void {
  const { s, m } = r;
  s.counters.declines++;
  const ip = optionIp(m, DHCP_OPT.REQUESTED_IP);
  const l = ip === undefined ? undefined : s.leases.byIp(ip);
  if (!ip || !l || l.mac !== m.chaddr) return;
  s.leases.delete(ip);
  if (l.state === 'bound') forgetLease(s, ip);
  s.leases.hold(ip, s.ctx.now() + s.opts.declineHoldSec * 1000);
}

function release(r: Req): void {
  const { s, m } = r;
  s.counters.releases++;
  const l = s.leases.byIp(m.ciaddr);
  if (!l || l.mac !== m.chaddr) return;
  s.leases.delete(m.ciaddr);
  if (l.state === 'bound') forgetLease(s, m.ciaddr);
  s.routing?.forgetAddress(m.ciaddr);
}

/** Flat pools: the server address answers ARP (routing answers for its gateways). */
function answerArp(s: DhcpState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const a = ev.frame.arp!;
  if (a.op !== ARP_OP.REQUEST) return;
  const pool = s.pools.find((p) => p.answersArp && p.serverIp === a.tpa && (a.spaNum === 0 || inPool(p, a.spaNum)));
  if (!pool) return;
  s.counters.arpReplies++;
  out.to(dpid, packetOut({ data: arpReplyFrame({ sha: pool.serverMac, spa: pool.serverIp, tha: a.sha, tpa: a.spa }), actions: [output(ev.inPort)] }));
}

/** One token of the port's bucket; none left: ignore, and drop its DHCP at the switch for a while. */
function takeToken(s: DhcpState, dpid: Dpid, port: number, out: Outbox): boolean {
  const key = `${dpid}/${port}`;
  const now = s.ctx.now();
  const rate = s.opts.ratePerSec;
  let b = s.buckets.get(key);
  if (!b) {
    b = { tokens: rate, at: now, blockedUntil: 0 };
    s.buckets.set(key, b);
  }
  b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / 1000);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  s.counters.rateLimited++;
  if (b.blockedUntil <= now) {
    b.blockedUntil = now + s.opts.blockSec * 1000;
    s.counters.portsBlocked++;
    s.ctx.log.warn({ dpid, port, ratePerSec: rate, blockSec: s.opts.blockSec }, 'dhcp: port over its DHCP rate, its requests dropped for a while');
    out.to(dpid, blockFlow(s.env, port, s.opts.blockSec));
  }
  return false;
}
