/**
 * REST writes of flows, groups and meters kept in the state store: only what the switch accepted,
 * after its fsync; one-off writes; deletes by OpenFlow's selection rules; a restart with the same
 * directory shows them and installs them on the switch when it connects.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { OFPFC, OFPGC, OFPMC } from '../../protocol/index.js';
import { http, startRig } from './rig.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-rest-state-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const flowA = { table: 0, priority: 100, match: { in_port: 1, eth_type: '0x800', ipv4_dst: '10.0.0.0/24' }, actions: [{ type: 'output', port: 2 }] };
const flowB = { table: 0, priority: 90, match: { in_port: 2 }, actions: [{ type: 'group', groupId: 7 }] };
const flowC = { table: 1, priority: 5, match: { eth_type: '0x806' }, instructions: [{ type: 'meter', meterId: 3 }, { type: 'applyActions', actions: [{ type: 'output', port: 'CONTROLLER' }] }] };

t.test('persisted writes, then a restart with the same state directory', async (t) => {
  let rig = await startRig({ stateDir: dir });
  const api = `/api/v1/switches/${rig.dpid}`;
  const stored = async () => (await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json as { flows: any[]; groups: any[]; meters: any[] };

  t.equal((await http(rig, 'POST', `${api}/groups`, { body: { groupId: 7, type: 'all', buckets: [{ actions: [{ type: 'output', port: 1 }] }] } })).status, 201);
  t.equal((await http(rig, 'POST', `${api}/meters`, { body: { meterId: 3, bands: [{ type: 'drop', rate: 1000 }] } })).status, 201);
  for (const f of [flowA, flowB, flowC]) t.equal((await http(rig, 'POST', `${api}/flows`, { body: f })).status, 201);
  t.equal((await http(rig, 'POST', `${api}/flows`, { body: { priority: 7, match: { in_port: 7 }, actions: [], persistent: false } })).status, 201, 'a one-off flow');
  t.equal((await http(rig, 'POST', `${api}/flows`, { body: { priority: 8, idleTimeout: 30, match: { in_port: 7 }, actions: [] } })).status, 201, 'a flow that expires');
  rig.script.reject = (m) => (m.type === 'flowMod' && m.priority === 9 ? 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT' : undefined);
  t.equal((await http(rig, 'POST', `${api}/flows`, { body: { priority: 9, actions: [{ type: 'output', port: 99 }] } })).status, 422, 'refused by the switch');
  rig.script.reject = undefined;
  t.equal((await http(rig, 'POST', `${api}/flows`, { body: { persistent: 'yes' } })).status, 400);

  let s = await stored();
  t.same(s.flows.map((f) => f.priority).sort(), [100, 5, 90], 'only the accepted, persistent, non-expiring flows');
  t.same(s.groups.map((g) => g.groupId), [7]);
  t.same(s.meters.map((m) => m.meterId), [3]);
  t.match(readFileSync(join(dir, 'weft-state.log'), 'utf8'), '"ipv4_dst":"10.0.0.0/24"', 'on disk when the 2xx came');

  // A non-strict modify selects by the fields it names; the stored flow takes the new actions.
  t.equal((await http(rig, 'PUT', `${api}/flows`, { body: { table: 0, match: { in_port: 1 }, actions: [{ type: 'output', port: 3 }] } })).status, 200);
  s = await stored();
  t.same(s.flows.find((f) => f.priority === 100).actions, [{ type: 'output', port: 3, maxLen: 0 }]);
  t.same(s.flows.find((f) => f.priority === 90).actions, [{ type: 'group', groupId: 7 }], 'a flow without in_port=1 is not selected');

  // Deleting the meter deletes the flows that use it, on the switch and in the store.
  t.equal((await http(rig, 'DELETE', `${api}/meters/3`)).status, 204);
  s = await stored();
  t.same(s.meters, []);
  t.same(s.flows.map((f) => f.priority).sort(), [100, 90]);
  const state = (await http(rig, 'GET', '/api/v1/state')).json;
  t.match(state, { backend: `file store in ${dir} (format version 1)`, switches: [rig.dpid] });

  await rig.close();
  rig = await startRig({ stateDir: dir });
  t.teardown(() => rig.close());
  s = await stored();
  t.same(s.flows.map((f) => f.priority).sort(), [100, 90], 'REST shows the same configuration after a restart');
  t.same(s.groups.map((g) => g.groupId), [7]);
  // The switch got them at switch up: the group before the flow that uses it.
  const deadline = Date.now() + 3000;
  while (rig.got('flowMod').filter((m) => m.command === OFPFC.ADD && m.priority >= 90).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const adds = rig.got('flowMod').filter((m) => m.command === OFPFC.ADD && m.priority >= 90);
  t.same(adds.map((m) => m.priority).sort(), [100, 90]);
  const stream = rig.stream();
  const groupAt = stream.findIndex((m) => m.type === 'groupMod' && m.command === OFPGC.ADD && m.groupId === 7);
  t.ok(groupAt >= 0 && groupAt < stream.findIndex((m) => m.type === 'flowMod' && m.priority === 90), 'group 7 before the flow using it');
  t.notOk(stream.some((m) => m.type === 'meterMod' && m.command === OFPMC.ADD), 'the deleted meter is not installed');

  // A delete of every flow empties the store's flows; a one-off add replaces (drops) a stored one.
  t.equal((await http(rig, 'POST', `${api}/flows`, { body: { ...flowB, persistent: false } })).status, 201);
  t.same((await stored()).flows.map((f) => f.priority), [100]);
  t.equal((await http(rig, 'DELETE', `${api}/flows`)).status, 204);
  t.same((await stored()).flows, []);
  t.equal((await http(rig, 'DELETE', `${api}/groups`)).status, 204);
  t.same((await stored()).groups, []);
});

t.test('bulk: accepted flows persisted in one transaction; strict bulk delete removes them', async (t) => {
  const rig = await startRig({ stateDir: mkdtempSync(join(dir, 'bulk-')) });
  t.teardown(() => rig.close());
  const flows = Array.from({ length: 500 }, (_, i) => ({ priority: 10, match: { eth_type: '0x800', ipv4_dst: `10.1.${i >> 8}.${i & 255}` }, actions: [{ type: 'output', port: 1 }] }));
  const r = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { flows } });
  t.equal(r.status, 200);
  const count = async () => ((await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json.flows as unknown[]).length;
  t.equal(await count(), 500);
  const del = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { command: 'delete', flows: flows.slice(0, 200).map((f) => ({ ...f, actions: undefined, strict: true })) } });
  t.equal(del.status, 200);
  t.equal(await count(), 300);
  const oneOff = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { persistent: false, flows: [{ priority: 1, actions: [] }] } });
  t.equal(oneOff.status, 200);
  t.equal(await count(), 300);
  // One-off ADDs that replace stored flows take them out of the store (the switch now holds
  // flows that are not to come back after a restart); the others stay.
  const replace = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { persistent: false, flows: flows.slice(200, 250) } });
  t.equal(replace.status, 200);
  t.equal(await count(), 250, 'the 50 replaced flows left the store');
  // With nothing left in the store for the switch, one-off ADDs leave it empty.
  const all = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { persistent: false, flows: flows.slice(250) } });
  t.equal(all.status, 200);
  t.equal(await count(), 0);
  const more = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { persistent: false, flows } });
  t.equal(more.status, 200);
  t.equal(await count(), 0, 'nothing stored by one-off flows');
});

t.test('a persistent bulk ADD (store operations prepared while the switch works) stores what the same flows stored one by one do', async (t) => {
  const bulkRig = await startRig({ stateDir: mkdtempSync(join(dir, 'prep-bulk-')) });
  t.teardown(() => bulkRig.close());
  const oneRig = await startRig({ stateDir: mkdtempSync(join(dir, 'prep-one-')) });
  t.teardown(() => oneRig.close());
  const refuse = (m: { type: string; priority?: number }) => (m.type === 'flowMod' && m.priority === 13 ? 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT' : undefined);
  bulkRig.script.reject = refuse;
  oneRig.script.reject = refuse;
  const flow = (i: number, extra: Record<string, unknown> = {}) => ({ table: i % 3, priority: 20, match: { eth_type: '0x800', ipv4_dst: `10.7.${i >> 8}.${i & 255}` }, actions: [{ type: 'output', port: 1 + (i % 5) }], ...extra });
  const base = Array.from({ length: 40 }, (_, i) => flow(i));
  // Mixed: plain flows; ADDs with a timeout (never stored; one with the identity of a stored
  // flow takes it out of the store); flows the switch refuses; the same identity twice (the
  // last one wins); more than one step and slice of the preparation.
  const mixed = Array.from({ length: 2600 }, (_, i) =>
    i % 7 === 0 ? flow(i % 40, { idleTimeout: 30 }) : i % 11 === 0 ? flow(i, { priority: 13 }) : i % 13 === 0 ? flow(i - 1, { actions: [{ type: 'output', port: 9 }] }) : flow(i),
  );
  const bulk = async (flows: unknown[]) => (await http(bulkRig, 'POST', `/api/v1/switches/${bulkRig.dpid}/flows/bulk`, { body: { flows } })).status;
  t.equal(await bulk(base), 200);
  t.equal(await bulk(mixed), 422, 'some flows refused');
  for (const f of [...base, ...mixed]) {
    const st = (await http(oneRig, 'POST', `/api/v1/switches/${oneRig.dpid}/flows`, { body: f })).status;
    if (st !== 201 && st !== 422) t.fail(`POST /flows: ${st}`);
  }
  const stored = async (rig: typeof bulkRig) => ((await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json.flows as unknown[]).map((f) => JSON.stringify(f)).sort();
  const viaBulk = await stored(bulkRig);
  t.ok(viaBulk.length > 1500 && viaBulk.length < 2600, `${viaBulk.length} flows stored`);
  t.same(viaBulk, await stored(oneRig), 'the same stored flows');
  t.notOk(viaBulk.some((f) => f.includes('"priority":13')), 'refused flows not stored');
  t.notOk(viaBulk.some((f) => f.includes('"ipv4_dst":"10.7.0.0"')), 'a stored flow replaced by an ADD with a timeout left the store');
});
