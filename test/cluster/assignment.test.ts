/** The mastership assignment: even spread, only connected live members, sticky current masters. */
import t from 'tap';
import { assignMasters } from '../../src/cluster/assignment.js';

const all = (dpids: string[], members: string[]) => new Map(dpids.map((d) => [d, members]));
const counts = (m: Map<string, string>) => {
  const c: Record<string, number> = {};
  for (const v of m.values()) c[v] = (c[v] ?? 0) + 1;
  return c;
};
const dpids = (n: number) => Array.from({ length: n }, (_, i) => `d${String(i).padStart(2, '0')}`);

t.test('even spread over the live members', async (t) => {
  t.same(counts(assignMasters({ members: ['a', 'b'], connected: all(dpids(16), ['a', 'b']), masters: new Map() })), { a: 8, b: 8 });
  const three = counts(assignMasters({ members: ['a', 'b', 'c'], connected: all(dpids(9), ['a', 'b', 'c']), masters: new Map() }));
  t.same(three, { a: 3, b: 3, c: 3 });
  const uneven = Object.values(counts(assignMasters({ members: ['a', 'b', 'c'], connected: all(dpids(4), ['a', 'b', 'c']), masters: new Map() })));
  t.ok(Math.max(...uneven) - Math.min(...uneven) <= 1, 'counts differ by at most one');
});

t.test('only members that are live and connected to the switch', async (t) => {
  const connected = new Map([['d1', ['a']], ['d2', ['a', 'b']], ['d3', ['x']]]);
  const m = assignMasters({ members: ['a', 'b'], connected, masters: new Map() });
  t.equal(m.get('d1'), 'a');
  t.equal(m.get('d2'), 'b');
  t.notOk(m.has('d3'), 'a switch connected to no live member gets no master');
});

t.test('a joining member takes only its share; current masters keep the rest', async (t) => {
  const ds = dpids(8);
  const masters = new Map(ds.map((d) => [d, 'a']));
  const m = assignMasters({ members: ['a', 'b'], connected: all(ds, ['a', 'b']), masters });
  t.same(counts(m), { a: 4, b: 4 });
  t.equal([...m].filter(([d, w]) => masters.get(d) !== w).length, 4, 'exactly 4 switches move');
  const gone = assignMasters({ members: ['b'], connected: all(ds, ['a', 'b']), masters: m });
  t.same(counts(gone), { b: 8 }, 'a member that left loses everything');
});
