/**
 * The mirror's listing (keys sorted by the built-in sort) against the comparator sort over
 * [key, value] pairs it replaced, and any() against a listing's emptiness, on random keys with
 * non-ASCII characters and lone surrogates; and the mirror over an embedded store (a view of its
 * index) against one over the same store seen as remote (a copy kept by the watch, as over etcd).
 */
import t from 'tap';
import { MemoryStore } from '../../src/store/memory-store.js';
import { Mirror } from '../../src/store/mirror.js';
import type { StateStore } from '../../src/store/store.js';
import { Prng } from '../support/prng.js';

const CHARS = ['a', 'b', 'Z', '0', '9', '/', '-', 'é', '€', '\ud83d\ude00', '\ud800', '\udfff', '\uffff', ' '];

/** The same store seen as a remote one (not an IndexedStore): its mirror keeps a copy, as over etcd. */
const remote = (s: StateStore): StateStore => ({
  description: 'remote',
  get: (k) => s.get(k),
  list: (p) => s.list(p),
  put: (k, v) => s.put(k, v),
  delete: (k) => s.delete(k),
  txn: (c, o) => s.txn(c, o),
  watch: (p, l, o) => s.watch(p, l, o),
  close: () => s.close(),
});

t.test('entries() and any() agree with the general forms; a view of the index and a copy agree', async (t) => {
  const r = new Prng(0x3e770);
  const store = new MemoryStore();
  await store.put('p/before', 1);
  await store.put('q/other', 2);
  const m = await Mirror.open(store, 'p/');
  const copy = await Mirror.open(remote(store), 'p/');
  const heard: number[] = [0, 0];
  m.onChange((ev) => (heard[0] += ev.length));
  copy.onChange((ev) => (heard[1] += ev.length));
  const prefixes = ['p/', 'p/a', 'p/é', 'p/\ud83d', 'p/zz', 'q/'];
  for (let round = 0; round < 40; round++) {
    const ops = [];
    for (let i = 0; i < 50; i++) {
      let k = 'p/';
      for (let j = r.int(0, 6); j > 0; j--) k += CHARS[r.int(0, CHARS.length - 1)];
      ops.push(r.chance(0.8) ? { type: 'put' as const, key: k, value: { i, round } } : { type: 'delete' as const, key: k });
    }
    await store.txn([], ops);
    for (const prefix of prefixes) {
      const want = (await store.list(prefix)).items.filter((kv) => kv.key.startsWith('p/')).map((kv) => [kv.key, kv.value]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0));
      const got = m.entries(prefix);
      t.same(got, want, `round ${round} ${JSON.stringify(prefix)}`);
      t.equal(m.any(prefix), want.length > 0);
      t.same(copy.entries(prefix), got, `round ${round} ${JSON.stringify(prefix)}: the copy`);
      t.equal(copy.any(prefix), m.any(prefix));
    }
    for (const k of ['p/before', 'q/other', ops[0]!.key, ops[1]!.key]) t.equal(m.get(k), copy.get(k), `get(${JSON.stringify(k)})`);
  }
  t.equal(m.get('q/other'), undefined, 'nothing outside the prefix');
  t.ok(heard[0] > 1000 && heard[0] === heard[1], `both heard the same ${heard[0]} changes`);
  copy.close();
  m.close();
  await store.close();
});
