/**
 * One REST bulk run into a private Open vSwitch (bench/flows-ovs.ts) for A/B comparisons of
 * builds: run this file from each checkout in turn, alternating. Prints one JSON line: flows/s
 * end to end (client wall time), the endpoint's own rate, dump-flows' count, the load average.
 * With runs > 1 the same weft process takes that many bulks in a row (a fresh OVS each), one
 * line each: the first shows a cold process (its code not yet optimized by V8), the later ones a warm one.
 * With `tls` the bridge connects over TLS (ovs-pki certificates, weft's --listen ssl:...).
 *   node --import tsx bench/bulk-ab.ts [flows=100000] [persistent=false] [runs=1] [tcp|tls]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowsIntoOvs } from './flows-ovs.js';
import type { FlowsTls } from './flows-ovs.js';
import { pki } from './ovs-raw-rate.js';
import { freePort } from '../test/support/weft-process.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

const n = Number(process.argv[2] ?? 100_000);
const persistent = (process.argv[3] ?? 'false') === 'true';
const runs = Number(process.argv[4] ?? 1);
const transport = process.argv[5] ?? 'tcp';
await ensureBuilt();
const certDir = mkdtempSync(join(tmpdir(), 'weft-bulk-ab-'));
let tls: FlowsTls | undefined;
let weftArgs: string[] = [];
if (transport === 'tls') {
  const c = pki(certDir);
  tls = { port: await freePort(), switchKey: c.switchKey, switchCert: c.switchCert, controllerCa: c.controllerCa };
  weftArgs = ['--listen', `ssl:127.0.0.1:${tls.port}`, '--tls-cert', c.cert, '--tls-key', c.key, '--tls-ca', c.ca];
}
const weft = await startBenchWeft(undefined, { args: weftArgs });
try {
  for (let run = 1; run <= runs; run++) {
    const load = loadavg()[0]!;
    const r = await flowsIntoOvs(weft, n, { persistent, tls });
    console.log(JSON.stringify({ run, flows: n, persistent, transport, status: r.status, flowsPerSecond: Math.round(r.flowsPerSecond), endpoint: r.serverFlowsPerSecond, atomic: r.atomic, wallMs: Math.round(r.wallMs), dumpCount: r.dumpCount, load1Before: load, load1After: loadavg()[0], error: r.error }));
  }
} finally {
  await weft.close();
  rmSync(certDir, { recursive: true, force: true });
}
