/**
 * A weft cluster on a real etcd with real Open vSwitch bridges that list both instances as
 * controllers: mastership split evenly (seen by weft and by the switches), a second instance
 * with a taken name refused, kill -9 failover within the lease TTL (measured), the killed
 * instance back and given switches again, and a graceful leave handing over at once.
 */
import t from 'tap';
import { startClusterRig, TTL, until } from '../support/cluster-rig.js';
import type { ClusterRig, Instance } from '../support/cluster-rig.js';
import { startWeftProcess } from '../support/weft-process.js';

const mastersIn = async (rig: ClusterRig, i: Instance) => (await rig.status(i)).switches.filter((s) => s.localRole === 'master' && s.writable).map((s) => s.dpid);

/** Every bridge has exactly one master on the switch's side; returns the count per instance. */
async function switchSplit(rig: ClusterRig): Promise<Map<string, number> | undefined> {
  const { master, count } = await rig.switchMasters();
  if ([...count.values()].some((c) => c !== 1)) return undefined;
  const per = new Map<string, number>();
  for (const m of master.values()) per.set(m!, (per.get(m!) ?? 0) + 1);
  return per;
}

t.test('mastership split, duplicate name, kill -9 failover, rejoin, graceful leave', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 4 });
  t.teardown(() => rig.stop());
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);

  // Even split, as weft and as the switches see it.
  await until(async () => ((await mastersIn(rig, a)).length === 2 && (await mastersIn(rig, b)).length === 2) || undefined, 15_000, '2 switches mastered by each instance');
  // Open vSwitch reports roles a few seconds late: wait until its view matches weft's.
  const split = await until(async () => {
    const s = await switchSplit(rig);
    return s && s.get('w0') === 2 && s.get('w1') === 2 ? s : undefined;
  }, 20_000, 'the switches showing 2 masters each, one per bridge', 300);
  t.same([...split.entries()].sort(), [['w0', 2], ['w1', 2]], 'the switches see 2 masters each, one per bridge');
  const st = await rig.status(a);
  t.equal(st.instances.length, 2);
  t.ok(st.etcd.ok, 'etcd healthy');
  t.ok(st.switches.every((s) => s.connected.length === 2 && s.generation !== null), 'every switch connected to both, with a generation');

  // A second instance with a name that is in use is refused.
  const dup = await startWeftProcess({ args: ['--cluster', `etcd://${rig.etcd.hostPort}`, '--instance', 'w1'], readyTimeoutMs: 30_000 }).then(
    async (p) => (await p.stop(), 'started'),
    (e: Error) => e.message,
  );
  t.match(dup, /instance name w1 is in use/, 'a duplicate name is refused');

  // kill -9 of one instance: the other masters every switch within the TTL (plus detection).
  const t0 = Date.now();
  process.kill(a.proc!.pid, 'SIGKILL');
  await a.proc!.exited;
  await until(async () => (await mastersIn(rig, b)).length === 4 || undefined, 10_000, 'w1 masters all 4 switches', 20);
  const failoverMs = Date.now() - t0;
  t.comment(`kill -9 failover: ${failoverMs} ms (lease TTL ${TTL} s)`);
  t.ok(failoverMs < TTL * 1000 + 2000, `failover within the TTL plus 2 s of detection and claims on a loaded machine (${failoverMs} ms)`);
  const after = await until(async () => {
    const s = await switchSplit(rig);
    return s?.get('w1') === 4 ? s : undefined;
  }, 20_000, 'the switches see w1 as master everywhere', 300);
  t.same([...after.entries()], [['w1', 4]]);

  // The killed instance comes back (once its old lease is gone) and gets its share again.
  a.proc = undefined;
  await until(async () => rig.start(a).then(() => true, () => false), 15_000, 'w0 restarted', 500);
  await until(async () => ((await mastersIn(rig, a)).length === 2 && (await mastersIn(rig, b)).length === 2) || undefined, 15_000, 'rebalanced 2/2');
  t.pass('rebalanced after the return');

  // Graceful leave: SIGTERM hands the switches over without waiting for the TTL.
  const t1 = Date.now();
  const stopped = b.proc!.stop(5000);
  await until(async () => (await mastersIn(rig, a)).length === 4 || undefined, 10_000, 'w0 masters all 4 after w1 left', 20);
  const leaveMs = Date.now() - t1;
  t.equal(await stopped, 0, 'clean exit');
  t.comment(`graceful leave handover: ${leaveMs} ms`);
  t.ok(leaveMs < TTL * 1000, `handover faster than the TTL (${leaveMs} ms)`);
  b.proc = undefined;
});
