import t from 'tap';
import { RouteTracker } from '../../../apps/l2-learning/routes.js';

const A = '00000000000000a1';
const B = '00000000000000b2';

t.test('records hops per destination; an LRU over destinations, evictions counted', async (t) => {
  const r = new RouteTracker(2);
  r.record('0a:00:00:00:0e:01', [{ dpid: A, outPort: 1 }, { dpid: B, outPort: 5 }]);
  r.recordHop('0a:00:00:00:0e:02', A, 2);
  r.recordHop('0a:00:00:00:0e:02', A, 3);
  t.same(r.switchesOf('0a:00:00:00:0e:01'), [A, B]);
  t.same(r.usersOf(A), ['0a:00:00:00:0e:02', '0a:00:00:00:0e:01'], 'most recently recorded first');
  t.same(r.usersOf(A, 3), ['0a:00:00:00:0e:02']);
  t.same(r.usersOf(B, 5), ['0a:00:00:00:0e:01']);
  r.recordHop('0a:00:00:00:0e:01', A, 1);
  t.same(r.usersOf(A), ['0a:00:00:00:0e:01', '0a:00:00:00:0e:02'], 'recording again is a use');
  r.recordHop('0a:00:00:00:0e:03', B, 9);
  t.equal(r.evicted, 1);
  t.equal(r.size, 2);
  t.same(r.switchesOf('0a:00:00:00:0e:02'), [], 'the least recently recorded went');
  t.same(r.switchesOf('0a:00:00:00:0e:01'), [A, B]);
  r.forget('0a:00:00:00:0e:01');
  t.same(r.usersOf(B), ['0a:00:00:00:0e:03']);
  r.clear();
  t.equal(r.size, 0);
});

t.test('with a slot and a clock: no lookup while the slot holds the record; forgotten or evicted records are not reused', async (t) => {
  const r = new RouteTracker(2);
  const slot1 = { route: undefined as unknown };
  r.recordHop('0a:00:00:00:0e:01', A, 1, slot1, 1000);
  t.ok(slot1.route, 'the slot now holds the record');
  const held = slot1.route;
  r.recordHop('0a:00:00:00:0e:01', B, 2, slot1, 1001);
  t.equal(slot1.route, held, 'the same record is used again');
  t.same(r.switchesOf('0a:00:00:00:0e:01'), [A, B]);
  r.forget('0a:00:00:00:0e:01');
  r.recordHop('0a:00:00:00:0e:01', A, 7, slot1, 1002);
  t.not(slot1.route, held, 'a forgotten record is replaced, not revived');
  t.same(r.switchesOf('0a:00:00:00:0e:01'), [A], 'only the hop recorded after forgetting');
  t.same(r.usersOf(A, 1), [], 'the old hop is gone');
  const slot2 = { route: undefined as unknown };
  const slot3 = { route: undefined as unknown };
  r.recordHop('0a:00:00:00:0e:02', A, 2, slot2, 1003);
  r.recordHop('0a:00:00:00:0e:03', A, 3, slot3, 1004);
  t.equal(r.evicted, 1, 'the coldest (0e:01) went');
  r.recordHop('0a:00:00:00:0e:01', B, 9, slot1, 1005);
  t.same(r.switchesOf('0a:00:00:00:0e:01'), [B], 'an evicted record is not reused through its slot');
  r.clear();
  r.recordHop('0a:00:00:00:0e:02', B, 4, slot2, 1006);
  t.same(r.switchesOf('0a:00:00:00:0e:02'), [B], 'nor one dropped by clear()');
});

t.test('with a clock, a destination moves to the hot end at most once a second', async (t) => {
  const r = new RouteTracker(2);
  const a = { route: undefined as unknown };
  const b = { route: undefined as unknown };
  r.recordHop('0a:00:00:00:0f:0a', A, 1, a, 10_000);
  r.recordHop('0a:00:00:00:0f:0b', A, 2, b, 10_100);
  r.recordHop('0a:00:00:00:0f:0a', A, 1, a, 10_500);
  t.same(r.usersOf(A), ['0a:00:00:00:0f:0b', '0a:00:00:00:0f:0a'], 'used 0.5 s after: the order stays');
  r.recordHop('0a:00:00:00:0f:0a', A, 1, a, 11_000);
  t.same(r.usersOf(A), ['0a:00:00:00:0f:0a', '0a:00:00:00:0f:0b'], 'a second after: it moves');
  r.recordHop('0a:00:00:00:0f:0c', A, 3, undefined, 11_001);
  t.same(r.switchesOf('0a:00:00:00:0f:0b'), [], 'so the eviction takes the one really least recently used');
  t.same(r.switchesOf('0a:00:00:00:0f:0a'), [A]);
});
