/**
 * Summarize a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * and (with --total) the most inclusive time. Usage: tsx bench/profile-top.ts FILE [N] [--total]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, nArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: tsx bench/profile-top.ts FILE.cpuprofile [N] [--total]');
  process.exit(1);
}
const n = Number(nArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
// Self time per node from the samples (timeDeltas[i] is the time before sample i).
const selfUs = new Map<number, number>();
for (let i = 0; i < prof.samples.length; i++) selfUs.set(prof.samples[i]!, (selfUs.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const key = (x: Node) => {
  const url = x.callFrame.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
  return `${x.callFrame.functionName || '(anonymous)'} ${url}:${x.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
for (const [id, us] of selfUs) {
  const k = key(byId.get(id)!);
  self.set(k, (self.get(k) ?? 0) + us);
}
const print = (title: string, m: Map<string, number>) => {
  console.log(`${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
print('self time', self);
if (process.argv.includes('--total')) {
  // Inclusive time: each node's self plus its descendants', counted once per function per stack.
  const parent = new Map<number, number>();
  for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  print('inclusive time', incl);
}
