import t from 'tap';
import { OFPGC, OFPMC } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { flowAdd, flowDelete, flowModify, packetOut, output } from '../../apps/sdk/index.js';
import { isDelete, orderBatch } from '../../src/host/ordering.js';

const group = (command: number, groupId: number): OfMessage => ({ type: 'groupMod', xid: 0, command, groupType: 0, groupId, buckets: [] });
const meter = (command: number, meterId: number): OfMessage => ({ type: 'meterMod', xid: 0, command, flags: 1, meterId, bands: [] });

t.test('deletes (flows before groups/meters), barrier, then meters, groups, flows, the rest', async (t) => {
  const msgs: [string, OfMessage][] = [
    ['po', packetOut({ data: new Uint8Array(60), actions: [output(1)] })],
    ['addFlow', flowAdd({ priority: 1 })],
    ['delGroup', group(OFPGC.DELETE, 4)],
    ['addGroup', group(OFPGC.ADD, 5)],
    ['modFlow', flowModify({ actions: [output(2)] })],
    ['delMeter', meter(OFPMC.DELETE, 6)],
    ['addMeter', meter(OFPMC.ADD, 7)],
    ['delFlow', flowDelete()],
    ['delFlow2', flowDelete({ strict: true, priority: 3 })],
  ];
  const r = orderBatch(msgs.map(([name, msg]) => ({ name, msg })));
  t.same(r.deletes.map((i) => i.name), ['delFlow', 'delFlow2', 'delGroup', 'delMeter']);
  t.equal(r.barrier, true);
  t.same(r.rest.map((i) => i.name), ['addMeter', 'addGroup', 'addFlow', 'modFlow', 'po']);
});

t.test('no barrier when there is only one side', async (t) => {
  t.equal(orderBatch([{ msg: flowDelete() }]).barrier, false);
  t.equal(orderBatch([{ msg: flowAdd({ priority: 2 }) }]).barrier, false);
  t.equal(orderBatch([]).barrier, false);
  t.ok(isDelete(flowDelete({ strict: true })));
  t.notOk(isDelete(flowModify({})));
});
