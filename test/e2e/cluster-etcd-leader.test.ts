/**
 * A 2-instance weft cluster on a 3-member etcd (real processes on loopback) with real Open vSwitch
 * bridges: kill -9 of etcd's own leader member. The cluster keeps working: never two instances
 * writing to one switch, every switch mastered again within seconds, and a REST flow written on
 * the non-master still reaches the switch.
 */
import t from 'tap';
import { startClusterRig, until } from '../support/cluster-rig.js';
import type { ClusterRig, Instance } from '../support/cluster-rig.js';

async function writers(rig: ClusterRig): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(rig.dpids.map((d) => [d, []]));
  for (const i of rig.instances) for (const s of (await rig.status(i)).switches) if (s.writable) out.get(s.dpid)?.push(i.name);
  return out;
}
const oneEach = (w: Map<string, string[]>) => [...w.values()].every((x) => x.length === 1);

t.test('etcd leader killed: the cluster keeps working', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 2, etcdMembers: 3 });
  t.teardown(() => rig.stop());
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  await until(async () => oneEach(await writers(rig)) || undefined, 15_000, 'every switch mastered');

  const leader = await rig.etcd.leader();
  const t0 = Date.now();
  await leader.kill();
  t.comment(`killed etcd leader ${leader.name}`);
  let lastGap = 0;
  let firstGap: number | undefined;
  const end = Date.now() + 8000;
  while (Date.now() < end) {
    const w = await writers(rig);
    for (const [d, names] of w) if (names.length > 1) t.fail(`two writers for ${d}: ${names.join(', ')}`);
    if (!oneEach(w)) {
      firstGap ??= Date.now() - t0;
      lastGap = Date.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  t.comment(firstGap === undefined ? 'every switch kept its writer throughout' : `switches without a writer between ${firstGap} and ${lastGap} ms after the kill`);
  await until(async () => oneEach(await writers(rig)) || undefined, 15_000, 'every switch mastered after the leader change');
  const st = await rig.status(a);
  t.ok(st.etcd.ok, 'etcd healthy through the remaining members');
  const dpid = st.switches.find((s) => s.master === 'w1')?.dpid ?? rig.dpids[0]!;
  const via = st.switches.find((s) => s.dpid === dpid)?.master === 'w0' ? b : a;
  const res = await fetch(`http://127.0.0.1:${via.restPort}/api/v1/switches/${dpid}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ priority: 4321, match: { eth_type: '0x800', ipv4_dst: '10.8.8.8' }, actions: [] }),
  });
  t.equal(res.status, 202, 'a REST write on the non-master is accepted');
  const br = rig.bridges[rig.dpids.indexOf(dpid)]!;
  await until(async () => (await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', br)).includes('priority=4321') || undefined, 10_000, 'the flow on the switch');
  t.pass('and installed by the master');
});
