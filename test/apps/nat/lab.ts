/**
 * The NAT tests' network on the fake network: one switch acting as the router, inside hosts
 * h1..h3 in 192.168.1.0/24 (gateway 192.168.1.1) and an outside server srv 203.0.113.10
 * (outside interface 203.0.113.100/24), with table-miss, topology, l2-learning, routing and nat.
 * Hosts answer ARP for their own address. `lab(opts, true)` spreads them over three switches in
 * a line instead (s1 p5 - s2 p5, s2 p4 - s3 p5): h1 and h2 on s1, h3 on s2, srv on s3.
 */
import type { App } from '../../../apps/sdk/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import { createRoutingApp } from '../../../apps/routing/index.js';
import { createNatApp } from '../../../apps/nat/index.js';
import type { NatApp } from '../../../apps/nat/index.js';
import { ARP_OP, arpReplyFrame, buildEthernet, buildIcmpEcho, buildIpv4, buildTcp, buildUdp, ETH_TYPE, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import type { ParsedFrame } from '../../../protocol/packet/index.js';
import { FakeNetwork } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';

export const IN_GW = '0e:00:c0:a8:01:01';
export const OUT_GW = '0e:00:cb:00:71:64';
export const HOSTS = {
  h1: { port: 1, mac: '0a:00:00:00:01:02', ip: '192.168.1.2', gw: IN_GW },
  h2: { port: 2, mac: '0a:00:00:00:01:03', ip: '192.168.1.3', gw: IN_GW },
  h3: { port: 3, mac: '0a:00:00:00:01:04', ip: '192.168.1.4', gw: IN_GW },
  srv: { port: 4, mac: '0a:00:00:00:71:0a', ip: '203.0.113.10', gw: OUT_GW },
} as const;
export type HostName = keyof typeof HOSTS;

export const RULES = [
  { type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' },
  { type: 'static', inside: '192.168.1.3', outside: '203.0.113.103' },
  { type: 'forward', protocol: 'tcp', outside: '203.0.113.100:8080', inside: '192.168.1.2:80' },
];

const SPREAD: Record<HostName, readonly [bigint, number]> = { h1: [1n, 1], h2: [1n, 2], h3: [2n, 3], srv: [3n, 4] };

export function lab(nat: Record<string, unknown> = {}, spread = false) {
  const routing = createRoutingApp({ interfaces: [{ address: '192.168.1.1/24' }, { address: '203.0.113.100/24' }] });
  const natApp = createNatApp({ rules: RULES, ...nat });
  const apps: App[] = [createTableMissApp({}), createTopologyApp({ lldpIntervalMs: 5_000 }), createL2LearningApp({}), routing, natApp];
  const { host, clock, lines } = makeHost(apps);
  const net = new FakeNetwork({ clock: clock.now });
  const sw = net.addSwitch(1n, [1, 2, 3, 4, 5]);
  if (spread) {
    net.addSwitch(2n, [1, 2, 3, 4, 5]);
    net.addSwitch(3n, [1, 2, 3, 4, 5]);
    net.link([1n, 5], [2n, 5]).link([2n, 4], [3n, 5]);
  }
  for (const [name, h] of Object.entries(HOSTS)) net.attach(name, spread ? SPREAD[name as HostName] : [1n, h.port], { mac: h.mac, ip: h.ip });
  const seen = new Map<string, number>();
  const answer = () => {
    for (let round = 0; round < 10; round++) {
      let sent = false;
      for (const [name, h] of net.hosts) {
        const from = seen.get(name) ?? 0;
        seen.set(name, h.received.length);
        for (const d of h.received.slice(from)) {
          const f = parseFrame(d);
          if (f.arp?.op !== ARP_OP.REQUEST || f.arp.tpa !== h.ip) continue;
          net.send(name, arpReplyFrame({ sha: h.mac, spa: h.ip!, tha: f.arp.sha, tpa: f.arp.spa }));
          sent = true;
        }
      }
      if (!sent) break;
    }
  };
  const send = (name: HostName, frame: Uint8Array) => {
    const r = net.send(name, frame);
    answer();
    return r;
  };
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(Math.min(1_000, left));
      host.tick();
      net.pump();
      answer();
    }
  };
  const received = (name: HostName): ParsedFrame[] => net.hosts.get(name)!.received.map((d) => parseFrame(d));
  const clear = () => {
    for (const h of net.hosts.values()) h.received.length = 0;
    seen.clear();
  };
  net.connect(host);
  advance(8_000);
  clear();
  return { net, sw, host, clock, lines, nat: natApp as NatApp, send, advance, received, clear };
}
export type Lab = ReturnType<typeof lab>;

const eth = (from: HostName, dstMac?: string) => ({ dst: dstMac ?? HOSTS[from].gw, src: HOSTS[from].mac, ethType: ETH_TYPE.IPV4 });

export function udp(from: HostName, dst: string, srcPort: number, dstPort: number, o: { src?: string } = {}): Uint8Array {
  const src = o.src ?? HOSTS[from].ip;
  return buildEthernet(eth(from), buildIpv4({ src, dst, protocol: IP_PROTO.UDP }, buildUdp({ src, dst, srcPort, dstPort }, Uint8Array.of(1, 2, 3))));
}

export function tcp(from: HostName, dst: string, srcPort: number, dstPort: number): Uint8Array {
  const src = HOSTS[from].ip;
  return buildEthernet(eth(from), buildIpv4({ src, dst, protocol: IP_PROTO.TCP }, buildTcp({ src, dst, srcPort, dstPort, seq: 1, flags: 0x02, window: 1000 }, new Uint8Array(0))));
}

export function echo(from: HostName, dst: string, type: 'request' | 'reply', id: number, seq = 1): Uint8Array {
  return buildEthernet(eth(from), buildIpv4({ src: HOSTS[from].ip, dst, protocol: IP_PROTO.ICMP }, buildIcmpEcho({ type, id, seq, data: Uint8Array.of(9, 8, 7) })));
}
