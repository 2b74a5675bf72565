/**
 * Traffic through a failover: two network namespaces joined by a real Open vSwitch bridge (veth
 * ports) whose flows a 2-instance weft cluster manages. A ping at 50/s runs while the switch's
 * master is killed with kill -9: not one ping is lost (the installed flows stay), and the new
 * master's reconciliation (trigger `mastership`) deletes nothing.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { startClusterRig, until } from '../support/cluster-rig.js';
import type { Instance } from '../support/cluster-rig.js';

requireRoot();

const run = (cmd: string, args: string[], timeout = 20_000) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { timeout }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout))),
  );

t.test('kill -9 of the master during a 50/s ping: 0 lost, nothing deleted', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 1 });
  t.teardown(() => rig.stop());
  const id = randomBytes(2).toString('hex');
  const ns = [`wct${id}a`, `wct${id}b`];
  const veth = [`wct${id}a0`, `wct${id}b0`];
  t.teardown(async () => {
    for (const v of veth) await run('ip', ['link', 'del', v]).catch(() => undefined);
    for (const n of ns) await run('ip', ['netns', 'del', n]).catch(() => undefined);
  });
  for (let i = 0; i < 2; i++) {
    await run('ip', ['netns', 'add', ns[i]!]);
    await run('ip', ['link', 'add', veth[i]!, 'type', 'veth', 'peer', 'name', `${veth[i]}p`]);
    await run('ip', ['link', 'set', `${veth[i]}p`, 'netns', ns[i]!]);
    await run('ip', ['-n', ns[i]!, 'addr', 'add', `10.77.0.${i + 1}/24`, 'dev', `${veth[i]}p`]);
    await run('ip', ['-n', ns[i]!, 'link', 'set', `${veth[i]}p`, 'up']);
    await run('ip', ['link', 'set', veth[i]!, 'up']);
    await rig.ovs.addPort(rig.bridges[0]!, veth[i]!, { type: '', ofport: i + 1 });
  }
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  const dpid = rig.dpids[0]!;
  const master = await until(async () => {
    for (const i of [a, b]) if ((await rig.status(i)).switches.some((s) => s.dpid === dpid && s.writable)) return i;
    return undefined;
  }, 15_000, 'a master');
  const other = master === a ? b : a;
  // Port-to-port flows through REST on the master (persistent, so the state store holds them too).
  for (const [inPort, out] of [[1, 2], [2, 1]]) {
    const res = await fetch(`http://127.0.0.1:${master.restPort}/api/v1/switches/${dpid}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ priority: 1000, match: { in_port: inPort }, actions: [{ type: 'output', port: out }] }),
    });
    t.equal(res.status, 201);
  }
  const dst = `10.77.0.2`;
  await until(async () => (await run('ip', ['netns', 'exec', ns[0]!, 'ping', '-c', '1', '-W', '1', dst]).then(() => true, () => false)) || undefined, 10_000, 'first ping');

  const ping = run('ip', ['netns', 'exec', ns[0]!, 'ping', '-i', '0.02', '-c', '300', '-W', '1', dst], 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = Date.now();
  process.kill(master.proc!.pid, 'SIGKILL');
  await until(async () => (await rig.status(other)).switches.some((s) => s.dpid === dpid && s.writable) || undefined, 10_000, 'the other instance is master', 20);
  t.comment(`new master after ${Date.now() - t0} ms`);
  const out = await ping;
  const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
  t.ok(m, 'ping summary');
  t.comment(`ping: ${m?.[0]}`);
  t.equal(Number(m![2]), Number(m![1]), 'not one ping lost through the failover');
  const rec = (await (await fetch(`http://127.0.0.1:${other.restPort}/api/v1/switches/${dpid}/reconciliation`)).json()) as { last: { trigger: string; flows: { deleted: number; kept: number } } };
  t.equal(rec.last.trigger, 'mastership', 'the new master reconciled the switch');
  t.equal(rec.last.flows.deleted, 0, 'and deleted nothing');
  t.ok(rec.last.flows.kept >= 2, `kept the installed flows (${rec.last.flows.kept})`);
});
