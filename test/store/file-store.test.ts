/** The file store: revisions, compare-and-swap, batch atomicity, watch, reopen, recovery and refusals. */
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FileStore } from '../../src/store/file-store.js';
import { LOG_FILE, SNAPSHOT_FILE } from '../../src/store/file-format.js';
import { StoreError, StoreOpenError } from '../../src/store/store.js';
import type { WatchEvent } from '../../src/store/store.js';

const tempDir = (t: { teardown(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

t.test('revisions: one counter, create/mod revision and version per key', async (t) => {
  const s = await FileStore.open(tempDir(t));
  t.teardown(() => s.close());
  t.equal(await s.put('a', { x: 1 }), 1);
  t.equal(await s.put('b', 'two'), 2);
  t.equal(await s.put('a', { x: 3 }), 3);
  t.same(await s.get('a'), { key: 'a', value: { x: 3 }, createRevision: 1, modRevision: 3, version: 2 });
  t.equal(await s.delete('a'), 4);
  t.equal(await s.get('a'), undefined);
  t.equal(await s.delete('a'), 4, 'a delete of nothing takes no revision');
  t.equal(await s.put('a', 5), 5);
  t.same(await s.get('a'), { key: 'a', value: 5, createRevision: 5, modRevision: 5, version: 1 }, 'recreated: a new create revision');
  const l = await s.list('');
  t.equal(l.revision, 5);
  t.same(l.items.map((i) => i.key), ['a', 'b']);
});

t.test('txn: compares on mod revisions, all or nothing, prefix delete', async (t) => {
  const s = await FileStore.open(tempDir(t));
  t.teardown(() => s.close());
  const r1 = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: 1 }, { type: 'put', key: 'p/1', value: 1 }]);
  t.same(r1, { succeeded: true, revision: 1 });
  const again = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: 2 }]);
  t.same(again, { succeeded: false, revision: 1 }, 'create-if-absent fails once the key exists');
  const stale = await s.txn([{ key: 'k', modRevision: 1 }, { key: 'p/1', modRevision: 7 }], [{ type: 'put', key: 'k', value: 3 }, { type: 'put', key: 'p/2', value: 2 }]);
  t.equal(stale.succeeded, false);
  t.equal((await s.get('k'))!.value, 1, 'nothing of a failed txn is written');
  t.equal(await s.get('p/2'), undefined);
  const ok = await s.txn([{ key: 'k', modRevision: 1 }], [{ type: 'put', key: 'p/2', value: 2 }, { type: 'put', key: 'p/3', value: 3 }, { type: 'put', key: 'q', value: 0 }]);
  t.same(ok, { succeeded: true, revision: 2 }, 'one revision for the whole batch');
  t.same((await s.list('p/')).items.map((i) => [i.key, i.modRevision]), [['p/1', 1], ['p/2', 2], ['p/3', 2]]);
  const del = await s.txn([], [{ type: 'deletePrefix', prefix: 'p/' }]);
  t.equal(del.revision, 3);
  t.same((await s.list('')).items.map((i) => i.key), ['k', 'q']);
  await t.rejects(s.put('bad', 10n), StoreError, 'a value that is not JSON is refused');
});

t.test('concurrent CAS writers: exactly one wins each round', async (t) => {
  const s = await FileStore.open(tempDir(t));
  t.teardown(() => s.close());
  await s.put('counter', 0);
  let wins = 0;
  for (let round = 0; round < 5; round++) {
    const cur = (await s.get('counter'))!;
    const res = await Promise.all([1, 2, 3].map(() => s.txn([{ key: 'counter', modRevision: cur.modRevision }], [{ type: 'put', key: 'counter', value: (cur.value as number) + 1 }])));
    t.equal(res.filter((r) => r.succeeded).length, 1);
    wins++;
  }
  t.equal((await s.get('counter'))!.value, wins);
});

t.test('watch: events by prefix after they are durable, replay from a revision, stop', async (t) => {
  const dir = tempDir(t);
  const s = await FileStore.open(dir);
  t.teardown(() => s.close());
  const seen: [number, WatchEvent[]][] = [];
  const stop = s.watch('apps/', (ev, rev) => {
    // Durable before anyone hears of it: the log already holds the change.
    t.match(readFileSync(join(dir, LOG_FILE), 'utf8'), `"r":${rev}`);
    seen.push([rev, [...ev]]);
  });
  await s.put('apps/a', 1);
  await s.put('other', 1);
  await s.txn([], [{ type: 'put', key: 'apps/a', value: 2 }, { type: 'put', key: 'apps/b', value: 3 }]);
  await s.delete('apps/a');
  t.same(seen, [
    [1, [{ type: 'put', key: 'apps/a', value: 1, modRevision: 1 }]],
    [3, [{ type: 'put', key: 'apps/a', value: 2, prevValue: 1, modRevision: 3 }, { type: 'put', key: 'apps/b', value: 3, modRevision: 3 }]],
    [4, [{ type: 'delete', key: 'apps/a', prevValue: 2, modRevision: 4 }]],
  ]);
  stop();
  await s.put('apps/c', 1);
  t.equal(seen.length, 4 - 1, 'a stopped watch hears nothing');
  const replay: number[] = [];
  s.watch('apps/', (_e, rev) => replay.push(rev), { fromRevision: 3 });
  t.same(replay, [3, 4, 5], 'replayed from revision 3');
});

t.test('reopen: the same keys, values and revisions; snapshot rewrite keeps them', async (t) => {
  const dir = tempDir(t);
  let s = await FileStore.open(dir, { compactBytes: 2048 });
  for (let i = 0; i < 200; i++) await s.put(`k/${i % 50}`, { i, text: 'x'.repeat(20) });
  await s.txn([], [{ type: 'deletePrefix', prefix: 'k/4' }]);
  const before = await s.list('');
  await s.close();
  t.ok(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8').includes('"revision":'), 'the snapshot was rewritten');
  t.ok(readFileSync(join(dir, LOG_FILE)).length < 4096, 'and the log started over');
  s = await FileStore.open(dir);
  t.teardown(() => s.close());
  t.same(await s.list(''), before);
  t.equal(await s.put('k/new', 1), before.revision + 1, 'revisions continue');
});

t.test('a torn last line is dropped, orphan temp files removed', async (t) => {
  const dir = tempDir(t);
  let s = await FileStore.open(dir);
  await s.put('a', 1);
  await s.put('b', 2);
  await s.close();
  appendFileSync(join(dir, LOG_FILE), '1234abcd {"r":3,"o":[["p","c",');
  writeFileSync(join(dir, `${SNAPSHOT_FILE}.tmp-99999`), 'half a snapshot');
  const notices: string[] = [];
  s = await FileStore.open(dir, { onNotice: (m) => notices.push(m) });
  t.teardown(() => s.close());
  t.match(notices, [/dropped a torn last line/]);
  t.same((await s.list('')).items.map((i) => [i.key, i.value]), [['a', 1], ['b', 2]]);
  t.notOk(readdirSync(dir).some((n) => n.includes('.tmp-')), 'temp file removed');
  t.equal(await s.put('c', 3), 3, 'writes continue after the cut');
  await s.close();
  s = await FileStore.open(dir);
  t.same((await s.list('')).items.map((i) => i.key), ['a', 'b', 'c']);
});

t.test('refusals: one line naming the file and the problem', async (t) => {
  const dir = tempDir(t);
  const s = await FileStore.open(dir);
  await s.put('a', 1);
  await s.put('b', 2);
  await s.put('c', 3);
  await s.close();
  const log = join(dir, LOG_FILE);
  const good = readFileSync(log, 'utf8');
  const lines = good.split('\n');
  writeFileSync(log, [lines[0], lines[1]!.replace('"a"', '"z"'), lines[2], lines[3], ''].join('\n'));
  await t.rejects(FileStore.open(dir), { name: 'StoreOpenError', message: `state store ${log}: line 2: checksum mismatch (the log is damaged)` });
  writeFileSync(log, [lines[0], lines[1], lines[3], ''].join('\n'));
  await t.rejects(FileStore.open(dir), { message: /line 3: revision 3 follows 1 \(records are missing\)/ });
  writeFileSync(log, good);
  const snap = join(dir, SNAPSHOT_FILE);
  const snapText = readFileSync(snap, 'utf8');
  writeFileSync(snap, snapText.slice(0, 20));
  await t.rejects(FileStore.open(dir), { message: new RegExp(`^state store ${snap}: not valid JSON`) });
  writeFileSync(snap, '');
  await t.rejects(FileStore.open(dir), { message: `state store ${snap}: the file is empty` });
  writeFileSync(snap, snapText.replace('"version":1', '"version":7'));
  await t.rejects(FileStore.open(dir), { message: `state store ${snap}: format version 7 was written by a newer weft (this one reads up to 1)` });
  rmSync(snap);
  await t.rejects(FileStore.open(dir), { message: /weft-state.json: missing, but weft-state.log exists/ });
  writeFileSync(snap, snapText);
  if (process.getuid?.() !== 0) {
    chmodSync(snap, 0);
    await t.rejects(FileStore.open(dir), { message: `state store ${snap}: cannot read it (permission denied)` });
    chmodSync(snap, 0o644);
  }
  const again = await FileStore.open(dir);
  t.same((await again.list('')).items.map((i) => i.value), [1, 2, 3], 'the repaired store opens');
  await t.rejects(FileStore.open(dir), StoreOpenError, 'a second open of one directory is refused');
  await again.close();
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  await t.rejects(FileStore.open(join(file, 'sub')), { message: /cannot create the state directory \(ENOTDIR|not a directory/ });
  truncateSync(file, 0);
});

t.test('format versions: the migration hook runs once and the store is written back', async (t) => {
  const dir = tempDir(t);
  let s = await FileStore.open(dir);
  await s.put('old/a', 1);
  await s.close();
  const migrations = {
    1: (entries: Map<string, [string, unknown, number, number, number]>) => {
      for (const [k, e] of [...entries]) {
        entries.delete(k);
        entries.set(k.replace('old/', 'new/'), [k.replace('old/', 'new/'), { wrapped: e[1] }, e[2], e[3], e[4]]);
      }
    },
  };
  await t.rejects(FileStore.open(dir, { formatVersion: 2 }), { message: /format version 1 cannot be migrated \(no migration from version 1\)/ });
  const notices: string[] = [];
  s = await FileStore.open(dir, { formatVersion: 2, migrations, onNotice: (m) => notices.push(m) });
  t.same((await s.list('')).items.map((i) => [i.key, i.value]), [['new/a', { wrapped: 1 }]]);
  t.match(notices, [/migrated from format version 1 to 2/]);
  await s.close();
  t.match(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8'), '"version":2');
  s = await FileStore.open(dir, { formatVersion: 2 });
  t.teardown(() => s.close());
  t.same((await s.list('')).items.map((i) => i.key), ['new/a']);
  await t.rejects(FileStore.open(dir), StoreOpenError);
});
