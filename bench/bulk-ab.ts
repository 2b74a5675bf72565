/**
 * One REST bulk run into a private Open vSwitch (bench/flows-ovs.ts) for A/B comparisons of
 * builds: run this file from each checkout in turn, alternating. Prints one JSON line: flows/s
 * end to end (client wall time), the endpoint's own rate, dump-flows' count, the load average.
 *   node --import tsx bench/bulk-ab.ts [flows=100000] [persistent=false]
 */
import { loadavg } from 'node:os';
import { flowsIntoOvs } from './flows-ovs.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

const n = Number(process.argv[2] ?? 100_000);
const persistent = (process.argv[3] ?? 'false') === 'true';
await ensureBuilt();
const load = loadavg()[0]!;
const weft = await startBenchWeft();
try {
  const r = await flowsIntoOvs(weft, n, { persistent });
  console.log(JSON.stringify({ flows: n, persistent, status: r.status, flowsPerSecond: Math.round(r.flowsPerSecond), endpoint: r.serverFlowsPerSecond, wallMs: Math.round(r.wallMs), dumpCount: r.dumpCount, load1Before: load, load1After: loadavg()[0], error: r.error }));
} finally {
  await weft.close();
}
