import t from 'tap';
import { MacMap } from '../../../apps/sdk/index.js';

/** A small seeded generator, so a failure replays. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

t.test('randomized: MacMap answers as a Map<number, V> does, through growth, deletes and shrinking', async (t) => {
  for (const seed of [1, 7, 42, 2026]) {
    const r = rng(seed);
    // Keys from a small pool (so sets hit, deletes find) spread over the whole 48-bit range,
    // plus runs of neighbours (what a flood generator makes) to build long probe runs.
    const pool = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? Math.floor(r() * 0x1000000000000) : 0x0e0000000000 + i));
    const m = new MacMap<number>();
    const ref = new Map<number, number>();
    let mismatches = 0;
    for (let op = 0; op < 60_000; op++) {
      const k = pool[Math.floor(r() * pool.length)]!;
      const what = r();
      // Phases: mostly inserts first, then mostly deletes (the table shrinks), then mixed.
      const phase = Math.floor(op / 20_000);
      const insertShare = phase === 0 ? 0.8 : phase === 1 ? 0.15 : 0.5;
      if (what < insertShare) {
        m.set(k, op);
        ref.set(k, op);
      } else if (what < insertShare + 0.3) {
        if (m.delete(k) !== ref.delete(k)) mismatches++;
      } else if (m.get(k) !== ref.get(k) || m.has(k) !== ref.has(k)) mismatches++;
      if (m.size !== ref.size) mismatches++;
    }
    t.equal(mismatches, 0, `seed ${seed}: every answer the same`);
    for (const k of pool) if (m.get(k) !== ref.get(k)) mismatches++;
    t.equal(mismatches, 0, `seed ${seed}: every key the same at the end`);
    t.same(new Map([...m.entries()]), ref, `seed ${seed}: the same entries`);
  }
});

t.test('the table shrinks after a flood is gone; clear empties it', async (t) => {
  const m = new MacMap<string>();
  for (let i = 0; i < 10_000; i++) m.set(0x020000000000 + i * 7919, 'x');
  t.ok(m.capacity >= 20_000, 'grew to hold the flood at most half full');
  let deleted = 0;
  for (let i = 10; i < 10_000; i++) if (m.delete(0x020000000000 + i * 7919)) deleted++;
  t.equal(deleted, 9_990);
  t.equal(m.size, 10);
  t.ok(m.capacity <= 128, `shrank (capacity ${m.capacity})`);
  for (let i = 0; i < 10; i++) t.equal(m.get(0x020000000000 + i * 7919), 'x', 'the survivors are still found');
  m.clear();
  t.equal(m.size, 0);
  t.equal(m.get(0x020000000000), undefined);
});

t.test('keys that are no MAC: never found, and set refuses them', async (t) => {
  const m = new MacMap<number>();
  m.set(0, 1);
  m.set(0xffffffffffff, 2);
  t.equal(m.get(0), 1, 'the all-zero MAC is a key like any other');
  t.equal(m.get(0xffffffffffff), 2);
  for (const bad of [-1, 1.5, NaN, 2 ** 48, Infinity]) {
    t.equal(m.get(bad), undefined, `get(${bad})`);
    t.equal(m.delete(bad), false, `delete(${bad})`);
    t.throws(() => m.set(bad, 3), RangeError, `set(${bad})`);
  }
  t.equal(m.size, 2, 'nothing changed');
});
