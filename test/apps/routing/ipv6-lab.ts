/**
 * The routing lab (lab.ts) dual-stacked: the three interfaces also hold 2001:db8:N::1/64, the
 * hosts have 2001:db8:N::<host> addresses and answer neighbour solicitations for them (unless
 * silent), and frame builders for IPv6 traffic and neighbour discovery.
 */
import {
  buildEthernet,
  buildIcmpv6Echo,
  buildIpv6,
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  buildRouterSolicitation,
  buildUdp,
  ETH_TYPE,
  ICMPV6_TYPE,
  IP_PROTO,
  ipv6MulticastMac,
  parseFrame,
  solicitedNodeAddress,
} from '../../../protocol/packet/index.js';
import type { ParsedFrame } from '../../../protocol/packet/index.js';
import { linkLocalOf } from '../../../apps/routing/ipv6-addr.js';
import { HOSTS, lab } from './lab.js';
import type { HostName, LabOptions } from './lab.js';

export const V6: Record<HostName, string> = { h1: '2001:db8:1::12', h2: '2001:db8:2::22', h3: '2001:db8:2::23', h4: '2001:db8:3::34', r: '2001:db8:3::32' };
export const GW6 = { 1: '2001:db8:1::1', 2: '2001:db8:2::1', 3: '2001:db8:3::1' } as const;

export const IFACES6 = [
  { address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] },
  { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64'] },
  { address: '10.0.3.1/24', ipv6: ['2001:db8:3::1/64'] },
];

const subnetOf = (name: HostName) => Number(HOSTS[name].ip.split('.')[2]) as 1 | 2 | 3;
export const gwMac = (name: HostName) => `0e:00:0a:00:0${subnetOf(name)}:01`;
export const gw6 = (name: HostName) => GW6[subnetOf(name)];

export function lab6(o: LabOptions & { silent6?: HostName[] } = {}) {
  const l = lab({ ...o, routing: { interfaces: IFACES6, ...o.routing } });
  const silent = new Set<string>(o.silent6 ?? []);
  const seen = new Map<string, number>();
  /** Hosts answer solicitations for their IPv6 address (as many rounds as it takes). */
  const answerNs = () => {
    for (let round = 0; round < 10; round++) {
      let sent = false;
      for (const [name, h] of l.net.hosts) {
        const from = seen.get(name) ?? 0;
        seen.set(name, h.received.length);
        if (silent.has(name)) continue;
        const mine = V6[name as HostName];
        for (const d of h.received.slice(from)) {
          const f = parseFrame(d);
          if (f.icmpv6?.type !== ICMPV6_TYPE.NEIGHBOR_SOLICITATION || f.icmpv6.target !== mine) continue;
          const na = buildNeighborAdvertisement({ target: mine, targetMac: h.mac, solicited: true, override: true, src: mine, dst: f.ipv6!.src });
          l.net.send(name, buildEthernet({ dst: f.eth.src, src: h.mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src: mine, dst: f.ipv6!.src, nextHeader: IP_PROTO.ICMPV6, hopLimit: 255 }, na)));
          sent = true;
        }
      }
      if (!sent) break;
    }
  };
  const send = (name: HostName, frame: Uint8Array) => {
    const r = l.send(name, frame);
    answerNs();
    return r;
  };
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 1_000) {
      l.advance(Math.min(1_000, left));
      answerNs();
    }
  };
  const clear = () => {
    l.clear();
    seen.clear();
  };
  const icmp6 = (name: string, type?: number): ParsedFrame[] => l.received(name).filter((f) => f.icmpv6 && (type === undefined || f.icmpv6.type === type));
  return { ...l, send, advance, clear, icmp6 };
}

export type Lab6 = ReturnType<typeof lab6>;

function v6Frame(from: HostName, dst: string, nextHeader: number, payload: Uint8Array, hopLimit: number, dstMac: string): Uint8Array {
  return buildEthernet({ dst: dstMac, src: HOSTS[from].mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src: V6[from], dst, nextHeader, hopLimit }, payload));
}

/** An ICMPv6 echo request from a host's global address, to its gateway's MAC by default. */
export function ping6(from: HostName, dst: string, o: { hopLimit?: number; seq?: number; size?: number; dstMac?: string; src?: string } = {}): Uint8Array {
  const src = o.src ?? V6[from];
  const echo = buildIcmpv6Echo({ type: 'request', id: 0x6666, seq: o.seq ?? 1, data: new Uint8Array(o.size ?? 8).fill(0x5a), src, dst });
  return buildEthernet({ dst: o.dstMac ?? gwMac(from), src: HOSTS[from].mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src, dst, nextHeader: IP_PROTO.ICMPV6, hopLimit: o.hopLimit ?? 64 }, echo));
}

export function udp6(from: HostName, dst: string, o: { hopLimit?: number } = {}): Uint8Array {
  const body = buildUdp({ src: V6[from], dst, srcPort: 40001, dstPort: 33434 }, Uint8Array.of(1, 2, 3));
  return v6Frame(from, dst, IP_PROTO.UDP, body, o.hopLimit ?? 64, gwMac(from));
}

/** A neighbour solicitation from a host for `target`, to its solicited-node group. */
export function ns(from: HostName, target: string, o: { src?: string } = {}): Uint8Array {
  const src = o.src ?? V6[from];
  const group = solicitedNodeAddress(target);
  const body = buildNeighborSolicitation({ target, ...(src === '::' ? {} : { sourceMac: HOSTS[from].mac }), src, dst: group });
  return buildEthernet({ dst: ipv6MulticastMac(group), src: HOSTS[from].mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src, dst: group, nextHeader: IP_PROTO.ICMPV6, hopLimit: 255 }, body));
}

/** A router solicitation from a host's link-local address. */
export function rs(from: HostName): Uint8Array {
  const src = linkLocalOf(HOSTS[from].mac);
  return buildEthernet({ dst: '33:33:00:00:00:02', src: HOSTS[from].mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src, dst: 'ff02::2', nextHeader: IP_PROTO.ICMPV6, hopLimit: 255 }, buildRouterSolicitation({ sourceMac: HOSTS[from].mac, src })));
}
