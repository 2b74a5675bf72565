/**
 * Every way we ship to start weft passes the same V8 flags (src/node-flags.ts): the `weft` bin's
 * shebang, `npm start`, and the benchmark's launcher. (The Dockerfile and docker-compose.yml are
 * checked in compose.test.ts.) The flags must also be ones this Node accepts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { NODE_FLAGS } from '../../src/node-flags.js';
import { ROOT } from '../support/weft-process.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

t.test('the flags are a non-empty list this Node accepts', async (t) => {
  t.ok(NODE_FLAGS.length > 0);
  const out = execFileSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
  t.equal(out, 'ok');
  const semi = NODE_FLAGS.find((f) => f.startsWith('--max-semi-space-size='));
  t.ok(semi, 'the young generation is sized');
  t.throws(() => execFileSync(process.execPath, ['--max-semi-space-sise=64', '-e', '0'], { stdio: 'pipe' }), 'a misspelt flag would be refused: this check can fail');
});

t.test("the weft bin's shebang passes them", async (t) => {
  const first = readFileSync(join(ROOT, 'src', 'cli.ts'), 'utf8').split('\n')[0];
  t.equal(first, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  t.equal(pkg.bin.weft, 'dist/src/cli.js', 'the bin is the compiled src/cli.ts (tsc keeps the shebang)');
});

t.test('npm start passes them', async (t) => {
  t.match(pkg.scripts.start, `node ${NODE_FLAGS.join(' ')} ${pkg.bin.weft}`);
});

t.test('the benchmark runs weft with them', async (t) => {
  const src = readFileSync(join(ROOT, 'bench', 'weft.ts'), 'utf8');
  // NODE_FLAGS first; a caller's extra node arguments (--cpu-prof ...) may follow before the script.
  t.match(src, /\[\.\.\.NODE_FLAGS, (\.\.\.\(opts\.nodeArgs \?\? \[\]\), )?join\(ROOT, 'dist', 'src', 'cli\.js'\)/);
});
