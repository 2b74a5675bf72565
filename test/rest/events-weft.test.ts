/**
 * The event stream of a running weft (startWeft): a fake switch connecting and leaving gives
 * switch_up / switch_down, and a write the switch refuses gives a flow_error naming the error
 * and the refused message type.
 */
import t from 'tap';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { errorOf, http, startRig } from './rig.js';
import { connectEvents } from './events-client.js';
import { encode } from '../../protocol/index.js';

const isType = (type: string) => (f: string | Buffer) => typeof f === 'string' && JSON.parse(f).type === type;

t.test('events from a running weft', async (t) => {
  const rig = await startRig({ noSwitch: true });
  t.teardown(() => rig.close());
  const c = await connectEvents(`${rig.base.replace('http', 'ws')}/api/v1/events`);
  t.teardown(() => c.close());
  const sw = await FakeSwitch.connect({
    port: rig.weft.addresses()[0]!.port,
    datapathId: 0xabc1n,
    ports: [makePort(1, 'p1'), makePort(2, 'p2')],
    handler: (m) => (m.type === 'flowMod' && m.priority === 4242 ? [{ type: 'error', xid: m.xid, ...errorOf('OFPET_BAD_ACTION/OFPBAC_BAD_OUT_GROUP'), data: encode(m).subarray(0, 64) }] : undefined),
  });
  const up = JSON.parse((await c.next(isType('switch_up'))) as string);
  t.match(up, { type: 'switch_up', dpid: '000000000000abc1', remoteAddress: /127\.0\.0\.1/ });

  const native = await http(rig, 'POST', '/api/v1/switches/000000000000abc1/flows', { body: { priority: 4242, actions: [{ type: 'group', groupId: 99 }] } });
  t.equal(native.status, 422);
  const err = JSON.parse((await c.next(isType('flow_error'))) as string);
  t.match(err, { type: 'flow_error', dpid: '000000000000abc1', errorType: 'OFPET_BAD_ACTION', errorCode: 'OFPBAC_BAD_OUT_GROUP', request: 'flowMod', xid: Number });

  const ryu = await http(rig, 'POST', '/stats/flowentry/add', { body: { dpid: 0xabc1, priority: 4242, actions: [{ type: 'GROUP', group_id: 99 }] } });
  t.equal(ryu.status, 422);
  t.match(JSON.parse((await c.next(isType('flow_error'))) as string), { type: 'flow_error', request: 'flowMod' });

  sw.destroy();
  t.match(JSON.parse((await c.next(isType('switch_down'))) as string), { type: 'switch_down', dpid: '000000000000abc1', reason: String });
});
