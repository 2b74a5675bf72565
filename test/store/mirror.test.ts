/**
 * The mirror's listing (keys sorted by the built-in sort) against the comparator sort over
 * [key, value] pairs it replaced, and any() against a listing's emptiness, on random keys with
 * non-ASCII characters and lone surrogates.
 */
import t from 'tap';
import { MemoryStore } from '../../src/store/memory-store.js';
import { Mirror } from '../../src/store/mirror.js';
import { Prng } from '../support/prng.js';

const CHARS = ['a', 'b', 'Z', '0', '9', '/', '-', 'é', '€', '\ud83d\ude00', '\ud800', '\udfff', '\uffff', ' '];

t.test('entries() and any() agree with the general forms', async (t) => {
  const r = new Prng(0x3e770);
  const store = new MemoryStore();
  const m = await Mirror.open(store, 'p/');
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
      const want = (await store.list(prefix)).items.map((kv) => [kv.key, kv.value]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0));
      const got = m.entries(prefix);
      t.same(got, want, `round ${round} ${JSON.stringify(prefix)}`);
      t.equal(m.any(prefix), want.length > 0);
    }
  }
  m.close();
  await store.close();
});
