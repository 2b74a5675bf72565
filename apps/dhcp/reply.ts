/**
 * The server's answers (OFFER, ACK, NAK) as whole frames, sent by PACKET_OUT straight out of the
 * port the client's message came in on, so they never cross a switch's table (where the rogue
 * server drop flow would catch them) and never flood. Addressed as RFC 2131 4.1 says: to the
 * client's address when it has one (renew, inform), broadcast when the client asks for it (the
 * broadcast flag) and for a NAK, otherwise to the offered address at the client's MAC.
 */
import { BROADCAST_MAC, buildEthernet, buildIpv4, buildUdp, ETH_TYPE, IP_PROTO } from '../../protocol/packet/index.js';
import { DHCP_CLIENT_PORT, DHCP_OPT, DHCP_SERVER_PORT, DHCP_TYPE, encodeDhcp, ipOption, u32Option } from './wire.js';
import type { DhcpMessage } from './wire.js';
import type { Pool } from './pools.js';

const ZERO = '0.0.0.0';
const BROADCAST_IP = '255.255.255.255';
const BROADCAST_FLAG = 0x8000;

export interface ReplySpec {
  type: number;
  /** The address given (OFFER, ACK); 0.0.0.0 for INFORM's ACK and NAK. */
  yiaddr: string;
  /** Lease time, s (none for INFORM's ACK and NAK). */
  leaseSec?: number;
  message?: string;
}

export function replyFrame(pool: Pool, req: DhcpMessage, r: ReplySpec): Uint8Array {
  const o = new Map<number, Uint8Array>();
  o.set(DHCP_OPT.MESSAGE_TYPE, Uint8Array.of(r.type));
  o.set(DHCP_OPT.SERVER_ID, ipOption(pool.serverIp));
  if (r.type !== DHCP_TYPE.NAK) {
    if (r.leaseSec !== undefined) {
      o.set(DHCP_OPT.LEASE_TIME, u32Option(r.leaseSec));
      o.set(DHCP_OPT.RENEWAL_TIME, u32Option(Math.floor(r.leaseSec / 2)));
      o.set(DHCP_OPT.REBINDING_TIME, u32Option(Math.floor((r.leaseSec * 7) / 8)));
    }
    o.set(DHCP_OPT.SUBNET_MASK, ipOption(pool.mask));
    o.set(DHCP_OPT.BROADCAST, ipOption(pool.broadcast));
    if (pool.router) o.set(DHCP_OPT.ROUTER, ipOption(pool.router));
    if (pool.dns.length > 0) o.set(DHCP_OPT.DNS, ipOption(...pool.dns));
    if (pool.domain) o.set(DHCP_OPT.DOMAIN, new TextEncoder().encode(pool.domain));
  } else if (r.message) o.set(DHCP_OPT.MESSAGE, new TextEncoder().encode(r.message));
  const ack = r.type === DHCP_TYPE.ACK;
  const msg: DhcpMessage = {
    op: 2,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: ack ? req.ciaddr : ZERO,
    yiaddr: r.yiaddr,
    siaddr: ZERO,
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    options: o,
  };
  const broadcast = r.type === DHCP_TYPE.NAK || (req.ciaddr === ZERO && (req.flags & BROADCAST_FLAG) !== 0);
  const dst = broadcast ? BROADCAST_IP : req.ciaddr !== ZERO ? req.ciaddr : r.yiaddr;
  const payload = encodeDhcp(msg);
  const udp = buildUdp({ src: pool.serverIp, dst, srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT }, payload);
  const ip = buildIpv4({ src: pool.serverIp, dst, protocol: IP_PROTO.UDP, ttl: 64 }, udp);
  return buildEthernet({ dst: broadcast ? BROADCAST_MAC : req.chaddr, src: pool.serverMac, ethType: ETH_TYPE.IPV4 }, ip);
}
