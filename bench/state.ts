/**
 * Durable state and reconciliation against one bridge of a private Open vSwitch (dummy
 * datapath), weft with its default apps and a state store in a temp dir (persistence on):
 *   - REST write latency: sequential single-flow POSTs, persistent (barrier + fsync) and
 *     `"persistent": false` (barrier only);
 *   - the bulk endpoint's rate with persistence on and off (N flows each);
 *   - reconciliation with the N persistent flows on the switch: weft restarted (SIGTERM, same
 *     state dir), time from the switch's connect to the end of its run; a requested run (what
 *     an audit costs); and a run after `ovs-ofctl del-flows` (what an OVS restart costs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOvs } from '../test/support/ovs.js';
import { startBenchWeft } from './weft.js';
import type { BenchWeft } from './weft.js';

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}
export interface BulkRate {
  flows: number;
  wallMs: number;
  flowsPerSecond: number;
}
export interface ReconcileRun {
  /** Client side: set-controller (or the request) to the run's result seen over REST. */
  wallMs: number;
  /** The run's own duration (dump, diff, sends, final barrier). */
  durationMs: number;
  flows: Record<string, number>;
}
export interface StateResult {
  writePersistent: Latency;
  writeOneOff: Latency;
  bulkPersistent: BulkRate;
  bulkOneOff: BulkRate;
  reconnect: ReconcileRun;
  audit: ReconcileRun;
  refill: ReconcileRun;
}

const DPID = '00000000000057a7';
const TABLE = 9;

const flow = (i: number, base: number) => ({
  table: TABLE,
  priority: 1000,
  match: { eth_type: 0x0800, ipv4_dst: `10.${base}.${(i >> 8) & 255}.${i & 255}` },
  actions: [{ type: 'output', port: 1 + (i % 4) }],
});

function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1]! };
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function post(weft: BenchWeft, path: string, body: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${weft.restPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`POST ${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

interface Last { at: string; durationMs: number; flows: Record<string, number> }
async function lastRun(weft: BenchWeft): Promise<Last | undefined> {
  const r = await weft.get(`/api/v1/switches/${DPID}/reconciliation`);
  if (r.status !== 200) return undefined;
  return (JSON.parse(r.text) as { last: Last | null }).last ?? undefined;
}

async function writes(weft: BenchWeft, n: number, base: number, persistent: boolean): Promise<Latency> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await post(weft, `/api/v1/switches/${DPID}/flows`, persistent ? flow(i, base) : { ...flow(i, base), persistent: false });
    ms.push(performance.now() - t0);
  }
  return latency(ms);
}

async function bulk(weft: BenchWeft, n: number, base: number, persistent: boolean): Promise<BulkRate> {
  const flows = Array.from({ length: n }, (_, i) => flow(i, base));
  const t0 = performance.now();
  await post(weft, `/api/v1/switches/${DPID}/flows/bulk`, persistent ? { flows } : { flows, persistent: false });
  const wallMs = performance.now() - t0;
  return { flows: n, wallMs, flowsPerSecond: (n / wallMs) * 1000 };
}

export async function stateRun(flows: number, singleWrites: number): Promise<StateResult> {
  const stateDir = mkdtempSync(join(tmpdir(), 'weft-bench-state-'));
  const ovs = await startOvs();
  let weft: BenchWeft | undefined;
  try {
    weft = await startBenchWeft(undefined, { stateDir });
    const br = ovs.uniqueName('wbs');
    await ovs.addBridge(br, { datapathId: DPID, failMode: 'secure' });
    for (const p of [1, 2, 3, 4]) await ovs.addPort(br, `${br}p${p}`, { type: 'dummy', ofport: p });
    await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${weft.openflowPort}`);
    await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');
    await until('the first reconciliation', 30_000, () => lastRun(weft!));

    const writePersistent = await writes(weft, singleWrites, 200, true);
    const writeOneOff = await writes(weft, singleWrites, 201, false);
    const bulkOneOff = await bulk(weft, flows, 100, false);
    const bulkPersistent = await bulk(weft, flows, 50, true);

    // weft restarted on the same store: the switch holds every flow weft wants. (The controller
    // is retargeted, never removed: a bridge left without one flushes its flows.)
    await weft.close();
    weft = await startBenchWeft(undefined, { stateDir });
    const w = weft;
    const t0 = performance.now();
    await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${w.openflowPort}`);
    const reconnectLast = await until('the reconciliation after the restart', 120_000, () => lastRun(w));
    const reconnect = { wallMs: performance.now() - t0, durationMs: reconnectLast.durationMs, flows: reconnectLast.flows };

    const runNow = async (): Promise<ReconcileRun> => {
      const t1 = performance.now();
      const r = ((await post(w, `/api/v1/switches/${DPID}/reconciliation`, {})) as { last: Last }).last;
      return { wallMs: performance.now() - t1, durationMs: r.durationMs, flows: r.flows };
    };
    const audit = await runNow();
    await ovs.ofctl('-O', 'OpenFlow13', 'del-flows', br);
    const refill = await runNow();
    return { writePersistent, writeOneOff, bulkPersistent, bulkOneOff, reconnect, audit, refill };
  } finally {
    await weft?.close();
    await ovs.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
