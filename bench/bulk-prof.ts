/**
 * Profile weft through persistent REST bulks into a private OVS: weft runs with --cpu-prof
 * (profile written to DIR when it exits). Prints one JSON line per bulk.
 *   node --import tsx bench/bulk-prof.ts DIR [flows=100000] [rounds=1] [persistent=true]
 */
import { loadavg } from 'node:os';
import { flowsIntoOvs } from './flows-ovs.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: bench/bulk-prof.ts DIR [flows] [rounds] [persistent]');
const n = Number(process.argv[3] ?? 100_000);
const rounds = Number(process.argv[4] ?? 1);
const persistent = (process.argv[5] ?? 'true') === 'true';
await ensureBuilt();
const weft = await startBenchWeft(undefined, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
try {
  for (let i = 0; i < rounds; i++) {
    const load = loadavg()[0];
    const r = await flowsIntoOvs(weft, n, { persistent });
    console.log(JSON.stringify({ flows: n, persistent, status: r.status, flowsPerSecond: Math.round(r.flowsPerSecond), endpoint: r.serverFlowsPerSecond, dumpCount: r.dumpCount, load1: load, error: r.error }));
  }
} finally {
  await weft.close();
}
