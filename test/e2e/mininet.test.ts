/**
 * The Mininet scenario runner against a real weft process: a multi-switch topology connects and
 * every switch gets the table-miss flow (checked by the scenario and cross-checked in weft's
 * log); with nothing listening the scenario reports failure; and a scenario killed with SIGTERM
 * still tears its network down. Mininet talks to a private Open vSwitch through OVS_RUNDIR.
 */
import { spawn } from 'node:child_process';
import t from 'tap';
import { cleanupPrefix, PYTHON, requireMininet, RUNNER, runScenario, uniquePrefix } from '../support/mininet.js';
import type { ScenarioResult } from '../support/mininet.js';
import { startOvs } from '../support/ovs.js';
import { freePort, startWeftProcess } from '../support/weft-process.js';
import { requireRoot, waitFor } from '../support/e2e.js';

requireRoot();
requireMininet();

const check = (r: ScenarioResult | undefined, name: string) => r?.checks.find((c) => c.name === name);

t.test('Mininet scenarios against weft', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const weft = await startWeftProcess();
  t.teardown(() => weft.stop());

  await t.test('tree,2,2: every switch connects and gets the table-miss flow', async (t) => {
    const run = await runScenario({ scenario: 'controller_connect', ovs, controller: { port: weft.openflowPort }, topo: 'tree,2,2', timeoutMs: 45_000 });
    t.equal(run.code, 0, `scenario exit code 0\n${run.stderr.slice(-2000)}`);
    const r = run.result!;
    t.ok(r, `a JSON result line\n${run.stdout}`);
    t.equal(r.ok, true, JSON.stringify(r.checks));
    t.equal(r.prefix, run.prefix);
    t.same(r.checks.map((c) => [c.name, c.ok]), [
      ['switches connected', true],
      ['table-miss flow on every switch', true],
      ['every switch of the topology reported', true],
    ]);
    const sws = r.notes.switches ?? [];
    t.same(sws.map((s) => s.name).sort(), [1, 2, 3].map((i) => `${run.prefix}s${i}`), 'three switches with the run prefix');
    for (const s of sws) {
      t.ok(s.connected, `${s.name} connected`);
      // The default apps: table-miss, and topology's LLDP-to-controller flow. No pings ran, so no L2 flows.
      t.same(
        [...s.flows].sort(),
        ['table=0, priority=0 actions=CONTROLLER:65535', 'table=0, priority=65000,dl_dst=01:80:c2:00:00:0e,dl_type=0x88cc actions=CONTROLLER:65535'],
        `${s.name}: the table-miss and LLDP flows only`,
      );
      // weft saw the same datapath with the same ports (+ LOCAL) as Mininet attached.
      const up = weft.lines.find((l) => l.msg === 'switch up' && l.dpid === s.dpid);
      t.equal(up?.ports, s.ports.length + 1, `${s.name} (dpid ${s.dpid}) announced by weft with ${s.ports.length} ports + LOCAL`);
    }
    t.notOk(r.notes.leftovers, 'net.stop() removed everything');
    t.equal((await ovs.vsctl('list-br')).trim(), '', 'no bridge left in the private OVS');
    await t.resolves(weft.waitForLog((l) => l.msg === 'switch down' && l.dpid === sws[0]?.dpid, 5000, 'switch down'), 'weft saw the switches leave');
  });

  await t.test('nothing listening: the scenario fails with a JSON result and exit code 1', async (t) => {
    const run = await runScenario({ scenario: 'controller_connect', ovs, controller: { port: await freePort() }, topo: 'single,2', timeoutMs: 30_000, connectTimeoutMs: 2_000 });
    t.equal(run.code, 1);
    t.equal(run.result?.ok, false);
    t.equal(check(run.result, 'switches connected')?.ok, false);
    t.same(check(run.result, 'switches connected')?.detail, { notConnected: [`${run.prefix}s1`] });
    t.equal((await ovs.vsctl('list-br')).trim(), '', 'no bridge left');
  });

  await t.test('SIGTERM mid-scenario: net.stop() still runs and the result says why', async (t) => {
    const prefix = uniquePrefix();
    // hold=60 keeps the network up after the checks, as for manual inspection.
    const child = spawn(PYTHON, [RUNNER, 'controller_connect', '--controller', `127.0.0.1:${weft.openflowPort}`, '--topo', 'linear,2', '--prefix', prefix, '--datapath', 'dummy', '--timeout', '40', '--option', 'hold=60'], { env: ovs.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    try {
      const bridges = () => ovs.vsctl('list-br').then((o) => o.split('\n').filter((b) => b.startsWith(prefix)));
      await waitFor(async () => (await bridges()).length === 2, 20_000, 'the scenario\'s two bridges');
      await weft.waitForLog((l) => l.msg === 'switch up' && l.dpid === `${'0'.repeat(9)}${prefix.slice(1)}0002`, 15_000, 'second switch up');
      child.kill('SIGTERM');
      const code = await exited;
      t.equal(code, 1, 'exit code 1');
      const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ScenarioResult;
      t.same(check(r, 'terminated'), { name: 'terminated', ok: false, detail: 'signal 15' });
      t.same(await bridges(), [], 'bridges removed by net.stop()');
      t.notOk(r.notes.leftovers, 'nothing left for the belt-and-braces cleanup');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      await cleanupPrefix(ovs, prefix);
    }
  });

  t.equal(await weft.stop(), 0);
});
