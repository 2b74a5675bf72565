/**
 * The bulk route's atomic path against a real Open vSwitch (private instance): the flows go into
 * an ONF bundle and are committed together, or none is applied. Each case is compared with the
 * plain path (no bundles: flows streamed, partial acceptance) on the same switch.
 */
import t from 'tap';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import { startOvsRig } from './ovs-rig.js';
import { http } from './rig.js';

const flowsFor = (table: number, n: number, patch: Record<number, object> = {}) =>
  Array.from({ length: n }, (_, i) => ({
    table, priority: 1000 + (i % 5), cookie: '0xb0',
    match: { eth_type: 2048, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    actions: [{ type: 'output', port: 1 + (i % 2) }],
    ...patch[i],
  }));

t.test('bulk route with bundles against Open vSwitch', async (t) => {
  const { ovs, rig, br, dpid, dump } = await startOvsRig(t, 'wb', 'b0b0');
  const bulk = `/api/v1/switches/${dpid}/flows/bulk`;
  const conn = rig.weft.server.switches.get(dpid) as SwitchConnection;
  const stored = async () => ((await http(rig, 'GET', `/api/v1/state/switches/${dpid}`)).json as { flows: unknown[] }).flows.length;
  /** The plain path: this connection offers no claimErrors, so the route does not try a bundle. */
  const plain = async <T>(f: () => Promise<T>): Promise<T> => {
    Object.defineProperty(conn, 'claimErrors', { value: undefined, configurable: true, writable: true });
    try {
      return await f();
    } finally {
      delete (conn as { claimErrors?: unknown }).claimErrors;
    }
  };
  const clear = (table: number) => ovs.ofctl('-O', 'OpenFlow13', 'del-flows', br, `table=${table}`);

  t.test('all flows committed in one bundle: the same table as the plain path gives', async (t) => {
    const list = flowsFor(5, 3500);
    const before = await stored();
    const r = await http(rig, 'POST', bulk, { body: { flows: list } });
    t.equal(r.status, 200, JSON.stringify(r.json).slice(0, 300));
    t.match(r.json, { count: 3500, accepted: 3500, atomic: true });
    const viaBundle = await dump(5);
    t.equal(viaBundle.length, 3500, 'every flow installed');
    t.equal(await stored(), before + 3500, 'stored after the commit');
    // The store operations were prepared while the adds were sent (only flows already encoded):
    // every flow is stored in its REST form.
    const rows = ((await http(rig, 'GET', `/api/v1/state/switches/${dpid}`)).json as { flows: { table: number; match: { ipv4_dst?: string }; priority: number }[] }).flows.filter((f) => f.table === 5);
    t.same(rows.map((f) => f.match.ipv4_dst).sort(), list.map((f) => f.match.ipv4_dst).sort(), 'each flow stored once');
    t.match(rows.find((f) => f.match.ipv4_dst === '10.0.4.210'), { table: 5, priority: 1000 + (1234 % 5), match: { eth_type: 2048, ipv4_dst: '10.0.4.210' } });
    await clear(5);
    const p = await plain(() => http(rig, 'POST', bulk, { body: { flows: list, persistent: false } }));
    t.match(p.json, { count: 3500, accepted: 3500, atomic: false });
    t.same(await dump(5), viaBundle, 'the plain path installs the same flows');
    await clear(5);
  });

  t.test('a bad flow in the body (third slice, after adds were sent): 400, nothing installed', async (t) => {
    const list = flowsFor(6, 2600, { 2345: { match: { eth_dst: 'nope' } } });
    const before = await stored();
    const r = await http(rig, 'POST', bulk, { body: { flows: list } });
    t.equal(r.status, 400);
    t.equal(r.json.error.field, 'flows[2345].match.eth_dst');
    t.same(await dump(6), [], 'the bundle was discarded');
    t.equal(await stored(), before);
    const p = await plain(() => http(rig, 'POST', bulk, { body: { flows: list } }));
    t.same([p.status, p.json.error.field], [400, 'flows[2345].match.eth_dst'], 'the plain path says the same');
    // The discarded bundle left nothing behind that a later bulk could commit.
    const ok = await http(rig, 'POST', bulk, { body: { flows: flowsFor(6, 10), persistent: false } });
    t.match(ok.json, { accepted: 10, atomic: true });
    t.equal((await dump(6)).length, 10, 'only the later bulk');
    await clear(6);
  });

  t.test('flows OVS refuses when they are added (output to port 70000): none installed, errors by index', async (t) => {
    const bad = { actions: [{ type: 'output', port: 70000 }] };
    const list = flowsFor(7, 2200, { 17: bad, 2100: bad });
    const before = await stored();
    const r = await http(rig, 'POST', bulk, { body: { flows: list } });
    t.equal(r.status, 422, JSON.stringify(r.json).slice(0, 400));
    t.match(r.json.error, { message: '2 of 2200 flows were rejected; none was applied (the bundle was discarded)', openflow: { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_PORT' } });
    t.match(r.json.error.details, { count: 2200, accepted: 0, rejected: 2, atomic: true });
    const errors = r.json.error.details.errors;
    t.same(errors.map((e: { index: number }) => e.index), [17, 2100]);
    t.same(await dump(7), [], 'nothing installed');
    t.equal(await stored(), before, 'nothing stored');
    // The same errors at the same indexes on the plain path, which installs the rest.
    const p = await plain(() => http(rig, 'POST', bulk, { body: { flows: list, persistent: false } }));
    t.match(p.json.error.details, { count: 2200, accepted: 2198, rejected: 2, atomic: false });
    t.same(p.json.error.details.errors, errors, 'same indexes and OpenFlow names');
    t.equal((await dump(7)).length, 2198);
    await clear(7);
  });

  t.test('a flow OVS refuses only at commit (missing meter): the commit fails, none installed', async (t) => {
    const list = flowsFor(8, 1500, { 1234: { instructions: [{ type: 'meter', meterId: 99 }, { type: 'applyActions', actions: [{ type: 'output', port: 1 }] }], actions: undefined } });
    const before = await stored();
    const r = await http(rig, 'POST', bulk, { body: { flows: list } });
    t.equal(r.status, 422, JSON.stringify(r.json).slice(0, 400));
    t.match(r.json.error.details, { count: 1500, accepted: 0, rejected: 1, atomic: true, commitError: { type: 'OFPET_BUNDLE_FAILED', code: 'OFPBFC_MSG_FAILED' } });
    t.same(r.json.error.details.errors, [{ index: 1234, message: 'rejected by the switch', openflow: { type: 'OFPET_METER_MOD_FAILED', code: 'OFPMMFC_INVALID_METER' } }]);
    t.match(r.json.error.message, /^the switch refused to commit the bundle \(OFPET_BUNDLE_FAILED\/OFPBFC_MSG_FAILED, 1 flow failed\); none of the 1500 flows was applied$/);
    t.same(await dump(8), [], 'nothing installed');
    t.equal(await stored(), before);
    const p = await plain(() => http(rig, 'POST', bulk, { body: { flows: list, persistent: false } }));
    t.same(p.json.error.details.errors, r.json.error.details.errors, 'the plain path names the same flow and error');
    t.equal((await dump(8)).length, 1499);
    await clear(8);
  });

  t.test('modify and delete go through bundles too', async (t) => {
    const list = flowsFor(9, 300);
    t.equal((await http(rig, 'POST', bulk, { body: { flows: list, persistent: false } })).json.atomic, true);
    const mod = await http(rig, 'POST', bulk, { body: { command: 'modify', persistent: false, flows: list.map((f) => ({ ...f, actions: [{ type: 'output', port: 2 }] })) } });
    t.match(mod.json, { accepted: 300, atomic: true });
    const flows = await dump(9);
    t.ok(flows.every((l) => l.endsWith('actions=output:2')), 'every flow modified');
    const del = await http(rig, 'POST', bulk, { body: { command: 'delete', persistent: false, flows: [{ table: 9 }] } });
    t.match(del.json, { accepted: 1, atomic: true });
    t.same(await dump(9), []);
  });
});
