/**
 * Faults of a 2-instance weft cluster on a real etcd and real Open vSwitch bridges: a REST write
 * on the instance that is not the switch's master installed by the master; the master frozen
 * (kill -STOP) and resumed: never two instances writing to one switch, never two masters on the
 * switch's side, the frozen one steps down and rejoins; etcd itself frozen: every instance steps
 * down, installed flows stay, writes are refused, and the cluster recovers by itself.
 */
import t from 'tap';
import { startClusterRig, TTL, until } from '../support/cluster-rig.js';
import type { ClusterRig, Instance } from '../support/cluster-rig.js';

/** dpid -> instances that may write to it now (as each reachable instance says). */
async function writers(rig: ClusterRig, reachable: readonly Instance[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(rig.dpids.map((d) => [d, []]));
  for (const i of reachable) {
    const st = await rig.status(i);
    for (const s of st.switches) if (s.writable) out.get(s.dpid)?.push(i.name);
  }
  return out;
}

const flowCount = async (rig: ClusterRig, br: string) => (await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', br)).split('\n').filter((l) => l.includes('priority=')).length;

t.test('REST write via the non-master, freeze of a master, freeze of etcd', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 2 });
  t.teardown(() => rig.stop());
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  const split = await until(async () => {
    const w = await writers(rig, [a, b]);
    return [...w.values()].every((x) => x.length === 1) && new Set([...w.values()].flat()).size === 2 ? w : undefined;
  }, 15_000, 'one switch mastered by each instance');
  const metrics = await (await fetch(`http://127.0.0.1:${a.restPort}/metrics`)).text();
  t.match(metrics, /^weft_cluster_member\{weft_instance="w0"\} 1$/m, 'metrics: a member, labelled with the instance');
  t.match(metrics, /^weft_cluster_switches_mastered\{weft_instance="w0"\} 1$/m, 'metrics: one switch mastered');
  t.match(metrics, /^weft_switches_connected\{weft_instance="w0"\} 2$/m, 'every series carries the instance label');
  const dpidOfB = [...split].find(([, w]) => w[0] === 'w1')![0];
  const brOfB = rig.bridges[rig.dpids.indexOf(dpidOfB)]!;

  // A REST flow written on w0 for w1's switch: stored in etcd, installed by w1.
  const t0 = Date.now();
  const res = await fetch(`http://127.0.0.1:${a.restPort}/api/v1/switches/${dpidOfB}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ priority: 1234, match: { eth_type: '0x800', ipv4_dst: '10.9.9.9' }, actions: [] }),
  });
  t.equal(res.status, 202, 'accepted for the master');
  t.equal(res.headers.get('x-weft-master'), 'w1');
  await until(async () => (await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', brOfB)).includes('priority=1234') || undefined, 10_000, 'the flow on the switch', 20);
  t.comment(`REST write on the non-master until the flow is on the switch: ${Date.now() - t0} ms`);
  // A one-off flow with a timeout and a delete, on the non-master: the FLOW_MODs themselves are
  // handed to the master through etcd.
  const t1 = Date.now();
  const oneOff = await fetch(`http://127.0.0.1:${a.restPort}/api/v1/switches/${dpidOfB}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ priority: 1235, idleTimeout: 600, match: { eth_type: '0x800', ipv4_dst: '10.9.9.8' }, actions: [] }),
  });
  t.equal(oneOff.status, 202, 'a one-off flow is forwarded');
  await until(async () => (await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', brOfB)).includes('priority=1235') || undefined, 10_000, 'the forwarded flow on the switch', 20);
  t.comment(`forwarded FLOW_MOD (REST on the non-master until the flow is on the switch): ${Date.now() - t1} ms`);
  const del = await fetch(`http://127.0.0.1:${a.restPort}/api/v1/switches/${dpidOfB}/flows`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ priority: 1234, match: { eth_type: '0x800', ipv4_dst: '10.9.9.9' } }),
  });
  t.equal(del.status, 202, 'a delete on the non-master is forwarded');
  t.equal(del.headers.get('x-weft-master'), 'w1');
  await until(async () => !(await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', brOfB)).includes('priority=1234') || undefined, 10_000, 'the flow deleted', 20);
  const state = (await (await fetch(`http://127.0.0.1:${a.restPort}/api/v1/state/switches/${dpidOfB}`)).json()) as { flows: unknown[] };
  t.equal(state.flows.length, 0, 'and deleted from the shared store');
  const group = await fetch(`http://127.0.0.1:${a.restPort}/api/v1/switches/${dpidOfB}/groups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ groupId: 5, type: 'all', buckets: [] }),
  });
  t.equal(group.status, 201, 'a group write on the non-master is proxied to the master (its answer)');
  t.equal(group.headers.get('x-weft-master'), 'w1');

  // Freeze w1 (the master of one switch) past its lease; w0 takes both.
  const installed = await Promise.all(rig.bridges.map((br) => flowCount(rig, br)));
  process.kill(b.proc!.pid, 'SIGSTOP');
  const tf = Date.now();
  await until(async () => [...(await writers(rig, [a])).values()].every((w) => w.length === 1) || undefined, 10_000, 'w0 writes to both switches', 20);
  t.comment(`kill -STOP failover: ${Date.now() - tf} ms`);
  await until(async () => [...(await rig.switchMasters()).master.values()].every((m) => m === 'w0') || undefined, 15_000, 'the switches see w0 as master', 300);
  process.kill(b.proc!.pid, 'SIGCONT');
  // Right after the resume and for a while: never two writers, never two masters on a switch.
  const end = Date.now() + 4000;
  let samples = 0;
  while (Date.now() < end) {
    const w = await writers(rig, [a, b]);
    for (const [d, names] of w) if (names.length > 1) t.fail(`two writers for ${d}: ${names.join(', ')}`);
    const { count } = await rig.switchMasters();
    for (const [br, c] of count) if (c > 1) t.fail(`${br}: ${c} masters on the switch's side`);
    samples++;
  }
  t.ok(samples > 3, `checked ${samples} times after the resume`);
  await b.proc!.waitForLog((l) => l.msg === 'cluster membership lost: stepping down', 5000, 'w1 stepped down');
  await until(async () => ((await rig.status(b)).member && [...(await writers(rig, [a, b])).values()].every((x) => x.length === 1) && new Set([...(await writers(rig, [a, b])).values()].flat()).size === 2) || undefined, 15_000, 'w1 back with one switch');
  t.pass('the resumed instance rejoined and got a switch again');

  // Freeze etcd: both instances step down; flows stay; writes refused; recovery by itself.
  process.kill(rig.etcd.pid, 'SIGSTOP');
  try {
    await until(async () => [...(await writers(rig, [a, b])).values()].every((w) => w.length === 0) || undefined, (TTL + 3) * 1000, 'no instance writes without etcd', 100);
    t.pass('both stepped down without etcd');
    const st = await rig.status(a);
    t.equal(st.etcd.ok, false, '/api/v1/cluster reports etcd down');
    const w = await fetch(`http://127.0.0.1:${a.restPort}/api/v1/switches/${rig.dpids[0]}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ priority: 7, match: {}, actions: [] }),
    });
    t.ok(w.status === 503 || w.status === 409, `a write without etcd is refused (${w.status})`);
    t.same(await Promise.all(rig.bridges.map((br) => flowCount(rig, br))), installed, 'installed flows stay on the switches');
  } finally {
    process.kill(rig.etcd.pid, 'SIGCONT');
  }
  const tr = Date.now();
  await until(async () => [...(await writers(rig, [a, b])).values()].every((x) => x.length === 1) || undefined, 20_000, 'every switch mastered again after etcd is back');
  t.comment(`recovery after etcd resumed: ${Date.now() - tr} ms`);
});
