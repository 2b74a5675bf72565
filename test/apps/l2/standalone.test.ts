import t from 'tap';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import type { L2LearningApp } from '../../../apps/l2-learning/index.js';
import { FakeNet, dpidOf } from './net.js';

const H1 = '0a:00:00:00:01:01';
const H2 = '0a:00:00:00:02:02';
const H3 = '0a:00:00:00:03:03';

function single(opts: Record<string, unknown> = {}) {
  const l2 = createL2LearningApp(opts);
  const net = new FakeNet(
    { switches: { 7: [1, 2, 3] }, links: [], hosts: { h1: [H1, 7, 1], h2: [H2, 7, 2], h3: [H3, 7, 3] } },
    [createTableMissApp({}), l2],
  );
  return { net, l2: l2 as L2LearningApp };
}

const names = (r: { deliveries: { host: string }[] }) => r.deliveries.map((d) => d.host).sort();

t.test('single switch without topology: flood, learn, then per-pair flows', async (t) => {
  const { net, l2 } = single({ idleTimeoutSec: 33, priority: 321 });
  t.equal(l2.api.mode, 'standalone');
  const r1 = net.send('h1', H2);
  t.same(names(r1), ['h2', 'h3'], 'unknown destination: flooded once to every other port');
  t.equal(r1.packetIns, 1);
  const r2 = net.send('h2', H1);
  t.same(names(r2), ['h1'], 'known destination: only to its port');
  const flows = net.sw(7).flows().filter((f) => f.priority === 321);
  t.equal(flows.length, 1);
  t.same(
    flows[0]!.match.map((e) => [e.field, 'value' in e ? e.value : undefined]),
    [['in_port', 2], ['eth_dst', H1], ['eth_src', H2]],
  );
  t.equal(flows[0]!.idleTimeout, 33);
  t.equal(flows[0]!.cookie >> 48n, BigInt(net.host.apps().find((a) => a.name === 'l2-learning')!.appId), 'our cookie');
  // The reverse direction still needs one packet-in (per pair), then none.
  t.equal(net.send('h1', H2).packetIns, 1);
  const r4 = net.send('h1', H2);
  t.equal(r4.packetIns, 0, 'served by the installed flow');
  t.same(names(r4), ['h2']);
  t.same(net.send('h2', H1).deliveries.length, 1);
  t.match(l2.stats(), { macsLearned: 2, flowsInstalled: 2, floods: 1, moves: 0, refusedPortCap: 0, refusedSwitchCap: 0 });
  t.same(l2.api.macTable(dpidOf(7)).map((e) => [e.mac, e.port]), [[H1, 1], [H2, 2]]);
});

t.test('LLDP, multicast sources and 802.1D link-local frames are neither learned nor forwarded', async (t) => {
  const { net, l2 } = single();
  t.same(net.send('h1', '01:80:c2:00:00:0e', { eth_type: 0x88cc }).deliveries, []);
  t.same(net.send('h1', '01:80:c2:00:00:00', { eth_type: 0x0027 }).deliveries, [], 'STP BPDU');
  net.hosts.hx = ['03:00:00:00:00:99', 7, 2];
  t.same(net.send('hx', H1).deliveries, [], 'multicast source');
  t.equal(l2.stats().ignored, 3);
  t.equal(l2.stats().macsLearned, 0);
  // Broadcast from a unicast source is flooded (and the source learned).
  t.same(names(net.send('h1', 'ff:ff:ff:ff:ff:ff')), ['h2', 'h3']);
  t.equal(l2.stats().macsLearned, 1);
});

t.test('a host moving to another port: its old flows go, traffic follows it', async (t) => {
  const { net, l2 } = single();
  net.send('h1', H2);
  net.send('h2', H1); // flow h2 -> h1 out port 1
  net.send('h1', H2); // flow h1 -> h2
  t.equal(net.sw(7).flows().filter((f) => f.priority === 100).length, 2);
  net.moveHost('h3', 7, 9); // out of the way (no such port)
  net.moveHost('h1', 7, 3);
  const r = net.send('h1', H2);
  t.same(names(r), ['h2']);
  t.equal(l2.stats().moves, 1);
  const flows = net.sw(7).flows().filter((f) => f.priority === 100);
  t.notOk(flows.some((f) => f.match.some((e) => e.field === 'eth_dst' && e.value === H1)), 'flows to the old port deleted');
  t.notOk(flows.some((f) => f.match.some((e) => e.field === 'eth_src' && e.value === H1) && f.match.some((e) => e.field === 'in_port' && e.value === 1)), 'flows from the old port deleted');
  t.same(names(net.send('h2', H1)), ['h1']);
  t.same(l2.api.macTable(dpidOf(7)).find((e) => e.mac === H1)?.port, 3);
});

t.test('MAC entries expire after the TTL (injected clock)', async (t) => {
  const { net, l2 } = single({ macTtlMs: 5_000, idleTimeoutSec: 0 });
  net.send('h1', 'ff:ff:ff:ff:ff:ff');
  net.clock.advance(4_000);
  t.same(names(net.send('h2', H1)), ['h1'], 'still known before the TTL');
  net.clock.advance(5_001);
  // H2 was learned at t=4000 and expires at 9000; H1 (learned at 0) is gone.
  t.same(l2.api.macTable(dpidOf(7)).map((e) => e.mac), [], 'both expired');
  t.same(names(net.send('h3', H1)), ['h1', 'h2'], 'expired destination: flooded again');
  t.equal(l2.stats().floods, 2);
  net.host.tick(net.clock.now());
  t.equal(l2.stats().macs, 1, 'tick purged the expired entries; H3 remains');
});

t.test('port down: flows out of it and MACs on it are forgotten', async (t) => {
  const { net, l2 } = single();
  net.send('h1', H2);
  net.send('h2', H1);
  t.equal(net.sw(7).flows().filter((f) => f.priority === 100).length, 1);
  net.cutLink(7, 1, 7, 9);
  t.equal(net.sw(7).flows().filter((f) => f.priority === 100).length, 0);
  t.same(l2.api.macTable(dpidOf(7)).map((e) => e.mac), [H2]);
  t.ok(l2.stats().flowDeletes >= 1);
});

t.test('bad options are refused with the key name', async (t) => {
  t.throws(() => createL2LearningApp({ maxMacsPerPort: 0 }), /maxMacsPerPort/);
  t.throws(() => createL2LearningApp({ maxMacPerSwitch: 5 }), /maxMacPerSwitch is unknown/);
  t.throws(() => createL2LearningApp({ priority: 'high' }), /priority/);
});

t.test('options changed at run time: new flows use the new idle timeout; table and priority stay fixed', async (t) => {
  const { net, l2 } = single({ idleTimeoutSec: 33, priority: 321 });
  l2.setOptions!({ idleTimeoutSec: 90, priority: 321, maxMacsPerPort: 1 });
  net.send('h1', H2);
  net.send('h2', H1);
  t.same(net.sw(7).flows().filter((f) => f.priority === 321).map((f) => f.idleTimeout), [90], 'the flow installed after the change');
  t.throws(() => l2.setOptions!({ idleTimeoutSec: 90, priority: 500 }), /priority: cannot change while weft runs/);
  t.throws(() => l2.setOptions!({ idleTimeoutSec: -1 }), /idleTimeoutSec/);
  t.throws(() => l2.setOptions!({ idleTimeoutSec: 90, priority: 321, nope: 1 }), /nope/);
  net.send('h1', H2);
  t.equal(net.sw(7).flows().filter((f) => f.priority === 321).length, 2, 'refused changes changed nothing (still 90 s flows, priority 321)');
  t.ok(net.sw(7).flows().filter((f) => f.priority === 321).every((f) => f.idleTimeout === 90));
});
