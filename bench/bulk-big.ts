/**
 * One very large REST bulk (default 1,000,000 flows) into a private Open vSwitch, with the
 * limits raised to take it (rest.maxBulkFlows, rest.bulkBodyLimit): checks that a bulk this size
 * goes through (on OVS: one bundle, committed) and prints the same JSON line as bulk-ab.ts plus
 * weft's peak RSS. node --import tsx bench/bulk-big.ts [flows=1000000] [persistent=false]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { flowsIntoOvs } from './flows-ovs.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

const n = Number(process.argv[2] ?? 1_000_000);
const persistent = (process.argv[3] ?? 'false') === 'true';
await ensureBuilt();
const weft = await startBenchWeft({ rest: { maxBulkFlows: n, bulkBodyLimit: n * 200 } });
const pid = weft.pid;
let peak = 0;
const rss = () => (pid ? Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024 : 0);
try {
  const load = loadavg()[0]!;
  const r = await flowsIntoOvs(weft, n, { persistent });
  peak = rss();
  console.log(JSON.stringify({ flows: n, persistent, status: r.status, flowsPerSecond: Math.round(r.flowsPerSecond), endpoint: r.serverFlowsPerSecond, atomic: r.atomic, wallMs: Math.round(r.wallMs), dumpCount: r.dumpCount, weftPeakRssMb: peak ? Math.round(peak) : undefined, load1Before: load, load1After: loadavg()[0], error: r.error }));
} finally {
  await weft.close();
}
