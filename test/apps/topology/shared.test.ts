/**
 * The topology across cluster instances (apps/topology/shared.ts): what one instance learns
 * (links into its switches, hosts on their edge ports) is published, and another instance that
 * gets those entries has them in its graph and host table; a link no longer published stays
 * until the receiver's link timeout (a dead instance's entries vanish with its lease, and the
 * new master shows the link again); a host no longer published goes; our own LLDP wins over a
 * conflicting published link; entries that do not parse are ignored.
 */
import t from 'tap';
import { decodeFrame } from '../../../apps/sdk/index.js';
import type { SharedChange } from '../../../apps/sdk/index.js';
import { parseOptions, Topology } from '../../../apps/topology/index.js';
import { applyShared } from '../../../apps/topology/shared.js';
import { arpRequestFrame } from '../../../protocol/packet/index.js';
import { makePort } from '../../support/fake-datapath.js';
import { dp } from './setup.js';

function instance(name: string, clock: { now: number }) {
  const topo = new Topology(parseOptions({ linkTimeoutMs: 10_000 }), () => clock.now);
  const published = new Map<string, unknown>();
  const changes: SharedChange[] = [];
  topo.share((key, value) => {
    if (value === undefined) published.delete(key);
    else published.set(key, value);
    changes.push({ instance: name, key, value });
  });
  for (const n of [1, 2, 3]) topo.switchUp(dp(n), [1, 2, 3].map((p) => makePort(BigInt(n), p)), clock.now);
  // Ports settle (hosts are learned on settled edge ports at once).
  clock.now += 60_000;
  return { topo, published, changes, take: () => changes.splice(0) };
}

const frame = (mac: string, ip: string) => decodeFrame(arpRequestFrame({ sha: mac, spa: ip, tpa: '10.0.0.254' }));

t.test('links and hosts learned on one instance reach the other one\'s graph', async (t) => {
  const clock = { now: 1_000_000 };
  const a = instance('a', clock);
  const b = instance('b', clock);
  // a masters s2 and s3: LLDP arriving there; b masters s1.
  a.topo.linkSeen({ dpid: dp(1), port: 1 }, { dpid: dp(2), port: 1 }, clock.now);
  a.topo.linkSeen({ dpid: dp(3), port: 2 }, { dpid: dp(2), port: 2 }, clock.now);
  b.topo.linkSeen({ dpid: dp(2), port: 1 }, { dpid: dp(1), port: 1 }, clock.now);
  a.topo.linkSeen({ dpid: dp(2), port: 2 }, { dpid: dp(3), port: 2 }, clock.now);
  t.same([...a.published.keys()].sort(), [`l/${dp(1)}/1`, `l/${dp(2)}/2`, `l/${dp(3)}/2`]);
  t.equal(b.topo.path(dp(1), dp(3)), undefined, 'b alone cannot reach s3');
  applyShared(b.topo, a.take(), clock.now);
  applyShared(a.topo, b.take(), clock.now);
  t.equal(b.topo.linkCount, 4, 'b has every link');
  t.equal(a.topo.linkCount, 4, 'a has every link');
  t.same(b.topo.path(dp(1), dp(3))?.map((l) => l.dst.dpid), [dp(2), dp(3)], 'b computes paths over links a learned');
  t.same(a.topo.treePorts(), b.topo.treePorts(), 'the same flood tree on both');
  t.notOk(b.topo.isEdgePort(dp(3), 2), 'a port with a published link is no edge');

  a.topo.hostSeen(dp(3), 3, frame('0a:00:00:00:00:03', '10.0.0.3'), clock.now);
  applyShared(b.topo, a.take(), clock.now);
  t.match(b.topo.hostLocation('0a:00:00:00:00:03'), { dpid: dp(3), port: 3 }, 'b knows where a\'s host is');
  t.equal(b.topo.hostByIp('10.0.0.3')?.mac, '0a:00:00:00:00:03', 'and its address');
  clock.now += 10 * 3_600_000;
  b.topo.expire(clock.now);
  t.ok(b.topo.host('0a:00:00:00:00:03'), 'a published host is its publisher\'s to expire');

  // The host moves to b's switch: b's sighting is newer, and b publishes it.
  b.topo.hostSeen(dp(1), 3, frame('0a:00:00:00:00:03', '10.0.0.3'), clock.now);
  t.match(b.published.get('h/0a:00:00:00:00:03'), { dpid: dp(1), port: 3 });
  applyShared(a.topo, b.take(), clock.now);
  t.match(a.topo.hostLocation('0a:00:00:00:00:03'), { dpid: dp(1), port: 3 }, 'a follows the move');
  t.notOk(a.published.has('h/0a:00:00:00:00:03'), 'and no longer publishes the host as its own');
});

t.test('a link no longer published stays until the link timeout; a host goes at once', async (t) => {
  const clock = { now: 1_000_000 };
  const a = instance('a', clock);
  const b = instance('b', clock);
  a.topo.linkSeen({ dpid: dp(1), port: 1 }, { dpid: dp(2), port: 1 }, clock.now);
  a.topo.hostSeen(dp(2), 3, frame('0a:00:00:00:00:02', '10.0.0.2'), clock.now);
  applyShared(b.topo, a.take(), clock.now);
  t.equal(b.topo.linkCount, 1);
  // a's lease expired: etcd deleted its entries.
  applyShared(b.topo, [{ instance: 'a', key: `l/${dp(1)}/1`, value: undefined }, { instance: 'a', key: 'h/0a:00:00:00:00:02', value: undefined }], clock.now);
  t.equal(b.topo.linkCount, 1, 'kept: installed paths across it stay');
  t.equal(b.topo.host('0a:00:00:00:00:02'), undefined, 'the host is gone');
  clock.now += 5_000;
  b.topo.expire(clock.now);
  t.equal(b.topo.linkCount, 1, 'still there within the link timeout');
  clock.now += 6_000;
  b.topo.expire(clock.now);
  t.equal(b.topo.linkCount, 0, 'gone after it');
});

t.test('our own LLDP wins over a conflicting published link; bad entries are ignored', async (t) => {
  const clock = { now: 1_000_000 };
  const b = instance('b', clock);
  b.topo.linkSeen({ dpid: dp(1), port: 1 }, { dpid: dp(2), port: 1 }, clock.now);
  applyShared(b.topo, [{ instance: 'a', key: `l/${dp(1)}/1`, value: { dpid: dp(3), port: 1 } }], clock.now);
  t.same(b.topo.links().map((l) => l.dst.dpid), [dp(2)], 'ours stays');
  applyShared(
    b.topo,
    [
      { instance: 'a', key: 'l/zz/1', value: { dpid: dp(3), port: 1 } },
      { instance: 'a', key: `l/${dp(2)}/2`, value: { dpid: 'nope', port: 1 } },
      { instance: 'a', key: 'h/not-a-mac', value: { dpid: dp(3), port: 3, ipv4: [], ipv6: [], seen: 1 } },
      { instance: 'a', key: 'h/0a:00:00:00:00:09', value: { dpid: dp(3), port: 3, ipv4: 'x', ipv6: [], seen: 1 } },
      { instance: 'a', key: `l/${dp(2)}/3`, value: { dpid: dp(9), port: 1 } },
    ],
    clock.now,
  );
  t.equal(b.topo.linkCount, 1, 'nothing added from bad or unknown entries');
  t.equal(b.topo.hostCount, 0);
});
