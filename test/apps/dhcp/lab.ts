/**
 * The DHCP tests' network on the fake network: table-miss, topology, l2-learning, routing
 * (10.0.1.1/24, 10.0.2.1/24) and dhcp (a pool per interface, each attached to one switch), two
 * switches linked s1 p1 - s2 p1; clients c1 (s1 p3), c2 (s2 p3), and r (s1 p4, a would-be rogue
 * server). DHCP client messages are built here.
 */
import type { App, AppState } from '../../../apps/sdk/index.js';
import { memoryAppState } from '../../../apps/sdk/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import { createRoutingApp } from '../../../apps/routing/index.js';
import { createDhcpApp } from '../../../apps/dhcp/index.js';
import type { DhcpApp } from '../../../apps/dhcp/index.js';
import { buildEthernet, buildIpv4, buildUdp, ETH_TYPE, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import { decodeDhcp, DHCP_OPT, encodeDhcp, ipOption, messageType } from '../../../apps/dhcp/wire.js';
import type { DhcpMessage } from '../../../apps/dhcp/wire.js';
import { FakeNetwork } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';

export const GW1 = '0e:00:0a:00:01:01';
export const GW2 = '0e:00:0a:00:02:01';
export const CLIENTS = {
  c1: { at: [1n, 3] as const, mac: '0a:00:00:00:00:01' },
  c2: { at: [2n, 3] as const, mac: '0a:00:00:00:00:02' },
  r: { at: [1n, 4] as const, mac: '0a:00:00:00:00:0f' },
};
export type Client = keyof typeof CLIENTS;
export const dp = (n: bigint) => n.toString(16).padStart(16, '0');

export const POOLS = [
  { interface: '10.0.1.1', range: ['10.0.1.100', '10.0.1.109'], leaseSec: 600, dns: ['10.0.1.53'], domain: 'lab.test', attach: [{ dpid: dp(1n) }] },
  { interface: '10.0.2.1', range: ['10.0.2.100', '10.0.2.199'], attach: [{ dpid: dp(2n) }] },
];

export function lab(o: { dhcp?: Record<string, unknown>; state?: Map<string, AppState> } = {}) {
  const states = o.state ?? new Map<string, AppState>();
  const appState = (name: string) => states.get(name) ?? states.set(name, memoryAppState()).get(name)!;
  const routing = createRoutingApp({ interfaces: [{ address: '10.0.1.1/24' }, { address: '10.0.2.1/24' }] });
  const dhcp = createDhcpApp({ pools: POOLS, ...o.dhcp });
  const apps: App[] = [createTableMissApp({}), createTopologyApp({ lldpIntervalMs: 5_000 }), createL2LearningApp({}), routing, dhcp];
  const { host, clock, lines } = makeHost(apps, { appState });
  const net = new FakeNetwork({ clock: clock.now });
  net.addSwitch(1n, [1, 2, 3, 4, 5]);
  net.addSwitch(2n, [1, 2, 3, 4, 5]);
  net.link([1n, 1], [2n, 1]);
  for (const [name, c] of Object.entries(CLIENTS)) net.attach(name, c.at as unknown as [bigint, number], { mac: c.mac });
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(Math.min(1_000, left));
      host.tick();
      net.pump();
    }
  };
  net.connect(host);
  advance(8_000);
  for (const h of net.hosts.values()) h.received.length = 0;
  /** Send a frame from a client; the DHCP replies it got (decoded). */
  const send = (name: Client, frame: Uint8Array): DhcpMessage[] => {
    const h = net.hosts.get(name)!;
    const from = h.received.length;
    net.send(name, frame);
    const out: DhcpMessage[] = [];
    for (const d of h.received.slice(from)) {
      const f = parseFrame(d);
      if (f.udp?.dstPort === 68) out.push(decodeDhcp(d.subarray(f.payloadOffset)));
    }
    return out;
  };
  return { net, host, clock, lines, dhcp: dhcp as DhcpApp, send, advance, states };
}
export type Lab = ReturnType<typeof lab>;

export interface ClientMsg {
  type: number;
  xid?: number;
  ciaddr?: string;
  requested?: string;
  serverId?: string;
  /** Unicast to this server (MAC, IP) instead of broadcast. */
  to?: { mac: string; ip: string };
  hostname?: string;
  broadcastFlag?: boolean;
}

/** A client's DHCP message as a frame (from 0.0.0.0 or its ciaddr, to broadcast or a server). */
export function clientFrame(name: Client, c: ClientMsg): Uint8Array {
  const mac = CLIENTS[name].mac;
  const options = new Map<number, Uint8Array>([[DHCP_OPT.MESSAGE_TYPE, Uint8Array.of(c.type)]]);
  if (c.requested) options.set(DHCP_OPT.REQUESTED_IP, ipOption(c.requested));
  if (c.serverId) options.set(DHCP_OPT.SERVER_ID, ipOption(c.serverId));
  if (c.hostname) options.set(DHCP_OPT.HOSTNAME, new TextEncoder().encode(c.hostname));
  const msg: DhcpMessage = {
    op: 1, xid: c.xid ?? 0x1234, secs: 0, flags: c.broadcastFlag ? 0x8000 : 0,
    ciaddr: c.ciaddr ?? '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0', chaddr: mac, options,
  };
  const src = c.ciaddr ?? '0.0.0.0';
  const dst = c.to?.ip ?? '255.255.255.255';
  const udp = buildUdp({ src, dst, srcPort: 68, dstPort: 67 }, encodeDhcp(msg));
  return buildEthernet({ dst: c.to?.mac ?? 'ff:ff:ff:ff:ff:ff', src: mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src, dst, protocol: IP_PROTO.UDP }, udp));
}

export const typeOf = (m: DhcpMessage | undefined) => (m ? messageType(m) : undefined);
