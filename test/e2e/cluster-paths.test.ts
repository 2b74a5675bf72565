/**
 * Paths across a 3-instance weft cluster on a 3-member etcd (loopback), Mininet torus 3x3 whose
 * switches list all three instances (mininet/scenarios/cluster_paths.py): every instance knows
 * every link and host (the shared topology), pingall 0% twice with paths over switches of
 * several masters (apps' writes forwarded to the masters), first-ping round trips with the
 * pair's flows deleted (flow setup within one master's switches and across masters), and
 * kill -9 of an instance during a 50/s ping from a host on one of its switches: no reply lost,
 * new flows set up again within 3 s, pingall 0% with the survivors.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { startEtcd } from '../support/etcd.js';
import { requireMininet, runScenario } from '../support/mininet.js';
import { startOvs } from '../support/ovs.js';
import { freePort, startWeftProcess } from '../support/weft-process.js';
import type { WeftProcess } from '../support/weft-process.js';

requireRoot();
requireMininet();

t.test('torus 3x3 across three instances', async (t) => {
  const etcd = await startEtcd({ members: 3 });
  t.teardown(() => etcd.stop());
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const names = ['w0', 'w1', 'w2'];
  const procs: WeftProcess[] = await Promise.all(
    names.map(async (name) =>
      startWeftProcess({
        openflowPort: await freePort(),
        restPort: await freePort(),
        args: ['--cluster', `etcd://${etcd.hostPorts}`, '--instance', name, '--cluster-lease-ttl', '2', '--audit-interval', '0'],
        env: { WEFT_LOG_FORMAT: 'json' },
        readyTimeoutMs: 45_000,
      }),
    ),
  );
  t.teardown(() => Promise.all(procs.map((p) => p.stop(5000).catch(() => undefined))));

  const run = await runScenario({
    scenario: 'cluster_paths',
    ovs,
    controller: { port: procs[0]!.openflowPort },
    topo: 'torus,3,3',
    timeoutMs: 110_000,
    options: {
      controllers: procs.map((p) => `127.0.0.1:${p.openflowPort}`).join(','),
      rests: procs.map((p) => `http://127.0.0.1:${p.restPort}`).join(','),
      pids: procs.map((p) => String(p.pid)).join(','),
      names: names.join(','),
      kill: '1',
    },
  });
  const r = run.result;
  t.ok(r, `the scenario printed its result (exit ${run.code}${run.timedOut ? ', timed out' : ''})\n${run.stderr.slice(-3000)}`);
  if (!r) return;
  for (const c of r.checks) t.ok(c.ok, c.name, { detail: c.detail });
  // Where a scenario that ran out of time was stuck (a CI run once ended with no check at all).
  if (r.notes.terminatedAt) t.comment(`terminated at ${JSON.stringify(r.notes.terminatedAt)}; Mininet said: ${run.stderr.slice(-1500)}`);
  t.comment(JSON.stringify({ mastered: r.notes.mastered, linksConvergedS: r.notes.linksConvergedS, linksConvergedFromStartS: r.notes.linksConvergedFromStartS, hosts: r.notes.hostsConvergedAfterPingallS, flowSetupRttMs: r.notes.flowSetupRttMs, failover: r.notes.failover, elapsedMs: r.elapsedMs }));
  t.comment(JSON.stringify({ pingallAfterFailover: r.notes.pingallAfterFailover }));
  // When each survivor took the dead instance's switches (its own log), from the kill.
  const killedAt = Number(r.notes.killedAtMs);
  for (const [i, p] of procs.entries()) {
    if (i === 1) continue;
    const took = p.lines.filter((l) => l.msg === 'cluster: master of the switch' && Number(l.time) > killedAt).map((l) => Number(l.time) - killedAt);
    t.comment(`${names[i]} became master after the kill at +${took.join(', +')} ms`);
  }
  t.equal(r.notes.leftovers, undefined, 'nothing left behind');
  // The survivors logged no errors (the killed one is gone by design).
  for (const [i, p] of procs.entries()) {
    if (i === 1) continue;
    t.same(p.lines.filter((l) => l.level >= 50).map((l) => l.msg), [], `${names[i]} logged no errors`);
  }
});
