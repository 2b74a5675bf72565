import t from 'tap';
import { OFPP } from '../../../protocol/index.js';
import { dp, ring, setup, torus } from './setup.js';

const text = (l: { src: { dpid: string; port: number }; dst: { dpid: string; port: number } }) =>
  `${Number.parseInt(l.src.dpid, 16)}:${l.src.port}>${Number.parseInt(l.dst.dpid, 16)}:${l.dst.port}`;

/** Every host says something first (so every edge port is known), then the clock passes the settle time. */
function settled(s: ReturnType<typeof setup>) {
  for (const name of s.net.hosts.keys()) s.arp(name, '10.0.0.254');
  s.advance(8_000);
  for (const h of s.net.hosts.values()) h.received.length = 0;
}

t.test('shortest paths on a ring: fewest hops, ties to the lower dpid', async (t) => {
  const s = setup(ring(4));
  t.same(s.topo.path(dp(1), dp(3))?.map(text), ['1:1>2:2', '2:1>3:2'], 'via 2, not 4');
  t.same(s.topo.path(dp(3), dp(1))?.map(text), ['3:2>2:1', '2:2>1:1']);
  t.same(s.topo.path(dp(1), dp(4))?.map(text), ['1:2>4:1']);
  t.same(s.topo.path(dp(2), dp(2)), []);
  t.equal(s.topo.path(dp(2), dp(9)), undefined);
  s.net.setLink([1n, 1], false);
  t.same(s.topo.path(dp(1), dp(3))?.map(text), ['1:2>4:1', '4:2>3:1'], 'around the other way');
  s.net.setLink([1n, 2], false);
  t.equal(s.topo.path(dp(1), dp(3)), undefined, 'switch 1 is cut off');
});

t.test('the flood tree of a ring blocks exactly one link', async (t) => {
  const s = setup({ ...ring(4), flood: true });
  t.same(s.topo.treePorts(), [`${dp(1)}/1`, `${dp(1)}/2`, `${dp(2)}/1`, `${dp(2)}/2`, `${dp(3)}/2`, `${dp(4)}/1`]);
  settled(s);
  t.same(s.topo.floodPorts(dp(1), 3), [1, 2]);
  t.same(s.topo.floodPorts(dp(3), 2), [3], 'port 1 to switch 4 is blocked');
  t.same(s.topo.floodPorts(dp(3), 1), [], 'what arrives on a blocked port is not flooded');
  t.same(s.topo.floodPorts(dp(3), OFPP.CONTROLLER), [2, 3], 'a packet from the controller floods');
  t.same(s.topo.floodPorts(dp(9), 1), []);
});

t.test('a broadcast on a ring reaches every host exactly once, with one packet-in per switch', async (t) => {
  const s = setup({ ...ring(4), flood: true });
  settled(s);
  for (const from of ['h1', 'h2', 'h3', 'h4']) {
    const run = s.arp(from);
    const expected = Object.fromEntries(['h1', 'h2', 'h3', 'h4'].filter((h) => h !== from).map((h) => [h, 1]));
    t.same(run.delivered, expected, `from ${from}`);
    t.same(run.packetIns, { 1: 1, 2: 1, 3: 1, 4: 1 });
    t.equal(run.linkHops, 3, 'three tree links, each crossed once');
  }
  t.equal(s.net.stormed, false);
  // A ring link goes down: the tree is rebuilt over the rest.
  s.net.setLink([2n, 1], false);
  const run = s.arp('h1');
  t.same(run.delivered, { h2: 1, h3: 1, h4: 1 });
  t.same(run.packetIns, { 1: 1, 2: 1, 3: 1, 4: 1 });
});

t.test('a 3x3 torus: a tree of 8 links, every broadcast delivered once', async (t) => {
  const s = setup({ ...torus(3), flood: true });
  t.equal(s.topo.links().length, 36, '18 cables, both ways');
  t.equal(s.topo.treePorts().length, 16);
  settled(s);
  for (const from of s.net.hosts.keys()) {
    const run = s.arp(from);
    t.equal(Object.keys(run.delivered).length, 8, `from ${from}: eight hosts`);
    t.ok(Object.values(run.delivered).every((n) => n === 1), 'each once');
    t.equal(run.delivered[from], undefined, 'not back to the sender');
    t.equal(run.linkHops, 8);
    t.equal(Object.values(run.packetIns).reduce((a, b) => a + b, 0), 9);
  }
  t.equal(s.net.stormed, false);
  t.equal(s.topo.path(dp(1), dp(9))?.length, 2, 'corners are two hops apart on a torus');
});

t.test('flood ports: never LOCAL, never a down port, never the in port', async (t) => {
  const s = setup({ switches: { 1: 4 }, links: [], hosts: { a: [1n, 1], b: [1n, 2] }, flood: true });
  s.net.addPort(1n, OFPP.LOCAL);
  s.advance(8_000);
  t.same(s.topo.floodPorts(dp(1), 1), [2, 3, 4]);
  s.net.setLink([1n, 4], false);
  t.same(s.topo.floodPorts(dp(1), 1), [2, 3]);
  t.same(s.topo.floodPorts(dp(1), OFPP.LOCAL), [1, 2, 3], 'a frame from LOCAL floods');
});

t.test('before a port settles, only ports where a host spoke are flooded', async (t) => {
  const s = setup({ switches: { 1: 4 }, links: [], hosts: { a: [1n, 1], b: [1n, 2] }, flood: true });
  t.same(s.topo.floodPorts(dp(1), OFPP.CONTROLLER), [], 'nothing known yet');
  s.arp('a');
  t.same(s.topo.floodPorts(dp(1), 1), [], 'no other port is known to be an edge');
  const run = s.arp('b');
  t.same(s.topo.floodPorts(dp(1), 2), [1]);
  t.same(run.delivered, { a: 1 }, "b's broadcast reaches a");
  s.advance(7_000);
  t.same(s.topo.floodPorts(dp(1), 2), [1]);
  s.advance(1_000);
  t.same(s.topo.floodPorts(dp(1), 2), [1, 3, 4], 'settled after 1.5 LLDP intervals');
});

/** A ring whose last cable is plugged in after the switches connected, without a port event. */
function lateCable(options: Record<string, unknown> = {}) {
  const s = setup({ ...ring(4), flood: true, connect: false, options });
  s.net.unlink([4n, 1]);
  s.net.connect(s.host);
  s.net.link([4n, 1], [1n, 2]);
  return s;
}

t.test('an undiscovered cable closing a ring cannot loop a broadcast', async (t) => {
  const s = lateCable();
  t.equal(s.topo.links().length, 6, 'the last cable is not known yet');
  for (const name of s.net.hosts.keys()) s.arp(name);
  t.equal(s.net.stormed, false);
  s.advance(5_000); // the first LLDP round finds it, before the ports settle (7.5 s)
  t.equal(s.topo.links().length, 8);
  for (const h of s.net.hosts.values()) h.received.length = 0;
  const run = s.arp('h1');
  t.same(run.delivered, { h2: 1, h3: 1, h4: 1 });
  t.equal(s.net.stormed, false);
  t.match(s.topo.host('0a:00:00:00:00:01'), { dpid: dp(1), port: 3 }, 'h1 never mistaken for a host behind the cable');
});

t.test('with settleMs 0 the same cable loops (why the settle rule exists)', async (t) => {
  const s = lateCable({ settleMs: 0, loopHoldMs: 0 });
  s.arp('h1');
  t.equal(s.net.stormed, true);
});

t.test('with settleMs 0 the loop hold still ends that storm (loop-hold.test.ts)', async (t) => {
  const s = lateCable({ settleMs: 0 });
  const run = s.arp('h1');
  t.equal(s.net.stormed, false);
  t.ok(run.linkHops < 200, `${run.linkHops} link hops`);
  t.equal(s.topo.counters().loopHolds, 1);
});

t.test('floodPorts from its cache equals the general path through links, ports, hosts and settle times', async (t) => {
  const s = setup({ ...torus(3), options: { settleMs: 3_000 } });
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const dpids = [...s.net.switches.keys()];
  const hosts = [...s.net.hosts.keys()];
  let compared = 0;
  const compareAll = (step: string) => {
    for (const d of dpids) {
      for (const inPort of [1, 2, 3, 4, 5, OFPP.CONTROLLER]) {
        const cached = s.topo.floodPorts(dp(d), inPort);
        t.same([...cached], s.topo.floodPortsUncached(dp(d), inPort), `${step}: switch ${d} in-port ${inPort}`, { diagnostic: false });
        compared++;
      }
    }
  };
  for (let i = 0; i < 60; i++) {
    const op = rand(5);
    const d = dpids[rand(dpids.length)]!;
    const port = 1 + rand(4);
    if (op === 0) s.net.setLink([d, port], rand(2) === 0);
    else if (op === 1) s.arp(hosts[rand(hosts.length)]!, '10.0.0.254');
    else if (op === 2) s.advance(500 * (1 + rand(6)), 500);
    else if (op === 3) s.net.addPort(d, 6 + rand(3));
    else s.advance(1_000);
    compareAll(`step ${i} (op ${op})`);
  }
  t.ok(compared > 3000, `${compared} answers compared`);
});

t.test('in-ports the switch does not have flood nowhere and are not cached', async (t) => {
  const s = setup(torus(3));
  for (let port = 100; port < 2100; port++) t.same([...s.topo.floodPorts(dp(1), port)], [], `port ${port}`, { diagnostic: false });
  const sw = s.topo.switchState(dp(1))!;
  t.ok((sw.flood?.byInPort.size ?? 0) <= sw.ports.size + 8, `cache holds ${sw.flood?.byInPort.size ?? 0} in-ports, not 2000`);
});
