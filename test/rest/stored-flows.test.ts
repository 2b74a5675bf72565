/**
 * The index a modify or delete selects stored flows through (StoredFlows, src/rest/persist.ts)
 * against selecting from every stored flow: random stored flows and random filters (strict and
 * not, any table, subsets of match fields, cookie masks, out ports) select exactly the same
 * flows. A bulk of non-strict deletes over REST removes exactly the flows they select.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { OFPP, OFPTT_ALL } from '../../protocol/index.js';
import type { FlowMod, Match } from '../../protocol/index.js';
import { flowModFromFriendly } from '../../src/rest/flow-json.js';
import { StoredFlows } from '../../src/rest/persist.js';
import type { RestState } from '../../src/rest/persist.js';
import { selects } from '../../src/store/flow-identity.js';
import { Prng } from '../support/prng.js';
import { http, startRig } from './rig.js';

/** An integer in [0, n) from the project's seeded generator. */
function rng(seed: number): (n: number) => number {
  const p = new Prng(seed);
  return (n) => p.int(0, n - 1);
}

const FIELDS: ((r: (n: number) => number) => Record<string, unknown>)[] = [
  (r) => ({ in_port: 1 + r(3) }),
  (r) => ({ eth_type: 2048, ipv4_dst: `10.0.0.${r(4)}` }),
  (r) => ({ eth_type: 2048, ip_proto: 6, tcp_dst: 80 + r(2) }),
  (r) => ({ eth_dst: `00:00:00:00:00:0${r(3)}` }),
  (r) => ({ vlan_vid: 100 + r(2) }),
];

function friendlyMatch(r: (n: number) => number): Record<string, unknown> {
  let m: Record<string, unknown> = {};
  for (const f of FIELDS) if (r(2) === 0) m = { ...m, ...f(r) };
  return m;
}

t.test('the index selects what a scan of every stored flow selects', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rng(seed * 7919);
    const all: [string, FlowMod][] = Array.from({ length: 300 }, (_, i) => [
      `k${i}`,
      flowModFromFriendly({ table: r(3), priority: r(3), cookie: r(4), match: friendlyMatch(r), actions: [{ type: 'output', port: 1 + r(3) }] }, 'add'),
    ]);
    const state = { desired: { storedFlows: () => all } } as unknown as RestState;
    const stored = new StoredFlows(state, 'x');
    for (let i = 0; i < 60; i++) {
      const strict = r(4) === 0;
      const isDelete = r(2) === 0;
      const filter: FlowMod = {
        ...flowModFromFriendly({ table: r(3), priority: r(3), cookie: r(4), cookieMask: r(2) ? 0 : 3, match: friendlyMatch(r), actions: [] }, 'add'),
        outPort: r(3) === 0 ? 1 + r(3) : OFPP.ANY,
      };
      if (r(4) === 0) filter.tableId = OFPTT_ALL;
      if (strict && filter.tableId !== OFPTT_ALL) filter.tableId = OFPTT_ALL;
      const want = all.filter(([, f]) => selects(filter, f, strict, isDelete)).map(([k]) => k);
      const got = stored.candidates(filter).filter(([, f]) => selects(filter, f, strict, isDelete)).map(([k]) => k);
      t.same(got.sort(), want.sort(), `seed ${seed} filter ${i}`);
    }
  }
  const none: Match = [];
  t.equal(new StoredFlows({ desired: { storedFlows: () => [] } } as unknown as RestState, 'x').candidates({ ...flowModFromFriendly({ match: {} }, 'add'), match: none }).length, 0);
});

t.test('a bulk of non-strict deletes over REST removes exactly the flows they select', async (t) => {
  const rig = await startRig({ stateDir: mkdtempSync(join(tmpdir(), 'weft-stored-flows-')) });
  t.teardown(() => rig.close());
  const bulk = `/api/v1/switches/${rig.dpid}/flows/bulk`;
  const flows = Array.from({ length: 3000 }, (_, i) => ({ table: 2 + (i % 2), priority: 10 + (i % 3), match: { eth_type: 2048, ipv4_dst: `10.2.${i >> 8}.${i & 255}` }, actions: [{ type: 'output', port: 1 }] }));
  t.equal((await http(rig, 'POST', bulk, { body: { flows } })).status, 200);
  // Every even flow by its exact match (any priority, its table), and every flow to 10.2.11.x in any table with a second field.
  const deletes = [
    ...flows.filter((_, i) => i % 2 === 0).map((f) => ({ table: f.table, match: f.match })),
    // (A delete without a table is for every table.)
    { match: { eth_type: 2048, ipv4_dst: '10.2.11.7' } },
  ];
  const r = await http(rig, 'POST', bulk, { body: { command: 'delete', flows: deletes } });
  t.equal(r.status, 200, JSON.stringify(r.json).slice(0, 200));
  const left = ((await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json.flows as { match: { ipv4_dst: string } }[]).map((f) => f.match.ipv4_dst).sort();
  const want = flows.filter((f, i) => i % 2 === 1 && f.match.ipv4_dst !== '10.2.11.7').map((f) => f.match.ipv4_dst).sort();
  t.same(left, want, 'the odd flows stay, but the one the table-wide delete named');
});
