/**
 * Router advertisements (SLAAC). The subnets share one switched network, so an advertisement
 * must reach only the hosts of its interface: a host belongs to the interface whose IPv4 subnet
 * or IPv6 prefix holds an address it was seen with (the neighbour table, the topology's hosts),
 * and each interface advertises out of the edge ports where its hosts are: at the first tick
 * after a host is seen on a port, then every `ra.intervalSec` on that port. Router solicitations are
 * answered the same way, to the asking host, on the port it asked from.
 */
import { ipv4ToNumber } from '../../protocol/packet/index.js';
import { output, Outbox, packetOut } from '../sdk/index.js';
import type { RouterInterface } from './api.js';
import { v6ToBig } from './ipv6-addr.js';
import { routerAdvertisement } from './ipv6-frames.js';
import type { HeldPacket } from './neighbors.js';
import type { RoutingState } from './state.js';

const advertises = (i: RouterInterface) => i.ra.enabled && i.ipv6.length > 0;

/** The interface an address belongs to (IPv4 subnet or IPv6 prefix). */
function ifaceOfAddress(s: RoutingState, ip: string): RouterInterface | undefined {
  return ip.includes(':') ? s.rib.v6.connected(v6ToBig(ip))?.iface : s.rib.connected(ipv4ToNumber(ip));
}

/** The advertising interfaces a host (by MAC) belongs to, from the addresses it was seen with. */
export function ifacesOfMac(s: RoutingState, mac: string): Set<RouterInterface> {
  const found = new Set<RouterInterface>();
  const add = (ip: string) => {
    const i = ifaceOfAddress(s, ip);
    if (i && advertises(i)) found.add(i);
  };
  for (const n of s.nbrs.all()) if (n.mac === mac) add(n.ip);
  const h = s.topo.host(mac);
  if (h) for (const ip of [...h.ipv4, ...h.ipv6]) add(ip);
  return found;
}

/** Edge ports (as "dpid|port") where hosts of each advertising interface are, keyed by the interface's IPv4 address. */
function portsByIface(s: RoutingState): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  const add = (ip: string, dpid: string, port: number) => {
    const i = ifaceOfAddress(s, ip);
    if (!i || !advertises(i) || !s.topo.isEdgePort(dpid, port)) return;
    let set = m.get(i.ip);
    if (!set) m.set(i.ip, (set = new Set()));
    set.add(`${dpid}|${port}`);
  };
  for (const n of s.nbrs.all()) add(n.ip, n.dpid, n.port);
  for (const h of s.topo.hosts()) for (const ip of [...h.ipv4, ...h.ipv6]) add(ip, h.dpid, h.port);
  return m;
}

/** Unsolicited advertisements, on the host tick. */
export function onRaTick(s: RoutingState, now: number, out: Outbox): void {
  const ifaces = s.rib.interfaces().filter(advertises);
  if (ifaces.length === 0) return;
  const ports = portsByIface(s);
  for (const i of ifaces) {
    let sentAt = s.raSentAt.get(i.ip);
    if (!sentAt) s.raSentAt.set(i.ip, (sentAt = new Map()));
    const mine = ports.get(i.ip) ?? new Set<string>();
    for (const key of sentAt.keys()) if (!mine.has(key)) sentAt.delete(key);
    let data: Uint8Array | undefined;
    for (const key of mine) {
      const last = sentAt.get(key);
      if (last !== undefined && now - last < i.ra.intervalSec * 1000) continue;
      sentAt.set(key, now);
      const [dpid, port] = key.split('|') as [string, string];
      data ??= routerAdvertisement(i);
      out.to(dpid, packetOut({ data, actions: [output(Number(port))] }));
      s.counters.raSent++;
    }
  }
}

/**
 * An interface is going away: its hosts get a last advertisement with router lifetime 0 and
 * preferred lifetime 0 on the ports they were served on, so they drop weft as default router
 * at once and stop choosing the prefixes for new connections (RFC 4861 6.2.5). Built before the
 * interface is removed (its hosts are found through it), sent after.
 */
export function farewell(s: RoutingState, address: string): Outbox {
  const out = new Outbox();
  const ip = address.split('/')[0]!;
  const i = s.rib.interfaces().find((x) => x.ip === ip);
  if (!i || !advertises(i)) return out;
  const last: RouterInterface = { ...i, ra: { ...i.ra, routerLifetimeSec: 0, preferredLifetimeSec: 0 } };
  const data = routerAdvertisement(last);
  for (const key of portsByIface(s).get(i.ip) ?? []) {
    const [dpid, port] = key.split('|') as [string, string];
    out.to(dpid, packetOut({ data, actions: [output(Number(port))] }));
    s.counters.raSent++;
  }
  return out;
}

/** A router solicitation: the asking host's interface answers, to it, on the port it asked from. */
export function answerRouterSolicitation(s: RoutingState, out: Outbox, p: HeldPacket): void {
  const f = p.frame;
  const ip = f.ipv6!;
  if (ip.hopLimit !== 255) return void s.counters.dropped++;
  let ifaces = ifacesOfMac(s, f.icmpv6!.sourceLinkAddr ?? f.eth.src);
  if (ifaces.size === 0) {
    // A host not seen with any address yet: only an unambiguous answer is given.
    const all = s.rib.interfaces().filter(advertises);
    if (all.length !== 1) return void s.counters.dropped++;
    ifaces = new Set(all);
  }
  const toIp = ip.src === '::' ? 'ff02::1' : ip.src;
  for (const i of ifaces) {
    s.counters.raSent++;
    out.to(p.dpid, packetOut({ data: routerAdvertisement(i, toIp, f.eth.src), actions: [output(p.inPort)] }));
  }
}
