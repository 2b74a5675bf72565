/**
 * Shared setup for the topology tests: a fake network of switches wired by links, an app host
 * with table-miss, topology and (optionally) a tiny flooding app that floods on the topology's
 * flood ports, and a fake clock that ticks the host as it advances.
 */
import type { App, AppContext } from '../../../apps/sdk/index.js';
import { output, packetOut } from '../../../apps/sdk/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import type { TopologyEvent } from '../../../apps/topology/index.js';
import { arpRequestFrame } from '../../../protocol/packet/index.js';
import { FakeNetwork } from '../../support/fake-network.js';
import type { Endpoint } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';

export const dp = (n: number | bigint) => BigInt(n).toString(16).padStart(16, '0');

/** Floods every table-miss packet-in on the topology's flood ports (what l2-learning does for broadcasts). */
export function flooder(): App {
  let ctx!: AppContext;
  return {
    name: 'flooder',
    receiveTableMiss: true,
    init: (c) => void (ctx = c),
    packetIn(sw, ev) {
      const topo = ctx.app('topology')!;
      const ports = topo.floodPorts(sw.dpid, ev.inPort);
      if (ports.length === 0) return [];
      return [packetOut({ data: ev.data, inPort: ev.inPort, actions: ports.map((p) => output(p)) })];
    },
  };
}

export interface NetSpec {
  /** Switch id -> number of ports (1..n). */
  switches: Record<number, number>;
  links: [Endpoint, Endpoint][];
  /** Host name -> attachment; MAC 0a:00:00:00:00:<i>, IP 10.0.0.<i> in order of the list. */
  hosts?: Record<string, Endpoint>;
  options?: Record<string, unknown>;
  flood?: boolean;
  connect?: boolean;
}

export function setup(spec: NetSpec) {
  const topoApp = createTopologyApp({ lldpIntervalMs: 5_000, ...spec.options });
  const apps: App[] = [createTableMissApp({}), topoApp, ...(spec.flood ? [flooder()] : [])];
  const { host, clock, lines } = makeHost(apps);
  const net = new FakeNetwork({ clock: clock.now });
  for (const [id, n] of Object.entries(spec.switches)) net.addSwitch(BigInt(id), Array.from({ length: n }, (_, i) => i + 1));
  for (const [a, b] of spec.links) net.link(a, b);
  let i = 0;
  for (const [name, at] of Object.entries(spec.hosts ?? {})) {
    i++;
    net.attach(name, at, { mac: `0a:00:00:00:00:${i.toString(16).padStart(2, '0')}`, ip: `10.0.0.${i}` });
  }
  const events: TopologyEvent[] = [];
  const topo = topoApp.api;
  topo.subscribe((ev) => void events.push(ev));
  if (spec.connect !== false) net.connect(host);
  /** Move the clock in host-tick steps of `step` ms, ticking and delivering what the apps send. */
  const advance = (ms: number, step = 1_000) => {
    for (let left = ms; left > 0; left -= step) {
      clock.advance(Math.min(step, left));
      host.tick();
      net.pump();
    }
  };
  /** An ARP request from a host (a broadcast the flooder floods). */
  const arp = (name: string, tpa = '10.0.0.250') => {
    const h = net.hosts.get(name)!;
    return net.send(name, arpRequestFrame({ sha: h.mac, spa: h.ip!, tpa }));
  };
  return { net, host, clock, lines, topo, topoApp, events, advance, arp };
}

/** A ring of n switches: port 1 to the next switch's port 2; port 3 for a host. */
export function ring(n: number): Pick<NetSpec, 'switches' | 'links' | 'hosts'> {
  const switches: Record<number, number> = {};
  const links: [Endpoint, Endpoint][] = [];
  const hosts: Record<string, Endpoint> = {};
  for (let i = 1; i <= n; i++) {
    switches[i] = 3;
    links.push([[BigInt(i), 1], [BigInt((i % n) + 1), 2]]);
    hosts[`h${i}`] = [BigInt(i), 3];
  }
  return { switches, links, hosts };
}

/** A line of n switches: port 2 to the next switch's port 1; port 3 for a host. */
export function line(n: number): Pick<NetSpec, 'switches' | 'links' | 'hosts'> {
  const switches: Record<number, number> = {};
  const links: [Endpoint, Endpoint][] = [];
  const hosts: Record<string, Endpoint> = {};
  for (let i = 1; i <= n; i++) {
    switches[i] = 3;
    if (i < n) links.push([[BigInt(i), 2], [BigInt(i + 1), 1]]);
    hosts[`h${i}`] = [BigInt(i), 3];
  }
  return { switches, links, hosts };
}

/** A k x k torus: switch r*k+c+1; port 1 east, 2 west, 3 south, 4 north, 5 host. */
export function torus(k: number): Pick<NetSpec, 'switches' | 'links' | 'hosts'> {
  const id = (r: number, c: number) => BigInt(((r + k) % k) * k + ((c + k) % k) + 1);
  const switches: Record<number, number> = {};
  const links: [Endpoint, Endpoint][] = [];
  const hosts: Record<string, Endpoint> = {};
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      switches[Number(id(r, c))] = 5;
      links.push([[id(r, c), 1], [id(r, c + 1), 2]]);
      links.push([[id(r, c), 3], [id(r + 1, c), 4]]);
      hosts[`h${id(r, c)}`] = [id(r, c), 5];
    }
  }
  return { switches, links, hosts };
}
