/**
 * A/B comparison of two builds' packet-in pipelines (bench/pipeline.ts, wired connection ->
 * app host, which every build supports). Each round runs both builds at the same time, in two
 * processes, so whatever else loads the machine slows both alike; the ratio of their CPU per
 * PACKET_IN is reported per round and as the median. (Alternating the two in one process was
 * tried: the rig created first came out 15-40% slower with identical code, so that is no A/B.)
 *
 * Build the other tree first, e.g.:
 *   git worktree add --detach /tmp/weft-old <commit> && cp -a node_modules /tmp/weft-old/ \
 *     && (cd /tmp/weft-old && npx tsc -p tsconfig.build.json)
 * Usage: tsx bench/pipeline-ab.ts --a /tmp/weft-old/dist/ [--b dist/] [--rounds 5] [--seconds 4]
 *        [--switches 16] [--macs 1000]
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../test/support/weft-process.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: join(REPO, 'dist') },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '4' },
    switches: { type: 'string', default: '16' },
    macs: { type: 'string', default: '1000' },
  },
});
if (!opt.a) {
  console.error('usage: tsx bench/pipeline-ab.ts --a OTHER_BUILD/dist/ [--b dist/] [--rounds 5] [--seconds 4]');
  process.exit(2);
}
if (!process.env.WEFT_BENCH_BUILT) await ensureBuilt();
const asUrl = (d: string) => pathToFileURL(resolve(d)).href + '/';

function run(dist: string): Promise<number> {
  const args = ['--import', 'tsx', join(REPO, 'bench', 'pipeline.ts'), '--wire', 'connection', '--seconds', opt.seconds!, '--switches', opt.switches!, '--macs', opt.macs!];
  const env = { ...process.env, WEFT_BENCH_BUILT: '1', WEFT_BENCH_DIST: asUrl(dist) };
  return new Promise((res, rej) =>
    execFile(process.execPath, args, { cwd: REPO, env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return rej(new Error(`${dist}: ${stderr || err.message}`));
      res((JSON.parse(stdout.trim().split('\n').at(-1)!) as { nsPerPacketInCpu: number }).nsPerPacketInCpu);
    }),
  );
}

const ratios: number[] = [];
for (let i = 0; i < Number(opt.rounds); i++) {
  const [a, b] = await Promise.all([run(opt.a), run(opt.b!)]);
  ratios.push(b / a);
  console.log(JSON.stringify({ round: i + 1, aNsPerPacketIn: a, bNsPerPacketIn: b, ratio: +(b / a).toFixed(3) }));
}
const sorted = [...ratios].sort((x, y) => x - y);
console.log(`b/a CPU per PACKET_IN, median of ${ratios.length}: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} (range ${sorted[0]!.toFixed(3)}-${sorted.at(-1)!.toFixed(3)})`);
process.exit(0);
