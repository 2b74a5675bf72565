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
