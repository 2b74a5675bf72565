/** Group and meter routes over real HTTP against a scripted fake switch. */
import t from 'tap';
import { OFPG_ALL, OFPG_ANY, OFPGC, OFPGT, OFPM_ALL, OFPMC, OFPMF, OFPP } from '../../protocol/index.js';
import { http, startRig } from './rig.js';

t.test('groups', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const groups = `/api/v1/switches/${rig.dpid}/groups`;
  const last = () => rig.got('groupMod').at(-1)!;

  const add = await http(rig, 'POST', groups, {
    body: { groupId: 7, type: 'select', buckets: [{ weight: 3, actions: [{ type: 'output', port: 1 }] }, { weight: 5, watchPort: 2, actions: [{ type: 'setQueue', queueId: 4 }, { type: 'output', port: 2 }] }] },
  });
  t.equal(add.status, 201);
  t.same({ ...last(), xid: 0 }, {
    type: 'groupMod', xid: 0, command: OFPGC.ADD, groupType: OFPGT.SELECT, groupId: 7,
    buckets: [
      { weight: 3, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 1, maxLen: 0 }] },
      { weight: 5, watchPort: 2, watchGroup: OFPG_ANY, actions: [{ type: 'setQueue', queueId: 4 }, { type: 'output', port: 2, maxLen: 0 }] },
    ],
  });
  t.same(add.json.buckets[1], { weight: 5, watchPort: 2, watchGroup: OFPG_ANY, actions: [{ type: 'setQueue', queueId: 4 }, { type: 'output', port: 2, maxLen: 0 }] });

  const put = await http(rig, 'PUT', `${groups}/7`, { body: { type: 'all', buckets: [{ actions: [{ type: 'output', port: 'FLOOD' }] }] } });
  t.equal(put.status, 200);
  t.match(last(), { command: OFPGC.MODIFY, groupType: OFPGT.ALL, groupId: 7, buckets: [{ actions: [{ type: 'output', port: OFPP.FLOOD }] }] });
  const mismatch = await http(rig, 'PUT', `${groups}/7`, { body: { groupId: 8, type: 'all' } });
  t.equal(mismatch.status, 400);
  t.equal(mismatch.json.error.field, 'groupId');

  const del = await http(rig, 'DELETE', `${groups}/7`);
  t.equal(del.status, 204);
  t.match(last(), { command: OFPGC.DELETE, groupId: 7 });
  const delAll = await http(rig, 'DELETE', groups);
  t.equal(delAll.status, 204);
  t.match(last(), { command: OFPGC.DELETE, groupId: OFPG_ALL });

  rig.script.groups = [
    { groupType: OFPGT.INDIRECT, groupId: 12, buckets: [{ weight: 0, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 3, maxLen: 0 }] }] },
    { groupType: OFPGT.FF, groupId: 5, buckets: [] },
  ];
  rig.script.groupStats = [{ groupId: 12, refCount: 2, packetCount: 40n, byteCount: 4000n, durationSec: 9, durationNsec: 1, bucketStats: [{ packetCount: 40n, byteCount: 4000n }] }];
  const list = await http(rig, 'GET', groups);
  t.equal(list.status, 200);
  t.same(list.json.map((g: { groupId: number; type: string }) => [g.groupId, g.type]), [[5, 'ff'], [12, 'indirect']]);
  t.match(list.json[1], { refCount: 2, packetCount: 40, byteCount: 4000, durationSec: 9, bucketStats: [{ packetCount: 40, byteCount: 4000 }] });
  const one = await http(rig, 'GET', `${groups}/12`);
  t.equal(one.json.groupId, 12);
  const none = await http(rig, 'GET', `${groups}/13`);
  t.equal(none.status, 404);

  const badType = await http(rig, 'POST', groups, { body: { groupId: 1, type: 'fancy' } });
  t.equal(badType.status, 400);
  t.equal(badType.json.error.field, 'type');
  const noId = await http(rig, 'POST', groups, { body: { type: 'all' } });
  t.equal(noId.json.error.field, 'groupId');

  rig.script.reject = (m) => (m.type === 'groupMod' && m.command === OFPGC.ADD ? 'OFPET_GROUP_MOD_FAILED/OFPGMFC_GROUP_EXISTS' : undefined);
  const exists = await http(rig, 'POST', groups, { body: { groupId: 12, type: 'indirect', buckets: [] } });
  rig.script.reject = undefined;
  t.equal(exists.status, 409);
  t.same(exists.json.error.openflow, { type: 'OFPET_GROUP_MOD_FAILED', code: 'OFPGMFC_GROUP_EXISTS' });
});

t.test('meters', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const meters = `/api/v1/switches/${rig.dpid}/meters`;
  const last = () => rig.got('meterMod').at(-1)!;

  const add = await http(rig, 'POST', meters, { body: { meterId: 3, flags: ['pktps', 'burst', 'stats'], bands: [{ type: 'drop', rate: 1000, burstSize: 100 }, { type: 'dscpRemark', rate: 500, burstSize: 50, precLevel: 2 }] } });
  t.equal(add.status, 201);
  t.same({ ...last(), xid: 0 }, {
    type: 'meterMod', xid: 0, command: OFPMC.ADD, flags: OFPMF.PKTPS | OFPMF.BURST | OFPMF.STATS, meterId: 3,
    bands: [{ type: 'drop', rate: 1000, burstSize: 100 }, { type: 'dscpRemark', rate: 500, burstSize: 50, precLevel: 2 }],
  });
  t.same(add.json.flags, ['pktps', 'burst', 'stats']);
  const put = await http(rig, 'PUT', `${meters}/3`, { body: { bands: [{ type: 'drop', rate: 64 }] } });
  t.equal(put.status, 200);
  t.match(last(), { command: OFPMC.MODIFY, meterId: 3, flags: OFPMF.KBPS, bands: [{ type: 'drop', rate: 64, burstSize: 0 }] });
  const del = await http(rig, 'DELETE', `${meters}/3`);
  t.equal(del.status, 204);
  t.match(last(), { command: OFPMC.DELETE, meterId: 3, bands: [] });

  rig.script.meters = [{ flags: OFPMF.KBPS, meterId: 9, bands: [{ type: 'drop', rate: 2000, burstSize: 0 }] }];
  rig.script.meterStats = [{ meterId: 9, flowCount: 4, packetInCount: 10n, byteInCount: 1000n, durationSec: 5, durationNsec: 6, bandStats: [{ packetBandCount: 1n, byteBandCount: 100n }] }];
  const list = await http(rig, 'GET', meters);
  t.equal(list.status, 200);
  t.same(list.json, [{ meterId: 9, flags: ['kbps'], bands: [{ type: 'drop', rate: 2000, burstSize: 0 }], flowCount: 4, packetInCount: 10, byteInCount: 1000, durationSec: 5, bandStats: [{ packetCount: 1, byteCount: 100 }] }]);
  t.match(rig.got('multipartRequest').filter((m) => m.body.kind === 'meterConfig').at(-1)!.body, { meterId: OFPM_ALL });
  const one = await http(rig, 'GET', `${meters}/9`);
  t.equal(one.json.meterId, 9);
  t.match(rig.got('multipartRequest').filter((m) => m.body.kind === 'meterConfig').at(-1)!.body, { meterId: 9 });
  t.equal((await http(rig, 'GET', `${meters}/10`)).status, 404);

  const badBand = await http(rig, 'POST', meters, { body: { meterId: 4, bands: [{ type: 'drop' }] } });
  t.equal(badBand.status, 400);
  t.equal(badBand.json.error.field, 'bands[0].rate');
  rig.script.reject = (m) => (m.type === 'meterMod' ? 'OFPET_METER_MOD_FAILED/OFPMMFC_INVALID_METER' : undefined);
  const refused = await http(rig, 'POST', meters, { body: { meterId: 4, bands: [{ type: 'drop', rate: 1 }] } });
  rig.script.reject = undefined;
  t.equal(refused.status, 422);
  t.same(refused.json.error.openflow, { type: 'OFPET_METER_MOD_FAILED', code: 'OFPMMFC_INVALID_METER' });
});
