import t from 'tap';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import type { L2LearningApp } from '../../../apps/l2-learning/index.js';
import type { FlowEntry } from '../../support/fake-datapath.js';
import { FakeNet, dpidOf } from './net.js';
import type { NetSpec } from './net.js';
import { StubTopology, stubTopologyApp } from './stub-topology.js';

const mac = (n: number) => `0a:00:00:00:00:${n.toString(16).padStart(2, '0')}`;
const BCAST = 'ff:ff:ff:ff:ff:ff';
const names = (r: { deliveries: { host: string }[] }) => r.deliveries.map((d) => d.host).sort();

/** A FakeNet whose stub topology knows the spec's links. */
function build(spec: NetSpec, opts: Record<string, unknown> = {}) {
  const switches: Record<string, number[]> = {};
  for (const [n, ports] of Object.entries(spec.switches)) switches[dpidOf(Number(n))] = ports;
  const topo = new StubTopology(switches);
  for (const [a, pa, b, pb] of spec.links) topo.addLink({ dpid: dpidOf(a), port: pa }, { dpid: dpidOf(b), port: pb });
  const l2 = createL2LearningApp(opts) as L2LearningApp;
  const net = new FakeNet(spec, [createTableMissApp({}), stubTopologyApp(topo), l2]);
  return { net, topo, l2 };
}

const ours = (net: FakeNet, sw: number): FlowEntry[] => net.sw(sw).flows().filter((f) => f.priority === 100);
const matchOf = (f: FlowEntry) => Object.fromEntries(f.match.map((e) => [e.field, 'value' in e ? e.value : undefined]));
const outOf = (f: FlowEntry) => f.instructions.flatMap((i) => ('actions' in i ? i.actions : [])).map((a) => (a.type === 'output' ? a.port : -1));

// s1 -- s2 -- s3, h1 on s1:1, h3 on s2:3, h2 on s3:1.
const LINEAR: NetSpec = {
  switches: { 1: [1, 2], 2: [1, 2, 3], 3: [1, 2] },
  links: [
    [1, 2, 2, 1],
    [2, 2, 3, 2],
  ],
  hosts: { h1: [mac(1), 1, 1], h3: [mac(3), 2, 3], h2: [mac(2), 3, 1] },
};

t.test('linear 3: flood on the tree, then flows on every switch of the path', async (t) => {
  const { net, l2 } = build(LINEAR);
  t.equal(l2.api.mode, 'topology');
  const first = net.send('h1', mac(2));
  t.same(names(first), ['h2', 'h3'], 'unknown destination reaches every other host once');
  t.equal(first.packetIns, 3, 'one packet-in per switch on the flood tree');
  t.notOk(first.looped);

  const reply = net.send('h2', mac(1));
  t.same(names(reply), ['h1']);
  t.equal(reply.packetIns, 1, 'only the first switch asked');
  t.same(ours(net, 3).map((f) => [matchOf(f), outOf(f)]), [[{ in_port: 1, eth_dst: mac(1), eth_src: mac(2) }, [2]]], 'ingress: per pair');
  t.same(ours(net, 2).map((f) => [matchOf(f), outOf(f)]), [[{ in_port: 2, eth_dst: mac(1) }, [1]]], 'transit: per destination');
  t.same(ours(net, 1).map((f) => [matchOf(f), outOf(f)]), [[{ in_port: 2, eth_dst: mac(1) }, [1]]], 'last hop: to the host port');

  const again = net.send('h2', mac(1));
  t.equal(again.packetIns, 0, 'the second packet crosses without a packet-in');
  t.same(names(again), ['h1']);

  // h3 (on the transit switch s2) sending to h1 is not matched by the transit flow: learned.
  const fromMiddle = net.send('h3', mac(1));
  t.equal(fromMiddle.packetIns, 1);
  t.same(names(fromMiddle), ['h1']);
  t.equal(l2.api.macTable(dpidOf(2))[0]?.mac, mac(3));
  t.equal(l2.stats().flowsInstalled, 5, 'three for the first path, two for the second (s1 shared)');
  t.equal(l2.stats().floods, 3);
  t.equal(l2.stats().trackedDestinations, 1);
});

// A ring s1-s2-s3-s4-s1 (ports 2 and 3 are ring ports), host hN on sN:1.
const RING: NetSpec = {
  switches: { 1: [1, 2, 3], 2: [1, 2, 3], 3: [1, 2, 3], 4: [1, 2, 3] },
  links: [
    [1, 2, 2, 3],
    [2, 2, 3, 3],
    [3, 2, 4, 3],
    [4, 2, 1, 3],
  ],
  hosts: { h1: [mac(1), 1, 1], h2: [mac(2), 2, 1], h3: [mac(3), 3, 1], h4: [mac(4), 4, 1] },
};

t.test('ring of 4: broadcasts and unicasts are delivered exactly once, nothing circulates', async (t) => {
  const { net, l2 } = build(RING);
  for (const h of ['h1', 'h2', 'h3', 'h4']) {
    const r = net.send(h, BCAST, {}, 200);
    t.notOk(r.looped, `${h} broadcast settles`);
    t.same(names(r), ['h1', 'h2', 'h3', 'h4'].filter((x) => x !== h), `${h} broadcast: one copy per host`);
    t.equal(r.packetIns, 4, 'one packet-in per switch');
  }
  for (const round of [1, 2]) {
    let packetIns = 0;
    for (const a of [1, 2, 3, 4]) {
      for (const b of [1, 2, 3, 4]) {
        if (a === b) continue;
        const r = net.send(`h${a}`, mac(b), {}, 200);
        t.notOk(r.looped);
        t.same(names(r), [`h${b}`], `round ${round}: h${a} -> h${b} once`);
        packetIns += r.packetIns;
      }
    }
    t.equal(packetIns, round === 1 ? 12 : 0, `round ${round}: packet-ins`);
  }
  t.equal(l2.stats().moves, 0, 'no host seen to move by its own traffic');
});

t.test('a MAC flood beyond the caps is refused, counted, and installs no flows', async (t) => {
  const { net, l2 } = build(LINEAR, { maxMacsPerPort: 4, maxMacsPerSwitch: 6 });
  net.send('h1', BCAST);
  net.send('h2', BCAST);
  for (let i = 0; i < 40; i++) {
    net.hosts.flood = [`0e:00:00:00:01:${i.toString(16).padStart(2, '0')}`, 3, 1];
    const r = net.send('flood', mac(1));
    t.same(names(r), ['h1'], 'still forwarded');
  }
  const s = l2.stats();
  t.equal(s.refusedPortCap, 37, 'h2 plus 3 flooders fill port s3:1, the other 37 are refused');
  t.equal(l2.api.macTable(dpidOf(3)).length, 4);
  t.equal(s.macs, 5);
  t.equal(ours(net, 3).length, 3, 'pair flows only for the three learned flooders');
  // Another port of s3 fills the switch cap (6): one more fits, then refused.
  for (let i = 0; i < 5; i++) {
    net.hosts.flood = [`0e:00:00:00:02:${i.toString(16).padStart(2, '0')}`, 3, 7];
    net.send('flood', mac(1));
  }
  t.equal(l2.stats().refusedSwitchCap, 3);
  t.equal(l2.api.macTable(dpidOf(3)).length, 6);
  // Entries age out: after the TTL there is room again.
  net.clock.advance(300_001);
  net.hosts.flood = ['0e:00:00:00:03:01', 3, 1];
  net.send('flood', BCAST);
  t.equal(l2.api.macTable(dpidOf(3)).length, 1, 'expired entries purged, the new one learned');
});

t.test('host move: flows towards the old place are deleted on every switch', async (t) => {
  const { net, l2, topo } = build(LINEAR);
  net.send('h1', BCAST);
  net.send('h2', mac(1));
  net.send('h3', mac(1));
  t.equal([1, 2, 3].map((n) => ours(net, n).length).join(), '1,2,1', 'paths towards h1 share the last hop');
  // h1 moves from s1:1 to s2:3 (h3 leaves the network first).
  net.moveHost('h3', 2, 9);
  net.moveHost('h1', 2, 3);
  const r = net.send('h1', mac(2));
  t.same(names(r), ['h2']);
  t.equal(l2.stats().moves, 1);
  for (const n of [1, 2, 3]) t.notOk(ours(net, n).some((f) => matchOf(f).eth_dst === mac(1) && outOf(f)[0] !== 3), `s${n}: no flow to the old place`);
  t.same(names(net.send('h2', mac(1))), ['h1'], 'traffic follows the host');

  // The topology app's hostMoved does the same (deletes go out with our next batch).
  net.send('h2', mac(1));
  t.ok(ours(net, 3).some((f) => matchOf(f).eth_dst === mac(1)));
  topo.placeHost(mac(1), dpidOf(2), 3); // added (the stub did not know it)
  topo.placeHost(mac(1), dpidOf(1), 1); // moved
  net.host.tick(net.clock.now());
  for (const n of [1, 2, 3]) t.notOk(ours(net, n).some((f) => matchOf(f).eth_dst === mac(1)), `s${n}: flows to h1 gone after hostMoved`);
  t.equal(l2.stats().moves, 2);
});

t.test('link down in the ring: flows through it are deleted and traffic goes around', async (t) => {
  const { net, l2, topo } = build(RING);
  net.send('h1', BCAST);
  net.send('h3', BCAST);
  net.send('h1', mac(3));
  net.send('h3', mac(1));
  const to = (m: string) => [1, 2, 3, 4].map((n) => ours(net, n).filter((f) => matchOf(f).eth_dst === m).length);
  t.same(to(mac(3)), [1, 1, 1, 0], 'h1 -> h3 goes s1, s2, s3');
  t.same(to(mac(1)), [1, 0, 1, 1], 'h3 -> h1 goes s3, s4, s1 (ties broken by port)');
  t.equal(net.send('h1', mac(3)).packetIns, 0);

  // s2:2 -- s3:3 goes down: the topology says so, then the switches report the ports.
  topo.removeLink({ dpid: dpidOf(2), port: 2 }, { dpid: dpidOf(3), port: 3 });
  net.cutLink(2, 2, 3, 3);
  t.same(to(mac(3)), [0, 0, 0, 0], 'the path through the link is deleted on every switch');
  t.same(to(mac(1)), [1, 0, 1, 1], 'the path that did not use it stays');
  const r = net.send('h1', mac(3), {}, 200);
  t.notOk(r.looped);
  t.same(names(r), ['h3'], 'delivered around the ring');
  t.equal(r.packetIns, 1);
  t.ok(ours(net, 4).some((f) => matchOf(f).eth_dst === mac(3)), 'the new path uses s4');
  const back = net.send('h3', mac(1), {}, 200);
  t.same(names(back), ['h1']);
  t.equal(net.send('h1', mac(3)).packetIns + net.send('h3', mac(1)).packetIns, 0, 'new paths in place');
  t.ok(l2.stats().flowDeletes >= 4);
});

t.test('a link appearing on a port where MACs were learned forgets them', async (t) => {
  const spec: NetSpec = { switches: { 1: [1, 2], 2: [1, 2] }, links: [], hosts: { h1: [mac(1), 1, 1], h2: [mac(2), 2, 1] } };
  const { net, l2, topo } = build(spec);
  // Before discovery, s1:2 and s2:2 look like edge ports: wire them by hand in the net.
  (net as unknown as { hosts: NetSpec['hosts'] }).hosts.fake = [mac(1), 2, 2];
  net.send('fake', BCAST); // h1's MAC seen at s2:2 (as if it had come over the link)
  t.same(l2.api.macTable(dpidOf(2)).map((e) => [e.mac, e.port]), [[mac(1), 2]]);
  topo.addLink({ dpid: dpidOf(1), port: 2 }, { dpid: dpidOf(2), port: 2 });
  net.host.tick(net.clock.now());
  t.same(l2.api.macTable(dpidOf(2)), [], 'forgotten');
});

t.test('switch down: flows towards its hosts are deleted elsewhere; switch up adopts ours', async (t) => {
  const { net, l2 } = build(LINEAR);
  net.send('h1', BCAST);
  net.send('h2', mac(1)); // path s3 -> s2 -> s1 towards h1
  net.send('h1', mac(2)); // path s1 -> s2 -> s3 towards h2
  net.send('h3', mac(1)); // s2 -> s1 towards h1
  t.same([1, 2, 3].map((n) => ours(net, n).length), [2, 3, 2]);
  net.sw(3).close('test');
  t.same(ours(net, 1).map(matchOf), [{ in_port: 2, eth_dst: mac(1) }], 's1: the flow towards h2 (on s3) is gone');
  t.same(
    ours(net, 2).map(matchOf),
    [{ in_port: 2, eth_dst: mac(1) }, { in_port: 3, eth_dst: mac(1), eth_src: mac(3) }],
    's2: the flow towards h2 is gone, flows towards h1 stay',
  );
  t.same(l2.api.macTable(dpidOf(3)), []);
  const before = ours(net, 3).map(matchOf);
  t.equal(before.length, 2);
  net.sw(3).clearSent();
  net.sw(3).connect(net.host);
  t.same(ours(net, 3).map(matchOf), before, 'our path flows left in s3 are kept at switch up (adopted)');
  t.notOk(net.sw(3).sent.some((m) => m.type === 'flowMod'), 'nothing deleted or re-added');
  t.equal(l2.stats().adoptedFlows, 2);
  t.ok(net.sw(3).flows().some((f) => f.priority === 0), 'the table-miss flow is still there');
});
