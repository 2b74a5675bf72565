/**
 * Flow programming end to end: N flows through POST /api/v1/switches/:dpid/flows/bulk into one
 * bridge of a private Open vSwitch (test/support/ovs.ts: its own ovsdb-server and vswitchd,
 * dummy datapath). The REST call returns once the switch answered the barrier after the last
 * flow; `ovs-ofctl -O OpenFlow13 dump-flows` then counts what the bridge holds.
 */
import { startOvs } from '../test/support/ovs.js';
import type { BenchWeft } from './weft.js';

export interface FlowsResult {
  flows: number;
  status: number;
  /** Client-side wall time of the POST (body upload, conversion, streaming, last barrier). */
  wallMs: number;
  flowsPerSecond: number;
  /** What the endpoint itself reported (its own timing, from parsed body to last barrier). */
  serverFlowsPerSecond: number | undefined;
  /** Flows of our table counted by dump-flows. */
  dumpCount: number;
  bodyBytes: number;
  /** The endpoint's `atomic` (true: one bundle). */
  atomic?: boolean;
  error?: string;
}

let calls = 0;

/** The bench flows live in their own table, away from the apps' flows in table 0. */
const TABLE = 7;
const COOKIE = '0xbe7c4';

export function benchFlows(n: number): unknown[] {
  const flows = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    flows[i] = {
      table: TABLE,
      priority: 1000,
      cookie: COOKIE,
      match: { eth_type: 0x0800, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      actions: [{ type: 'output', port: 1 + (i % 4) }],
    };
  }
  return flows;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `persistent: false` leaves the state store out (the OpenFlow path alone); default: the endpoint's default (persistent). */
/** With `tls`, the bridge connects to weft's TLS listener on `tls.port` with the switch certificate. */
export interface FlowsTls {
  port: number;
  switchKey: string;
  switchCert: string;
  controllerCa: string;
}

export async function flowsIntoOvs(weft: BenchWeft, n: number, opts: { persistent?: boolean; tls?: FlowsTls } = {}): Promise<FlowsResult> {
  const ovs = await startOvs();
  try {
    const br = ovs.uniqueName('wbf');
    // A new datapath id per call: a bridge with an earlier call's id would be reconciled at
    // connect against the flows that call stored (100k FLOW_MODs sent beside this bulk).
    const dpid = (0xbe7c400 + ++calls).toString(16).padStart(16, '0');
    if (opts.tls) await ovs.vsctl('set-ssl', opts.tls.switchKey, opts.tls.switchCert, opts.tls.controllerCa);
    const controller = opts.tls ? `ssl:127.0.0.1:${opts.tls.port}` : `tcp:127.0.0.1:${weft.openflowPort}`;
    await ovs.addBridge(br, { datapathId: dpid, failMode: 'secure', controller });
    await waitFor('the bridge to connect', 30_000, async () => ((await weft.get(`/api/v1/switches/${dpid}`)).status === 200 ? true : undefined));
    // The body as bytes before the clock starts, as a client sending a file would have it (fetch
    // would otherwise encode the 13.7 MB string inside the measured time, before the first byte).
    const body = Buffer.from(JSON.stringify(opts.persistent === undefined ? { flows: benchFlows(n) } : { flows: benchFlows(n), persistent: opts.persistent }));
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${weft.restPort}/api/v1/switches/${dpid}/flows/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await r.text();
    const wallMs = performance.now() - t0;
    let serverFlowsPerSecond: number | undefined;
    let atomic: boolean | undefined;
    let error: string | undefined;
    try {
      const j = JSON.parse(text) as { flowsPerSecond?: number; atomic?: boolean };
      serverFlowsPerSecond = j.flowsPerSecond;
      atomic = j.atomic;
    } catch {
      // not JSON: reported below
    }
    if (r.status !== 200) error = `HTTP ${r.status}: ${text.slice(0, 300)}`;
    // Above 200k flows the dump outgrows the output buffer: count them with dump-aggregate (table 7 holds only bench flows).
    const dumpCount =
      n > 200_000
        ? Number(/flow_count=(\d+)/.exec(await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br, `table=${TABLE}`))?.[1] ?? -1)
        : (await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', br, `table=${TABLE}`)).split('\n').filter((l) => l.includes('priority=1000')).length;
    return { flows: n, status: r.status, wallMs, flowsPerSecond: (n / wallMs) * 1000, serverFlowsPerSecond, atomic, dumpCount, bodyBytes: body.length, error };
  } finally {
    await ovs.stop();
  }
}
