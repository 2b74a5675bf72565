/**
 * An Open vSwitch restart wipes every flow; weft puts back everything it wants there. Mininet
 * ring,4 on a private Open vSwitch, weft as a process with table-miss, topology, l2-learning and
 * routing, a router interface and a flow on every switch written over REST (both persistent).
 * mininet/scenarios/rest_topology.py waits for discovery and a clean pingall; then ovs-vswitchd
 * is stopped and started again on the same database. Once the switches are back and reconciled
 * (and the links rediscovered), every flow without a timeout that the switches held before is
 * there again (weft's base flows, routing's, the REST flows), and the first pingall once the
 * new ports have settled loses nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, waitFor } from '../support/e2e.js';
import { parseFlowDump } from '../support/flow-dump.js';
import { requireMininet } from '../support/mininet.js';
import { startScenarioSession } from '../support/mininet-session.js';
import type { SessionMessage } from '../support/mininet-session.js';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';
import type { WeftProcess } from '../support/weft-process.js';

requireRoot();
requireMininet();

interface Ready extends SessionMessage {
  switches: { name: string; dpid: string }[];
}
interface Reconciliation {
  last: { at: string; trigger: string; error: string | null; flows: Record<string, number> } | null;
}
interface PingallReply extends SessionMessage {
  pingall: { sent: number; lost: number; failed: string[][] };
}

t.test('ovs-vswitchd restarted: weft installs everything again, the first pingall loses nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-ovs-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'weft.json');
  writeFileSync(config, JSON.stringify({
    apps: ['table-miss', 'topology', 'l2-learning', 'routing'],
    appOptions: { topology: { lldpIntervalMs: 1000 } },
  }));
  const ovs = await startOvs();
  let weft: WeftProcess | undefined;
  let session: ReturnType<typeof startScenarioSession> | undefined;
  try {
    weft = await startWeftProcess({ args: ['--config', config], readyTimeoutMs: 30_000 });
    const base = `http://127.0.0.1:${weft.restPort}`;
    const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    };
    // Mininet's hosts are 10.0.0.1-4/8; the router's interface sits in their subnet.
    await rest('POST', '/api/v1/apps/routing/interfaces', { address: '10.0.0.254/8' });

    session = startScenarioSession({ scenario: 'rest_topology', ovs, controller: { port: weft.openflowPort }, topo: 'ring,4', timeoutMs: 100_000, options: { rest: base, settle: '2.5', idle: '60' } });
    const ready = (await session.next('ready', 50_000)) as Ready;
    const switches = ready.switches;
    t.equal(switches.length, 4, 'four switches');
    // A REST flow on every switch (persistent by default): a drop of an EtherType nobody sends.
    for (const s of switches) {
      await rest('POST', `/api/v1/switches/${s.dpid}/flows`, { priority: 7, match: { eth_type: '0x88b5' }, actions: [] });
    }
    const permanent = async (name: string) => {
      const flows = parseFlowDump(await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', name));
      return [...flows.values()].filter((f) => f.idleTimeoutS === 0 && !/hard_timeout=/.test(f.key)).map((f) => f.key).sort();
    };
    const before = new Map<string, string[]>();
    for (const s of switches) before.set(s.name, await permanent(s.name));
    for (const s of switches) t.ok(before.get(s.name)!.some((k) => k.includes('dl_type=0x88b5')), `${s.name}: the REST flow is installed`);

    const restartAt = new Date().toISOString();
    await ovs.restartVswitchd();
    // weft is back on the switches within milliseconds: that they came back empty is shown by
    // the reconciliation (nothing on the switch), not by a dump racing it.
    const t0 = Date.now();
    await waitFor(async () => {
      for (const s of switches) {
        const r = await rest<Reconciliation>('GET', `/api/v1/switches/${s.dpid}/reconciliation`);
        if (!r.last || r.last.at <= restartAt || r.last.trigger !== 'switchUp') return false;
      }
      return true;
    }, 30_000, 'every switch reconnected and reconciled');
    const reconciledMs = Date.now() - t0;
    for (const s of switches) {
      const r = await rest<Reconciliation>('GET', `/api/v1/switches/${s.dpid}/reconciliation`);
      t.match(r.last, { error: null, flows: { onSwitch: 0, deleted: 0, failed: 0 } }, `${s.name}: reconciled from an empty table (${JSON.stringify(r.last?.flows)})`);
      t.same(await permanent(s.name), before.get(s.name), `${s.name}: every flow without a timeout is back (${before.get(s.name)!.length})`);
    }
    await waitFor(async () => (await rest<unknown[]>('GET', '/api/v1/topology/links')).length === 8, 15_000, 'links rediscovered');
    t.comment(`switches reconnected and reconciled ${reconciledMs} ms after vswitchd came back; links rediscovered after ${Date.now() - t0} ms`);
    // A reconnected switch's ports are new to the topology: a linkless port is flooded to only
    // once a host spoke on it or it has settled (settleMs, 1.5 x lldpIntervalMs = 1.5 s here;
    // docs/TOPOLOGY.md), so a broadcast towards a quiet host waits for that.
    const settledAt = t0 + reconciledMs + 1_500;
    if (Date.now() < settledAt) await new Promise((r) => setTimeout(r, settledAt - Date.now()));
    const reply = (await session.command('pingall', 30_000)) as PingallReply;
    t.equal(reply.pingall.lost, 0, `first pingall after the restart: 0 of ${reply.pingall.sent} lost${reply.pingall.lost ? ` (${JSON.stringify(reply.pingall.failed)})` : ''}`);

    const run = await session.close();
    session = undefined;
    for (const c of run.result?.checks ?? []) t.ok(c.ok, `scenario: ${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
    t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  } finally {
    if (session) {
      const run = await session.close();
      t.comment(`scenario stderr: ${run.stderr.slice(-3000)}`);
    }
    if (weft) await weft.stop();
    await ovs.stop();
  }
});
