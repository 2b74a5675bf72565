/**
 * kill -9 during a burst of store writes, 20 rounds on one directory: the store always opens,
 * and every write the child saw acknowledged is there (batches whole).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SNAPSHOT_FILE } from '../../src/store/file-format.js';
import { FileStore } from '../../src/store/file-store.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-crash-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Run the writer until `acks` writes were acknowledged plus a random extra delay, then SIGKILL it. */
function burst(start: number, acks: number, extraMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/store/crash-writer.ts', dir, String(start)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let tail = '';
    let err = '';
    let killing = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      tail += chunk;
      const lines = tail.split('\n');
      tail = lines.pop()!;
      for (const l of lines) if (l !== 'ready') acked.push(Number(l));
      if (!killing && acked.length >= acks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`));
      else resolve(acked);
    });
  });
}

t.test('20 rounds of kill -9 during writes: the store loads and holds every acknowledged write', async (t) => {
  let start = 0;
  let total = 0;
  let rewrites = 0;
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let round = 0; round < 20; round++) {
    const acked = await burst(start, 50 + rand(400), rand(40));
    const store = await FileStore.open(dir);
    const missing: number[] = [];
    const nOf = async (key: string) => ((await store.get(key))?.value as { n?: number } | undefined)?.n ?? -1;
    // Writes to one key are applied in the order they were made (n), so an acknowledged write
    // is there or was overwritten by a later one.
    for (const n of acked) {
      if (n % 5 === 0) {
        for (const i of [0, 1, 2]) if ((await nOf(`t/${(n / 5) % 16}/${i}`)) < n) missing.push(n);
      } else if (n % 5 <= 2) {
        if ((await nOf(`hot/${n % 32}`)) < n) missing.push(n);
      } else if ((await nOf(`k/${n}`)) !== n) missing.push(n);
    }
    // Unacknowledged batches may or may not have landed, but never in part: a slot's three
    // keys always hold one batch.
    const all = await store.list('t/');
    const bySlot = new Map<string, Set<number>>();
    for (const kv of all.items) {
      const slot = kv.key.split('/')[1]!;
      const set = bySlot.get(slot) ?? new Set<number>();
      set.add((kv.value as { n: number }).n);
      bySlot.set(slot, set);
    }
    const partial = [...bySlot].filter(([slot, ns]) => ns.size !== 1 || all.items.filter((kv) => kv.key.startsWith(`t/${slot}/`)).length !== 3).map(([slot]) => slot);
    t.same({ round, missing, partial }, { round, missing: [], partial: [] }, `round ${round}: ${acked.length} acknowledged writes all there`);
    total += acked.length;
    rewrites = Math.max(rewrites, (JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as { revision: number }).revision);
    await store.close();
    start += 100_000;
  }
  t.ok(total > 1000, `${total} acknowledged writes in all`);
  t.ok(rewrites > 0, `the snapshot was rewritten during the bursts (last at revision ${rewrites})`);
});
