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
