/**
 * The bulk route's bundle path against a scripted switch that does bundles: what goes on the
 * wire (xids, flags, order), and the cases a real Open vSwitch shows only with effort: the bundle
 * expiring in the switch, the switch disconnecting mid-bundle. Real OVS: bulk-bundle-ovs.test.ts.
 */
import t from 'tap';
import { decode, onf } from '../../protocol/index.js';
import { answerBundles, bundleControls, http, startRig } from './rig.js';

const flows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ table: 2, priority: 10, match: { eth_type: 2048, ipv4_dst: `10.0.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 1 }] }));


t.test('bundle path on the wire', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const bulk = `/api/v1/switches/${rig.dpid}/flows/bulk`;
  answerBundles(rig);

  t.test('open, one add per flow (inner xid = outer xid), barrier, commit', async (t) => {
    const plainBefore = rig.got('flowMod').length;
    const r = await http(rig, 'POST', bulk, { body: { flows: flows(2500) } });
    t.match(r.json, { count: 2500, accepted: 2500, atomic: true });
    const adds = rig.got('bundleAdd');
    t.equal(adds.length, 2500);
    const open = rig.got('bundleControl')[0]!;
    t.match(open, { ctrlType: onf.OFPBCT.OPEN_REQUEST, flags: onf.OFPBF.ATOMIC | onf.OFPBF.ORDERED });
    t.ok(adds.every((a) => a.bundleId === open.bundleId && a.flags === open.flags), 'same bundle id and flags');
    t.ok(adds.every((a) => decode(a.message).xid === a.xid), 'every inner message carries its add\'s xid');
    t.match(decode(adds[1234]!.message), { type: 'flowMod', tableId: 2, match: [{ field: 'eth_type' }, { field: 'ipv4_dst', value: '10.0.4.210' }] });
    t.same(bundleControls(rig, 0), [onf.OFPBCT.OPEN_REQUEST, onf.OFPBCT.COMMIT_REQUEST]);
    const stream = rig.stream();
    const commitAt = stream.findIndex((m) => m.type === 'bundleControl' && m.ctrlType === onf.OFPBCT.COMMIT_REQUEST);
    t.equal(stream[commitAt - 1]?.type, 'barrierRequest', 'a barrier between the last add and the commit');
    t.ok(stream.slice(commitAt + 1).every((m) => m.type !== 'bundleAdd'), 'no add after the commit');
    t.equal(rig.got('flowMod').length, plainBefore, 'no plain FLOW_MOD');
  });

  t.test('the switch drops the bundle (idle timeout): 503, never committed, discarded', async (t) => {
    const from = rig.got('bundleControl').length;
    answerBundles(rig, (_m, k, open) =>
      k === 1500 ? [{ type: 'error', xid: open.xid, errType: 0xffff, code: 2300 + onf.OFPBFC.TIMEOUT, experimenter: onf.ONF_EXPERIMENTER_ID, data: new Uint8Array(8) }] : undefined,
    );
    const r = await http(rig, 'POST', bulk, { body: { flows: flows(3000) } });
    t.equal(r.status, 503);
    t.match(r.json.error, { code: 'bundle_expired', openflow: { type: 'OFPET_BUNDLE_FAILED', code: 'OFPBFC_TIMEOUT' } });
    await new Promise((r) => setTimeout(r, 50));
    t.same(bundleControls(rig, from), [onf.OFPBCT.OPEN_REQUEST, onf.OFPBCT.DISCARD_REQUEST], 'no COMMIT; the bundle (or one the later adds opened) is discarded');
    const stored = (await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json.flows as unknown[];
    t.equal(stored.length, 2500, 'only the first bulk was stored');
  });

  t.test('an add error: the response lists it, accepted 0, discarded', async (t) => {
    const from = rig.got('bundleControl').length;
    answerBundles(rig, (m, k) => (k === 42 ? [{ type: 'error', xid: m.xid, errType: 2, code: 4, data: new Uint8Array(8) }] : undefined));
    const r = await http(rig, 'POST', bulk, { body: { flows: flows(100), persistent: false } });
    t.equal(r.status, 422);
    t.match(r.json.error.details, { accepted: 0, rejected: 1, atomic: true, errors: [{ index: 42, openflow: { code: 'OFPBAC_BAD_OUT_PORT' } }] });
    await new Promise((r) => setTimeout(r, 50));
    t.same(bundleControls(rig, from), [onf.OFPBCT.OPEN_REQUEST, onf.OFPBCT.DISCARD_REQUEST]);
  });

  t.test('the switch disconnects in the middle of the adds: 503, nothing committed', async (t) => {
    const from = rig.got('bundleControl').length;
    answerBundles(rig, (_m, k) => {
      if (k === 1200) rig.sw.destroy();
      return undefined;
    });
    const r = await http(rig, 'POST', bulk, { body: { flows: flows(5000), persistent: false } });
    t.equal(r.status, 503);
    t.match(r.json.error.message, /disconnected after \d+ of 5000 flows were sent in a bundle; nothing was applied/);
    t.same(bundleControls(rig, from), [onf.OFPBCT.OPEN_REQUEST]);
  });
});

t.test('a switch that ignores the OPEN (no reply, no error): plain path, learnt from a barrier, remembered', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const bulk = `/api/v1/switches/${rig.dpid}/flows/bulk`;
  rig.script.answer = (m) => (m.type === 'bundleControl' || m.type === 'bundleAdd' ? [] : undefined);
  const r = await http(rig, 'POST', bulk, { body: { flows: flows(1500), persistent: false } });
  t.match(r.json, { count: 1500, accepted: 1500, atomic: false });
  const again = await http(rig, 'POST', bulk, { body: { flows: flows(10), persistent: false } });
  t.match(again.json, { accepted: 10, atomic: false });
  t.equal(rig.got('bundleControl').length, 1, 'one OPEN only: the second bulk did not try again');
  t.equal(rig.got('bundleAdd').length, 0, 'no add sent without an open bundle');
});
