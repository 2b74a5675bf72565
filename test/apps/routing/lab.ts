/**
 * The routing tests' network: table-miss, topology, l2-learning and routing on the fake
 * network, three switches in a line with hosts in three subnets, hosts that answer ARP for
 * their own address (unless silent), and frame builders.
 *
 *   s1 --p1/p2-- s2 --p1/p2-- s3        (s1 p1 - s2 p2, s2 p1 - s3 p2)
 *   h1 10.0.1.2 s1p3                     h3 10.0.2.3 s2p3
 *   h2 10.0.2.2 s1p4                     h4 10.0.3.4 s3p3    r 10.0.3.2 s3p4 (a router host)
 */
import type { App } from '../../../apps/sdk/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import { createRoutingApp } from '../../../apps/routing/index.js';
import type { RoutingApp } from '../../../apps/routing/index.js';
import { ARP_OP, arpReplyFrame, arpRequestFrame, buildEthernet, buildIcmpEcho, buildIpv4, buildUdp, ETH_TYPE, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import type { ParsedFrame } from '../../../protocol/packet/index.js';
import { FakeNetwork } from '../../support/fake-network.js';
import type { RunStats } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';

export const GW1 = '0e:00:0a:00:01:01';
export const GW2 = '0e:00:0a:00:02:01';
export const GW3 = '0e:00:0a:00:03:01';

export const HOSTS = {
  h1: { at: [1n, 3], mac: '0a:00:00:00:01:02', ip: '10.0.1.2' },
  h2: { at: [1n, 4], mac: '0a:00:00:00:02:02', ip: '10.0.2.2' },
  h3: { at: [2n, 3], mac: '0a:00:00:00:02:03', ip: '10.0.2.3' },
  h4: { at: [3n, 3], mac: '0a:00:00:00:03:04', ip: '10.0.3.4' },
  r: { at: [3n, 4], mac: '0a:00:00:00:03:02', ip: '10.0.3.2' },
} as const;
export type HostName = keyof typeof HOSTS;

export const dp = (n: number | bigint) => BigInt(n).toString(16).padStart(16, '0');

export interface LabOptions {
  routing?: Record<string, unknown>;
  /** Hosts that never answer ARP. */
  silent?: HostName[];
  /** Close the line into a ring: s1 p2 - s3 p1. */
  ring?: boolean;
  /** Topology app options over the lab's (LLDP every 5 s). */
  topology?: Record<string, unknown>;
  /** Connect no switch: the test calls connect() (all switches, or the ones named). */
  connectLater?: boolean;
}

export function lab(o: LabOptions = {}) {
  const routing = createRoutingApp({
    interfaces: [{ address: '10.0.1.1/24' }, { address: '10.0.2.1/24' }, { address: '10.0.3.1/24' }],
    ...o.routing,
  });
  const topoApp = createTopologyApp({ lldpIntervalMs: 5_000, ...o.topology });
  const apps: App[] = [createTableMissApp({}), topoApp, createL2LearningApp({}), routing];
  const { host, clock, lines } = makeHost(apps);
  const net = new FakeNetwork({ clock: clock.now });
  net.addSwitch(1n, [1, 2, 3, 4, 5]);
  net.addSwitch(2n, [1, 2, 3, 4, 5]);
  net.addSwitch(3n, [1, 2, 3, 4, 5]);
  net.link([1n, 1], [2n, 2]).link([2n, 1], [3n, 2]);
  if (o.ring) net.link([1n, 2], [3n, 1]);
  for (const [name, h] of Object.entries(HOSTS)) net.attach(name, h.at as [bigint, number], { mac: h.mac, ip: h.ip });
  const silent = new Set<string>(o.silent ?? []);
  const seen = new Map<string, number>();

  /** Hosts answer ARP requests for their address, until nothing new arrives. */
  const answer = (acc: RunStats): RunStats => {
    for (let round = 0; round < 10; round++) {
      let sent = false;
      for (const [name, h] of net.hosts) {
        const from = seen.get(name) ?? 0;
        seen.set(name, h.received.length);
        if (silent.has(name)) continue;
        for (const d of h.received.slice(from)) {
          const f = parseFrame(d);
          if (f.arp?.op !== ARP_OP.REQUEST || f.arp.tpa !== h.ip) continue;
          merge(acc, net.send(name, arpReplyFrame({ sha: h.mac, spa: h.ip!, tha: f.arp.sha, tpa: f.arp.spa })));
          sent = true;
        }
      }
      if (!sent) break;
    }
    return acc;
  };
  const merge = (a: RunStats, b: RunStats) => {
    a.linkHops += b.linkHops;
    a.dropped += b.dropped;
    for (const [k, v] of Object.entries(b.delivered)) a.delivered[k] = (a.delivered[k] ?? 0) + v;
    for (const [k, v] of Object.entries(b.packetIns)) a.packetIns[k] = (a.packetIns[k] ?? 0) + v;
  };

  /** A host sends a frame; hosts answer ARP; returns the combined stats. */
  const send = (name: HostName | string, frame: Uint8Array): RunStats => answer(net.send(name, frame));
  /** Move the clock in 1 s host ticks, delivering (and answering) what the apps send. */
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(Math.min(1_000, left));
      host.tick();
      answer(net.pump());
    }
  };
  const received = (name: string): ParsedFrame[] => net.hosts.get(name)!.received.map((d) => parseFrame(d));
  const clear = () => {
    for (const h of net.hosts.values()) h.received.length = 0;
    seen.clear();
  };

  const connect = (dpids?: bigint[]) => answer(net.connect(host, dpids));
  if (!o.connectLater) {
    connect();
    // LLDP rounds and the topology's settle time: every edge port floodable afterwards.
    advance(8_000);
    clear();
  }
  return { net, host, clock, lines, routing: routing as RoutingApp, topo: topoApp.api, send, advance, received, clear, answer, connect };
}

export type Lab = ReturnType<typeof lab>;

/** An ICMP echo request from a host to an address, sent to `dstMac` (its gateway by default). */
export function ping(from: HostName, dst: string, o: { dstMac?: string; ttl?: number; id?: number; seq?: number; data?: Uint8Array } = {}): Uint8Array {
  const h = HOSTS[from];
  const icmp = buildIcmpEcho({ type: 'request', id: o.id ?? 0x4242, seq: o.seq ?? 7, data: o.data ?? Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) });
  return buildEthernet({ dst: o.dstMac ?? gatewayMac(h.ip), src: h.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: h.ip, dst, protocol: IP_PROTO.ICMP, ttl: o.ttl ?? 64, id: 0x1234 }, icmp));
}

/** A UDP datagram (traceroute's probe). */
export function udp(from: HostName, dst: string, o: { ttl?: number; dstPort?: number; dstMac?: string } = {}): Uint8Array {
  const h = HOSTS[from];
  const body = buildUdp({ src: h.ip, dst, srcPort: 40001, dstPort: o.dstPort ?? 33434 }, Uint8Array.from([0xaa, 0xbb]));
  return buildEthernet({ dst: o.dstMac ?? gatewayMac(h.ip), src: h.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: h.ip, dst, protocol: IP_PROTO.UDP, ttl: o.ttl ?? 64 }, body));
}

export function arpRequest(from: HostName, tpa: string): Uint8Array {
  const h = HOSTS[from];
  return arpRequestFrame({ sha: h.mac, spa: h.ip, tpa });
}

export function gatewayMac(ip: string): string {
  return { 1: GW1, 2: GW2, 3: GW3 }[Number(ip.split('.')[2]) as 1 | 2 | 3];
}

/** Whether a frame's IPv4 header checksum verifies. */
export function ipChecksumOk(d: Uint8Array): boolean {
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}
