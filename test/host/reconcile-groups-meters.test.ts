/**
 * Reconciliation of groups and meters on the fake switch (which keeps group and meter tables and
 * answers GROUP_DESC / METER_CONFIG): missing ones added, different ones modified, identical ones
 * untouched, ones nobody wants left alone, a refused one counted as failed; meters and groups go
 * out before the flows that use them.
 */
import t from 'tap';
import { OFPET, OFPG_ANY, OFPGC, OFPGMFC, OFPGT, OFPMC, OFPMF, OFPP } from '../../protocol/index.js';
import type { GroupMod, MeterMod, OfMessage } from '../../protocol/index.js';
import { flowAdd } from '../../apps/sdk/index.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { makeHost } from './helpers.js';

const DPID = '0000000000000001';
const group = (groupId: number, port: number): GroupMod => ({
  type: 'groupMod', xid: 0, command: OFPGC.ADD, groupType: OFPGT.ALL, groupId,
  buckets: [{ weight: 0, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port, maxLen: 0 }] }],
});
const meter = (meterId: number, rate: number): MeterMod => ({
  type: 'meterMod', xid: 0, command: OFPMC.ADD, flags: OFPMF.KBPS, meterId, bands: [{ type: 'drop', rate, burstSize: 0 }],
});

/** A host with one desired-state source whose groups, meters and flows the test sets. */
function rig(want: { groups: GroupMod[]; meters: MeterMod[] }) {
  const { host, clock, lines } = makeHost([], { reconcile: { auditIntervalMs: 0 } });
  const flow = flowAdd({ priority: 5, match: { in_port: 1 }, instructions: [{ type: 'meter', meterId: 1 }, { type: 'applyActions', actions: [{ type: 'group', groupId: 1 }] }], cookie: 0xabcd_0000_0000_0001n });
  host.addDesiredSource({
    name: 'store',
    owns: (c) => c >> 48n === 0xabcdn,
    flows: (dpid) => (dpid === DPID ? [flow] : []),
    groups: (dpid) => (dpid === DPID ? want.groups : []),
    meters: (dpid) => (dpid === DPID ? want.meters : []),
  });
  const f = new FakeDatapath({ clock: clock.now });
  return { host, f, lines };
}
const sentMods = (f: FakeDatapath) => f.sent.filter((m): m is GroupMod | MeterMod => m.type === 'groupMod' || m.type === 'meterMod');
const last = (host: ReturnType<typeof makeHost>['host']) => host.reconciler.status(DPID)!.last!;

t.test('a fresh switch gets the groups and meters, before the flow that uses them; a second run sends nothing', async (t) => {
  const { host, f } = rig({ groups: [group(1, 2), group(2, 3)], meters: [meter(1, 1000)] });
  f.connect(host);
  t.match(last(host), { error: null, groups: { added: 2, modified: 0, kept: 0, failed: 0 }, meters: { added: 1, modified: 0, kept: 0, failed: 0 }, flows: { added: 1, failed: 0 } });
  t.same([...f.groupMeter.groups.keys()].sort(), [1, 2]);
  t.same([...f.groupMeter.meters.keys()], [1]);
  const order = f.sent.filter((m) => ['meterMod', 'groupMod', 'flowMod'].includes(m.type)).map((m) => m.type);
  t.same(order, ['meterMod', 'groupMod', 'groupMod', 'flowMod'], 'meters, then groups, then the flow');
  t.equal(f.errorsSent.length, 0, 'the switch refused nothing');

  const before = sentMods(f).length;
  const again = await host.reconciler.reconcile(DPID, 'request');
  t.match(again, { groups: { added: 0, modified: 0, kept: 2 }, meters: { added: 0, modified: 0, kept: 1 }, flows: { kept: 1, added: 0 } });
  t.equal(sentMods(f).length, before, 'identical groups and meters: no GROUP_MOD or METER_MOD');
});

t.test('different ones are modified in place; ones nobody wants are left alone', async (t) => {
  const { host, f } = rig({ groups: [group(1, 2)], meters: [meter(1, 1000)] });
  // What an earlier configuration left on the switch.
  for (const m of [group(1, 7), group(9, 4), meter(1, 64), meter(5, 10)] as OfMessage[]) f.send(m);
  f.sent.length = 0;
  f.connect(host);
  t.match(last(host), { groups: { added: 0, modified: 1, kept: 0, failed: 0 }, meters: { added: 0, modified: 1, kept: 0, failed: 0 } });
  t.same(sentMods(f).map((m) => [m.type, m.command, 'groupId' in m ? m.groupId : m.meterId]), [['meterMod', OFPMC.MODIFY, 1], ['groupMod', OFPGC.MODIFY, 1]]);
  t.same(f.groupMeter.groups.get(1)!.buckets[0]!.actions, [{ type: 'output', port: 2, maxLen: 0 }], 'group 1 now outputs to 2');
  t.same(f.groupMeter.meters.get(1)!.bands, [{ type: 'drop', rate: 1000, burstSize: 0 }], 'meter 1 now drops above 1000 kb/s');
  t.ok(f.groupMeter.groups.has(9) && f.groupMeter.meters.has(5), 'group 9 and meter 5 (no owner known) still there');
});

t.test('a group the switch refuses is counted as failed and logged; the rest goes on', async (t) => {
  const { host, f, lines } = rig({ groups: [group(1, 2), group(2, 3)], meters: [] });
  f.reject((m) => m.type === 'groupMod' && m.groupId === 2, OFPET.GROUP_MOD_FAILED, OFPGMFC.OUT_OF_GROUPS);
  f.connect(host);
  await new Promise((r) => setImmediate(r));
  t.match(last(host).groups, { added: 1, failed: 1 });
  t.same([...f.groupMeter.groups.keys()], [1]);
  t.ok(lines.some((l) => l.msg === 'switch refused a reconciliation message' && /groupMod 2/.test(String(l.what))), 'logged with the group id');
});
