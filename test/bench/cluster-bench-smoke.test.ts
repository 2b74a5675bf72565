/**
 * Keeps bench/cluster.ts from rotting: a very short run of its three setups (4 measured periods)
 * against a real etcd. Asserts that every setup answered with no ofbench failure and that, with
 * two instances, each mastered its own 8 switches while ofbench was measuring. Speed is not
 * asserted: that is `npm run bench -- --only cluster`'s job (docs/BENCHMARKS.md).
 */
import t from 'tap';
import { clusterRun } from '../../bench/cluster.js';
import { buildOfbench } from '../../bench/ofbench.js';
import { ensureBuilt } from '../../bench/weft.js';

t.test('the cluster benchmark runs its three setups', async (t) => {
  const bin = buildOfbench();
  await ensureBuilt();
  const rows = await clusterRun(bin, { periods: 5, macs: 100 });
  t.same(rows.map((r) => r.label), ['no cluster: 1 weft, 16 switches', 'cluster, 1 instance: 16 switches', 'cluster, 2 instances: 8 switches each']);
  for (const r of rows) {
    t.equal(r.failure, undefined, `${r.label}: ofbench succeeded`);
    t.ok((r.rps ?? 0) > 0, `${r.label}: PACKET_INs answered`);
  }
  t.same(rows[1]!.mastered, { b1: 16 }, 'one instance masters all 16 switches');
  t.same(rows[2]!.mastered, { b1: 8, b2: 8 }, 'two instances master 8 switches each');
  t.same(rows.map((r) => r.stepDowns), [0, 0, 0], 'no instance lost its membership (lease TTL 10 s)');
});
