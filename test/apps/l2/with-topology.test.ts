/**
 * l2-learning with the real topology app (LLDP discovery, host tracking, flood tree) on the
 * shared fake network: pingall-like exchanges, twice; the second round runs in the flows.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { App } from '../../../apps/sdk/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import type { L2LearningApp } from '../../../apps/l2-learning/index.js';
import { arpReplyFrame, arpRequestFrame, buildEthernet } from '../../../protocol/packet/index.js';
import { FakeNetwork } from '../../support/fake-network.js';
import type { Endpoint, RunStats } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';
import { loadApps } from '../../../src/host/loader.js';
import { DEFAULT_APPS } from '../../../src/config/index.js';

interface Spec {
  switches: Record<number, number>;
  links: [Endpoint, Endpoint][];
  hosts: Record<string, Endpoint>;
}

/** A ring of n switches: port 1 to the next switch's port 2; port 3 for a host. */
function ring(n: number): Spec {
  const s: Spec = { switches: {}, links: [], hosts: {} };
  for (let i = 1; i <= n; i++) {
    s.switches[i] = 3;
    s.links.push([[BigInt(i), 1], [BigInt((i % n) + 1), 2]]);
    s.hosts[`h${i}`] = [BigInt(i), 3];
  }
  return s;
}

/** A k x k torus: port 1 east, 2 west, 3 south, 4 north, 5 host. */
function torus(k: number): Spec {
  const id = (r: number, c: number) => BigInt(((r + k) % k) * k + ((c + k) % k) + 1);
  const s: Spec = { switches: {}, links: [], hosts: {} };
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      s.switches[Number(id(r, c))] = 5;
      s.links.push([[id(r, c), 1], [id(r, c + 1), 2]]);
      s.links.push([[id(r, c), 3], [id(r + 1, c), 4]]);
      s.hosts[`h${id(r, c)}`] = [id(r, c), 5];
    }
  }
  return s;
}

function setup(spec: Spec) {
  const l2 = createL2LearningApp({}) as L2LearningApp;
  const apps: App[] = [createTableMissApp({}), createTopologyApp({ lldpIntervalMs: 5_000 }), l2];
  const { host, clock } = makeHost(apps);
  const net = new FakeNetwork({ clock: clock.now });
  for (const [id, n] of Object.entries(spec.switches)) net.addSwitch(BigInt(id), Array.from({ length: n }, (_, i) => i + 1));
  for (const [a, b] of spec.links) net.link(a, b);
  let i = 0;
  for (const [name, at] of Object.entries(spec.hosts)) {
    i++;
    net.attach(name, at, { mac: `0a:00:00:00:00:${i.toString(16).padStart(2, '0')}`, ip: `10.0.0.${i}` });
  }
  net.connect(host);
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(1_000);
      host.tick();
      net.pump();
    }
  };
  return { net, host, clock, l2, advance };
}

type Net = ReturnType<typeof setup>;
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

function arp(s: Net, a: string, b: string): RunStats {
  const ha = s.net.hosts.get(a)!;
  return s.net.send(a, arpRequestFrame({ sha: ha.mac, spa: ha.ip!, tpa: s.net.hosts.get(b)!.ip! }));
}
function arpReply(s: Net, b: string, a: string): RunStats {
  const [hb, ha] = [s.net.hosts.get(b)!, s.net.hosts.get(a)!];
  return s.net.send(b, arpReplyFrame({ sha: hb.mac, spa: hb.ip!, tha: ha.mac, tpa: ha.ip! }));
}
function data(s: Net, a: string, b: string): RunStats {
  const payload = new Uint8Array(46).fill(a.length + b.length);
  return s.net.send(a, buildEthernet({ dst: s.net.hosts.get(b)!.mac, src: s.net.hosts.get(a)!.mac, ethType: 0x88b5 }, payload));
}

/** Every ordered pair: ARP (first round only) and a frame each way. Returns packet-ins and bad deliveries. */
function pingall(t: Test, s: Net, round: number): number {
  const names = [...s.net.hosts.keys()];
  let packetIns = 0;
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      if (round === 1) {
        const req = arp(s, a, b);
        packetIns += sum(req.packetIns);
        t.same(req.delivered, Object.fromEntries(names.filter((n) => n !== a).map((n) => [n, 1])), `ARP from ${a}: one copy per host`);
        const rep = arpReply(s, b, a);
        packetIns += sum(rep.packetIns);
        t.same(rep.delivered, { [a]: 1 }, `ARP reply ${b} -> ${a}`);
      }
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const r = data(s, x, y);
        packetIns += sum(r.packetIns);
        if (JSON.stringify(r.delivered) !== JSON.stringify({ [y]: 1 })) t.fail(`round ${round}: ${x} -> ${y} delivered ${JSON.stringify(r.delivered)}`);
      }
    }
  }
  t.equal(s.net.stormed, false, 'no storm');
  return packetIns;
}

t.test('ring of 4 with the topology app: pingall twice, the second in the datapath', async (t) => {
  const s = setup(ring(4));
  t.equal(s.l2.api.mode, 'topology');
  s.advance(8_000); // past the topology's settle time
  const first = pingall(t, s, 1);
  t.ok(first > 0 && first < 200, `round 1 packet-ins bounded (${first})`);
  t.equal(pingall(t, s, 2), 0, 'round 2: no packet-in');
  const st = s.l2.stats();
  t.equal(st.macsLearned, 4);
  t.equal(st.moves, 0, 'no host seen to move');
  t.equal(st.refusedPortCap + st.refusedSwitchCap, 0);

  // A ring link goes down: flows through it go, traffic takes the other way.
  s.net.setLink([2n, 1], false);
  const after = pingall(t, s, 2);
  t.ok(after > 0, `after the link went down, new paths were installed (${after} packet-ins)`);
  t.equal(pingall(t, s, 2), 0, 'and then traffic runs in the flows again');
  t.equal(s.net.stormed, false);
});

t.test('3x3 torus with the topology app: pingall twice', async (t) => {
  const s = setup(torus(3));
  s.advance(8_000);
  const first = pingall(t, s, 1);
  t.ok(first > 0, `round 1: ${first} packet-ins`);
  t.equal(pingall(t, s, 2), 0, 'round 2: no packet-in');
  t.equal(s.l2.stats().moves, 0);
});

t.test('the default app list loads l2-learning after topology, in topology mode', async (t) => {
  const apps = await loadApps(DEFAULT_APPS, { appOptions: { 'l2-learning': { idleTimeoutSec: 45 } } });
  t.same(apps.map((a) => a.name), ['table-miss', 'topology', 'l2-learning']);
  makeHost(apps);
  const l2 = apps[2] as L2LearningApp;
  t.equal(l2.api.mode, 'topology');
  t.equal(l2.stats().macs, 0);
  await t.rejects(loadApps(['l2-learning'], { appOptions: { 'l2-learning': { idleTimeout: 45 } } }), /idleTimeout is unknown/);
});

t.test('a host moving to another switch with the topology app: traffic follows it', async (t) => {
  const s = setup(ring(4));
  s.advance(8_000);
  pingall(t, s, 1);
  s.net.addPort(2n, 4);
  s.net.moveHost('h1', [2n, 4]);
  const out = data(s, 'h1', 'h3');
  t.same(out.delivered, { h3: 1 });
  const back = data(s, 'h3', 'h1');
  t.same(back.delivered, { h1: 1 }, 'delivered at the new place, once');
  t.ok(s.l2.stats().moves >= 1, 'the move was noticed');
  t.equal(sum(data(s, 'h3', 'h1').packetIns) + sum(data(s, 'h1', 'h3').packetIns), 0, 'then in the flows');
  for (const other of ['h2', 'h4']) {
    t.same(data(s, other, 'h1').delivered, { h1: 1 }, `${other} -> h1 at the new place`);
  }
  t.equal(s.net.stormed, false);
});
