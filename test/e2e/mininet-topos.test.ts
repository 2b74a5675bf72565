/**
 * The topology specs the Mininet scenarios accept (mininet/weftnet/topos.py), built without a
 * network by mininet/list_topos.py: node counts, link shapes, run-prefixed names, datapath ids,
 * and readable errors for bad specs.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { PYTHON, requireMininet } from '../support/mininet.js';
import { ROOT } from '../support/weft-process.js';

requireMininet();

interface Built {
  switches?: Record<string, string>;
  hosts?: string[];
  links?: [string, string][];
  error?: string;
}

const specs = ['single,4', 'linear,3', 'tree,2,3', 'ring,5', 'torus,3,4', 'ring,2', 'tree,2', 'mesh,3', 'linear,x'];
const out = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'mininet', 'list_topos.py'), '--prefix=ma5', ...specs], { encoding: 'utf8', timeout: 20_000 })) as Record<string, Built>;

/** Number of links touching each switch, from switch-to-switch links only. */
function degrees(b: Built): number[] {
  const d = new Map(Object.keys(b.switches!).map((s) => [s, 0]));
  for (const [a, z] of b.links!) {
    if (d.has(a) && d.has(z)) {
      d.set(a, d.get(a)! + 1);
      d.set(z, d.get(z)! + 1);
    }
  }
  return [...d.values()].sort((x, y) => x - y);
}

t.test('node and link counts per topology', async (t) => {
  const counts = Object.fromEntries(specs.slice(0, 5).map((s) => [s, [Object.keys(out[s]!.switches!).length, out[s]!.hosts!.length, out[s]!.links!.length]]));
  t.same(counts, {
    'single,4': [1, 4, 4],
    'linear,3': [3, 3, 5],
    'tree,2,3': [4, 9, 12],
    'ring,5': [5, 5, 10],
    'torus,3,4': [12, 12, 36],
  });
});

t.test('link shapes', async (t) => {
  t.same(degrees(out['linear,3']!), [1, 1, 2], 'a line');
  t.same(degrees(out['ring,5']!), [2, 2, 2, 2, 2], 'a cycle');
  t.same(degrees(out['torus,3,4']!), Array(12).fill(4), 'every torus switch has four neighbours');
  t.same(degrees(out['tree,2,3']!), [1, 1, 1, 3], 'a root with three leaves');
});

t.test('names carry the prefix; datapath ids are unique and derived from it', async (t) => {
  const b = out['torus,3,4']!;
  t.ok([...Object.keys(b.switches!), ...b.hosts!].every((n) => /^ma5[sh]\d+$/.test(n)));
  t.equal(b.switches!.ma5s1, '0000000000a50001');
  t.equal(b.switches!.ma5s12, '0000000000a5000c');
  t.equal(new Set(Object.values(b.switches!)).size, 12);
});

t.test('bad specs are refused with a reason', async (t) => {
  t.match(out['ring,2']!.error, /at least 3/);
  t.match(out['tree,2']!.error, /takes 2 size/);
  t.match(out['mesh,3']!.error, /unknown topology 'mesh'/);
  t.match(out['linear,x']!.error, /must be integers/);
});
