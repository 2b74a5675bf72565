/**
 * The store's shortcuts against its general path: values handed over (`owned`) are kept
 * instead of copied (with their JSON text made by the caller, or not), the log line is assembled from each value's text instead of
 * JSON.stringify of the whole record, and staged entries are committed as they are. The same
 * random transactions go to a store whose puts are all general and to one whose puts are all
 * handed over (plain and non-plain values alike): both must end with the same state, the same
 * watch events and byte-for-byte the same log, and reopening must read back that state.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FileStore } from '../../src/store/file-store.js';
import { LOG_FILE, parseLogLine } from '../../src/store/file-format.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { adoptPlainJson } from '../../src/store/plain-json.js';
import type { PreparedPuts } from '../../src/store/prepared-puts.js';
import type { Compare, StateStore, TxnOp, WatchEvent } from '../../src/store/store.js';
import { Prng } from '../support/prng.js';

const tempDir = (t: { teardown(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bulkp-owned-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

let seed = 4242;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

/** A random value: mostly plain JSON, sometimes one of the things JSON changes on the way. */
function randomValue(depth = 0): unknown {
  const k = rand(depth > 2 ? 6 : 9);
  switch (k) {
    case 0: return rand(1000) - 500;
    case 1: return `s${rand(50)}\u00e9"\\\n`;
    case 2: return rand(2) === 0;
    case 3: return null;
    case 4: return rand(4) === 0 ? [NaN, Infinity, -0, 0.5][rand(4)] : rand(100) / 7;
    case 5: return rand(8) === 0 ? new Date(rand(1e9)) : `x${rand(9)}`;
    case 6: return Array.from({ length: rand(4) }, () => randomValue(depth + 1));
    case 7: {
      const o: Record<string, unknown> = {};
      for (let i = rand(4); i > 0; i--) o[`f${rand(6)}`] = rand(10) === 0 ? undefined : randomValue(depth + 1);
      return o;
    }
    default: return Object.assign(Object.create(null) as object, { a: 1 });
  }
}

const KEYS = Array.from({ length: 12 }, (_, i) => `p${i % 3}/k${i}`);

/** A random transaction; `revs` maps keys to their mod revision (compares that hold and fail). */
function randomTxn(revs: Map<string, number>): { compare: Compare[]; ops: { type: string; key?: string; prefix?: string; value?: () => unknown }[] } {
  const compare: Compare[] = [];
  if (rand(5) === 0) {
    const key = KEYS[rand(KEYS.length)]!;
    compare.push({ key, modRevision: rand(4) === 0 ? 999 : (revs.get(key) ?? 0) });
  }
  const ops = Array.from({ length: 1 + rand(5) }, () => {
    const r = rand(10);
    const key = KEYS[rand(KEYS.length)]!;
    if (r < 7) {
      // Each store gets its own copy of the same value (an owned value is frozen).
      const snapshot = seed;
      return { type: 'put', key, value: () => ((seed = snapshot), randomValue()) };
    }
    if (r < 9) return { type: 'delete', key };
    return { type: 'deletePrefix', prefix: `p${rand(3)}/` };
  });
  return { compare, ops };
}

/** Decides how a 'prepared' store's preparation relates to its transaction (its own stream: the values' stays shared). */
const shape = new Prng(77);
let preparedUsed = 0;

/**
 * The store's prepare() fed these operations (src/store/prepared-puts.ts), or fed others:
 * one short, in another order, one more; the transaction must not use those.
 */
function prepared(s: StateStore, ops: TxnOp[]): PreparedPuts | undefined {
  const p = s.prepare!();
  const k = shape.int(0, 5);
  const fed = k === 0 ? ops.slice(0, -1) : k === 1 ? [...ops].reverse() : k === 2 ? [...ops, { type: 'delete', key: 'p0/k0' } as const] : ops;
  for (const op of fed) p.add(op);
  if (p.covers(ops)) preparedUsed++;
  return p;
}

async function run(stores: StateStore[], owned: (boolean | 'json' | 'prepared')[], rounds: number): Promise<WatchEvent[][][]> {
  const events: WatchEvent[][][] = stores.map(() => []);
  stores.forEach((s, i) => s.watch('', (ev) => events[i]!.push([...ev])));
  const revs = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    // 1-4 transactions at once: the file store stages them together (group commit), each
    // checked against the ones staged before it.
    const txns = Array.from({ length: 1 + rand(4) }, () => randomTxn(revs));
    const results = await Promise.all(
      stores.map((s, i) =>
        Promise.all(
          txns.map((txn) => {
            const ops: TxnOp[] = txn.ops.map((o) => {
              if (o.type === 'put') {
                const after = seed;
                const value = o.value!();
                seed = after;
                // 'json': handed over with its JSON text made by the caller (the bulk route's way).
                return owned[i] === 'json' || owned[i] === 'prepared' ? { type: 'put', key: o.key!, value, owned: true, json: JSON.stringify(value) } : { type: 'put', key: o.key!, value, owned: owned[i] as boolean };
              }
              return o.type === 'delete' ? { type: 'delete', key: o.key! } : { type: 'deletePrefix', prefix: o.prefix! };
            });
            return s.txn(txn.compare, ops, owned[i] === 'prepared' ? prepared(s, ops) : undefined).catch((e: Error) => e.message);
          }),
        ),
      ),
    );
    for (const x of results.slice(1)) if (JSON.stringify(x) !== JSON.stringify(results[0])) throw new Error(`round ${r}: results differ: ${JSON.stringify(results)}`);
    for (const kv of (await stores[0]!.list('')).items) revs.set(kv.key, kv.modRevision);
  }
  return events;
}

t.test('owned values: the same state, events and log as the copying path; reopen reads it back', async (t) => {
  const dirA = tempDir(t);
  const dirB = tempDir(t);
  const dirC = tempDir(t);
  const a = await FileStore.open(dirA);
  const b = await FileStore.open(dirB);
  const c = await FileStore.open(dirC);
  const dirD = tempDir(t);
  const m = new MemoryStore();
  const d = await FileStore.open(dirD);
  const mp = new MemoryStore();
  const events = await run([a, b, m, c, d, mp], [false, true, true, 'json', 'prepared', 'prepared'], 400);
  const state = await a.list('');
  t.ok(state.items.length > 0 && state.revision > 100, `${state.revision} revisions, ${state.items.length} keys`);
  t.same(await b.list(''), state, 'owned file store: same state');
  t.same(await m.list(''), state, 'owned memory store: same state');
  t.same(events[1], events[0], 'same watch events');
  t.same(events[2], events[0], 'same watch events (memory)');
  t.same(await c.list(''), state, 'owned with JSON text given: same state');
  t.same(events[3], events[0], 'same watch events (JSON text given)');
  t.same(await d.list(''), state, 'puts prepared ahead: same state');
  t.same(events[4], events[0], 'same watch events (prepared)');
  t.same(await mp.list(''), state, 'puts prepared ahead, memory store: same state');
  t.same(events[5], events[0], 'same watch events (prepared, memory)');
  t.ok(preparedUsed > 50, `${preparedUsed} transactions staged from their preparation`);
  await a.close();
  await b.close();
  await c.close();
  await d.close();
  const logA = readFileSync(join(dirA, LOG_FILE));
  t.ok(readFileSync(join(dirB, LOG_FILE)).equals(logA), 'byte-for-byte the same log');
  t.ok(readFileSync(join(dirC, LOG_FILE)).equals(logA), 'byte-for-byte the same log (JSON text given)');
  t.ok(readFileSync(join(dirD, LOG_FILE)).equals(logA), 'byte-for-byte the same log (prepared)');
  // Each line's JSON is what JSON.stringify of the record gives (the format as it was).
  const lines = logA.toString('utf8').trimEnd().split('\n');
  let checked = 0;
  for (const line of lines.slice(1)) {
    const p = parseLogLine(Buffer.from(line));
    if (!p.ok) throw new Error(p.problem);
    if (JSON.stringify(p.json) !== line.slice(9)) t.fail(`line differs from JSON.stringify of its record: ${line}`);
    checked++;
  }
  t.ok(checked > 100, `${checked} records re-serialized identically`);
  for (const [dir, what] of [[dirA, 'copying'], [dirB, 'owned'], [dirC, 'owned + JSON text'], [dirD, 'prepared']] as const) {
    const s = await FileStore.open(dir);
    t.same(await s.list(''), state, `reopened ${what} store reads back the state`);
    await s.close();
  }
});

t.test('adoptPlainJson: plain JSON kept and frozen, anything JSON would change refused', async (t) => {
  const v = { a: [1, 'x', { b: null, c: true }], d: -1.5 };
  t.ok(adoptPlainJson(v));
  t.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a[2]), 'frozen all the way down');
  t.throws(() => {
    (v.a as unknown[]).push(2);
  }, TypeError, 'a writer that changes a handed-over value fails loudly');
  for (const bad of [NaN, Infinity, -0, undefined, () => 1, 1n, Symbol('s'), new Date(0), [1, , 3], { a: undefined }, Object.create(null), new Map(), Buffer.from('x'), { toJSON: () => 1 }]) {
    t.notOk(adoptPlainJson(bad), `refused: ${String(typeof bad === 'object' && bad !== null ? bad.constructor?.name ?? 'null-proto' : typeof bad)}`);
  }
  // Non-plain owned values are copied as without the flag: the store keeps what JSON gives.
  const s = new MemoryStore();
  const d = new Date(0);
  await s.put('x', 1);
  await s.txn([], [{ type: 'put', key: 'y', value: { d, n: NaN, u: undefined }, owned: true }]);
  t.same((await s.get('y'))!.value, { d: d.toJSON(), n: null });
  t.notOk(Object.isFrozen(d));
});
