/**
 * Keeps the benchmark harness from rotting: builds ofbench, starts weft as `npm run bench`
 * does, runs a very short ofbench (2 switches, 2 periods of 500 ms) and checks that weft
 * answered and sent no errors. Speed is not asserted here: that is `npm run bench`'s job.
 */
import t from 'tap';
import { buildOfbench, ofbenchDir, runOfbench } from '../../bench/ofbench.js';
import { ensureBuilt, startBenchWeft } from '../../bench/weft.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = ofbenchDir();
t.test('ofbench against weft answers PACKET_INs without errors', async (t) => {
  // No skip: without ofbench's sources the harness cannot be checked, and that must show.
  t.ok(existsSync(join(dir, 'ofbench.c')), `ofbench sources in ${dir} (set WEFT_OFBENCH_DIR to shared/bench)`);
  const bin = buildOfbench(dir);
  await ensureBuilt();
  const weft = await startBenchWeft();
  t.teardown(() => weft.close());
  for (const unbuffered of [false, true]) {
    // -q 100 below -M 200: with -N, ofbench can then match every response to its PACKET_IN.
    const run = await runOfbench(bin, { port: weft.openflowPort, switches: 2, throughput: true, unbuffered, periods: 2, periodMs: 500, macs: 200, extra: ['-q', '100'] }, 60_000);
    const r = run.result;
    if (run.exitCode !== 0) t.comment(run.output.slice(-1500));
    t.equal(run.exitCode, 0, `ofbench exit code (unbuffered ${unbuffered})`);
    t.ok(r, 'ofbench printed its JSON summary');
    if (!r) continue;
    t.equal(r.switches, 2);
    t.equal(r.buffered, !unbuffered);
    t.ok(r.flow_mods + r.packet_outs > 0, `responses: ${r.flow_mods} flow mods, ${r.packet_outs} packet outs`);
    t.ok(r.flow_mods > 0, 'l2-learning installed flows for learned hosts');
    t.equal(r.errors, 0, 'no OFPT_ERROR from weft');
  }
  t.same(weft.warnings(), [], 'weft logged no warnings');
});
