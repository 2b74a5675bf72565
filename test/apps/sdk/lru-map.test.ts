import t from 'tap';
import { LruMap } from '../../../apps/sdk/index.js';

const keys = (m: LruMap<string, number>) => [...m.entries()].map(([k]) => k);

t.test('set past max drops the coldest first, telling onEvict after it is gone', async (t) => {
  const evicted: string[] = [];
  const m: LruMap<string, number> = new LruMap(3, (v, k) => evicted.push(`${k}=${v}:${m.has(k)}`));
  m.set('a', 11);
  m.set('b', 12);
  m.set('c', 13);
  t.equal(m.size, 3);
  m.set('d', 14);
  t.same(evicted, ['a=11:false']);
  t.same(keys(m), ['b', 'c', 'd']);
  t.equal(m.size, 3, 'never above max');
  t.equal(m.max, 3);
});

t.test('get does not count as a use; use and set do', async (t) => {
  const evicted: string[] = [];
  const m = new LruMap<string, number>(3, (_v, k) => evicted.push(k));
  m.set('a', 21);
  m.set('b', 22);
  m.set('c', 23);
  t.equal(m.get('a'), 21);
  t.same(keys(m), ['a', 'b', 'c'], 'get leaves the order alone');
  t.equal(m.use('a'), 21);
  t.same(keys(m), ['b', 'c', 'a'], 'use makes it the newest');
  m.set('b', 32);
  t.same(keys(m), ['c', 'a', 'b'], 'replacing makes it the newest');
  t.equal(m.get('b'), 32);
  t.equal(m.size, 3, 'replacing adds nothing');
  m.set('e', 25);
  t.same(evicted, ['c']);
  t.same([...m.valuesNewestFirst()], [25, 32, 21]);
  t.same([...m.values()], [21, 32, 25]);
  t.equal(m.use('zz'), undefined);
  t.equal(m.get('zz'), undefined);
});

t.test('a get then use of another key, or of a deleted one, is not confused by the memo', async (t) => {
  const m = new LruMap<string, number>(4);
  m.set('a', 41);
  m.set('b', 42);
  m.set('c', 43);
  m.get('a');
  t.equal(m.use('b'), 42, 'another key is looked up');
  t.same(keys(m), ['a', 'c', 'b']);
  m.get('a');
  t.equal(m.delete('a'), true);
  t.equal(m.use('a'), undefined, 'a deleted entry is not used');
  t.equal(m.size, 2);
  t.same(keys(m), ['c', 'b']);
  m.get('c');
  m.clear();
  t.equal(m.use('c'), undefined, 'nor a cleared one');
  t.equal(m.size, 0);
  t.same(keys(m), []);
  m.set('d', 44);
  t.same(keys(m), ['d'], 'usable after clear');
  t.equal(m.delete('nope'), false);
});

t.test('entries can be deleted while iterating; the list stays consistent', async (t) => {
  const m = new LruMap<string, number>(10);
  for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) m.set(k, i);
  for (const [k, v] of m.entries()) if (v % 2 === 0) m.delete(k);
  t.same(keys(m), ['b', 'd']);
  m.use('b');
  t.same(keys(m), ['d', 'b']);
  m.delete('b');
  m.delete('d');
  m.set('f', 6);
  m.set('g', 7);
  m.use('f');
  t.same(keys(m), ['g', 'f']);
  t.same([...m.valuesNewestFirst()], [6, 7]);
});

t.test('a bound of 1, and bad bounds', async (t) => {
  const evicted: string[] = [];
  const m = new LruMap<string, number>(1, (_v, k) => evicted.push(k));
  m.set('a', 1);
  m.set('b', 2);
  t.same(keys(m), ['b']);
  t.same(evicted, ['a']);
  t.throws(() => new LruMap(0), RangeError);
  t.throws(() => new LruMap(2.5), RangeError);
});

t.test('stays bounded and in order under a long mixed workload (against a reference)', async (t) => {
  // Reference: an array in LRU order.
  const max = 7;
  const evicted: string[] = [];
  const refEvicted: string[] = [];
  const m = new LruMap<string, number>(max, (_v, k) => evicted.push(k));
  let ref: [string, number][] = [];
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 3000; i++) {
    const k = `k${rnd(12)}`;
    const op = rnd(4);
    if (op === 0) {
      m.set(k, i);
      ref = ref.filter(([rk]) => rk !== k);
      ref.push([k, i]);
      while (ref.length > max) refEvicted.push(ref.shift()![0]);
    } else if (op === 1) {
      const hit = ref.find(([rk]) => rk === k);
      t.equal(m.use(k), hit?.[1]);
      if (hit) ref = [...ref.filter(([rk]) => rk !== k), hit];
    } else if (op === 2) {
      t.equal(m.get(k), ref.find(([rk]) => rk === k)?.[1]);
    } else {
      t.equal(m.delete(k), ref.some(([rk]) => rk === k));
      ref = ref.filter(([rk]) => rk !== k);
    }
    if (m.size > max) t.fail('above max');
  }
  t.same([...m.entries()], ref);
  t.same(evicted, refEvicted);
});
