import t from 'tap';
import { LogLimiter } from '../../apps/sdk/index.js';

t.test('one line per key per interval; the next one reports what was suppressed', async (t) => {
  const l = new LogLimiter({ intervalMs: 1_000 });
  t.equal(l.take('a', 0), 0);
  t.equal(l.take('a', 10), undefined);
  t.equal(l.take('a', 999), undefined);
  t.equal(l.take('b', 999), 0, 'another key has its own interval');
  t.equal(l.take('a', 1_000), 2, 'two suppressed since the last line of a');
  t.equal(l.take('a', 2_000), 0);
  t.equal(l.suppressed, 2);
});

t.test('at most maxLines per interval over all keys, and a bounded key map', async (t) => {
  const l = new LogLimiter({ intervalMs: 1_000, maxLines: 3, maxKeys: 5 });
  const passed = Array.from({ length: 100 }, (_, i) => l.take(`k${i}`, 5)).filter((x) => x !== undefined).length;
  t.equal(passed, 3, 'a flood of distinct keys gets 3 lines');
  t.equal(l.suppressed, 97);
  // Next interval: idle keys are forgotten, new ones get through again.
  t.equal(l.take('new', 1_005), 0);
  const l2 = new LogLimiter({ intervalMs: 1_000, maxLines: 100, maxKeys: 2 });
  t.equal(l2.take('x', 0), 0);
  t.equal(l2.take('y', 0), 0);
  t.equal(l2.take('z', 0), undefined, 'key map full: suppressed, not remembered');
  t.equal(l2.take('z', 1_000), 0, 'room again once the others are idle');
});

t.test('perKey lines per interval; drain reports what each ended interval left out, once', async (t) => {
  const l = new LogLimiter({ intervalMs: 1_000, perKey: 2, maxLines: Number.POSITIVE_INFINITY });
  t.same([l.take('a', 0), l.take('a', 1), l.take('a', 2), l.take('a', 3)], [0, 0, undefined, undefined]);
  t.equal(l.take('b', 500), 0);
  t.same(l.drain(999), [], 'no interval has ended yet');
  t.same(l.drain(1_000), [['a', 2]], 'a ended with two lines left out; b is still running');
  t.notOk(l.has('a'), 'a drained key is forgotten');
  t.same(l.drain(1_500), [], 'b let everything through: nothing to report');
  t.equal(l.take('a', 1_600), 0, 'the count was reported by drain, not again');
  t.equal(l.suppressed, 2);
});
