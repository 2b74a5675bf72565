/**
 * A weft restart loses no packet and churns no flow. Mininet ring,4,2 on a private Open vSwitch,
 * weft as a process with table-miss, topology, l2-learning, routing and nat, the router
 * interfaces, a static route and a masquerade rule configured over REST. While a 50/s ping runs
 * between two inside hosts two switches apart and a TCP transfer runs through masquerade
 * (mininet/scenarios/restart.py), weft is killed with SIGKILL, started again 5 s later on the
 * same state dir, then stopped with SIGTERM and started again the same way. After each restart:
 * REST shows the same interfaces, routes and rules, every switch was reconciled without a
 * delete, and a dump-flows of every switch shows no flow deleted or added again (durations keep
 * growing). At the end: 0 pings lost, the transfer complete.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, sleep, waitFor } from '../support/e2e.js';
import { flowChurn, parseFlowDump } from '../support/flow-dump.js';
import type { DumpedFlow } from '../support/flow-dump.js';
import { requireMininet } from '../support/mininet.js';
import { startScenarioSession } from '../support/mininet-session.js';
import type { SessionMessage } from '../support/mininet-session.js';
import { startOvs } from '../support/ovs.js';
import { freePort, startWeftProcess } from '../support/weft-process.js';
import type { WeftProcess } from '../support/weft-process.js';

requireRoot();
requireMininet();

const DOWN_MS = 5000;
/** After the restart's reconciliation: time for rediscovery (LLDP every second) and anything it triggers. */
const AFTER_MS = 4000;

interface Running extends SessionMessage {
  switches: { name: string; dpid: string }[];
}
interface Stop extends SessionMessage {
  ping: { sent: number; received: number };
  /** gaps: [unix time, seconds] of every pause above 0.3 s in what the server received. */
  transfer: { sent?: number; received?: number; maxGapMs?: number; gaps?: [number, number][]; error?: string };
  serverPeer: string;
}
interface Reconciliation {
  last: { trigger: string; error: string | null; flows: Record<string, number> } | null;
}

t.test('kill -9 and SIGTERM restarts: no packet lost, no flow churned, configuration kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'weft.json');
  writeFileSync(config, JSON.stringify({
    apps: ['table-miss', 'topology', 'l2-learning', 'routing', 'nat'],
    appOptions: { topology: { lldpIntervalMs: 1000 } },
  }));
  const stateDir = join(dir, 'state');
  const openflowPort = await freePort();
  const restPort = await freePort();
  const base = `http://127.0.0.1:${restPort}`;
  const start = () => startWeftProcess({ args: ['--config', config, '--state-dir', stateDir], openflowPort, restPort, readyTimeoutMs: 30_000 });
  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  const ovs = await startOvs();
  let weft: WeftProcess | undefined;
  let session: ReturnType<typeof startScenarioSession> | undefined;
  const errors: unknown[] = [];
  const keepErrors = (w: WeftProcess) => errors.push(...w.lines.filter((l) => l.level >= 50));
  try {
    weft = await start();
    await rest('POST', '/api/v1/apps/routing/interfaces', { address: '192.168.1.1/24' });
    await rest('POST', '/api/v1/apps/routing/interfaces', { address: '203.0.113.100/24' });
    await rest('POST', '/api/v1/apps/routing/routes', { prefix: '10.99.0.0/24', nextHop: '203.0.113.10' });
    await rest('POST', '/api/v1/apps/nat/rules', { type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' });
    const configuration = async () => ({
      interfaces: await rest<unknown[]>('GET', '/api/v1/apps/routing/interfaces'),
      routes: (await rest<{ prefix: string; type: string; nextHop?: string }[]>('GET', '/api/v1/apps/routing/routes')).map((r) => ({ prefix: r.prefix, type: r.type, nextHop: r.nextHop })),
      rules: await rest<unknown[]>('GET', '/api/v1/apps/nat/rules'),
    });
    const configured = await configuration();
    t.equal(configured.interfaces.length, 2, 'two interfaces configured');
    t.equal(configured.rules.length, 1, 'one NAT rule configured');

    session = startScenarioSession({ scenario: 'restart', ovs, controller: { port: openflowPort }, topo: 'ring,4,2', timeoutMs: 120_000, options: { rest: base, settle: '2.5', idle: '90' } });
    const running = (await session.next('running', 45_000)) as Running;
    const switches = running.switches;
    t.equal(switches.length, 4, 'four switches');

    const reconciled = (trigger: string) => waitFor(async () => {
      for (const s of switches) {
        const r = await rest<Reconciliation>('GET', `/api/v1/switches/${s.dpid}/reconciliation`);
        if (r.last?.trigger !== trigger) return false;
      }
      return true;
    }, 20_000, `every switch reconciled (${trigger})`);
    const dumpAll = async () => {
      const dumps = new Map<string, Map<string, DumpedFlow>>();
      for (const s of switches) dumps.set(s.name, parseFlowDump(await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', s.name)));
      return dumps;
    };
    await reconciled('switchUp');

    for (const how of ['SIGKILL', 'SIGTERM'] as const) {
      const before = await dumpAll();
      const t0 = Date.now();
      if (how === 'SIGKILL') process.kill(weft.pid, 'SIGKILL');
      else t.equal(await weft.stop(), 0, 'SIGTERM: weft exits 0');
      const gone = await weft.exited;
      t.equal(gone.signal ?? gone.code, how === 'SIGKILL' ? 'SIGKILL' : 0, `${how}: weft is gone`);
      keepErrors(weft);
      await sleep(DOWN_MS);
      weft = await start();
      t.comment(`${how}: weft back ${((Date.now() - t0) / 1000).toFixed(1)} s after the signal`);
      t.same(await configuration(), configured, `${how}: REST shows the same interfaces, routes and rules at once`);
      await reconciled('switchUp');
      for (const s of switches) {
        const r = await rest<Reconciliation>('GET', `/api/v1/switches/${s.dpid}/reconciliation`);
        t.match(r.last, { error: null, flows: { deleted: 0, failed: 0 } }, `${how}: ${s.name} reconciled without a delete (${JSON.stringify(r.last?.flows)})`);
      }
      await sleep(AFTER_MS);
      const after = await dumpAll();
      const elapsedS = (Date.now() - t0) / 1000;
      for (const s of switches) {
        const churn = flowChurn(before.get(s.name)!, after.get(s.name)!, elapsedS);
        t.same({ readded: churn.readded, deleted: churn.deleted }, { readded: [], deleted: [] }, `${how}: ${s.name}: no flow deleted or added again (${churn.kept} kept, ${churn.expired} idled out, ${churn.added.length} new)`);
      }
    }

    const stop = (await session.command('stop', 40_000)) as Stop;
    t.comment(`ping ${JSON.stringify(stop.ping)}, transfer ${JSON.stringify(stop.transfer)}, server saw ${stop.serverPeer}`);
    t.ok(stop.ping.sent > 0 && stop.ping.received === stop.ping.sent, `0 of ${stop.ping.sent} pings lost (${stop.ping.sent - stop.ping.received})`);
    t.ok(!stop.transfer.error && stop.transfer.sent! > 0 && stop.transfer.received === stop.transfer.sent, `TCP transfer through masquerade complete: ${stop.transfer.received} of ${stop.transfer.sent} bytes`);
    t.equal(stop.serverPeer, '203.0.113.100', 'the server saw the masquerade address');
    const run = await session.close();
    session = undefined;
    for (const c of run.result?.checks ?? []) t.ok(c.ok, `scenario: ${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
    t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code 0\n${run.stderr.slice(-3000)}`);
    keepErrors(weft);
    t.same(errors, [], 'weft logged no errors');
  } finally {
    if (session) {
      const run = await session.close();
      t.comment(`scenario stderr: ${run.stderr.slice(-3000)}`);
    }
    if (weft) await weft.stop();
    await ovs.stop();
  }
});
