/**
 * OpenFlowServer.onLifecycle: observers beside the app host (the REST event bus, a worker's
 * reports) hear switch up/down after the host and never see the messages in between.
 */
import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import { startServer } from './harness.js';

t.test('listeners hear up and down after the app host, and no messages', async (t) => {
  const h = await startServer(t);
  const heard: string[] = [];
  h.server.onLifecycle({
    switchUp: (sw) => heard.push(`up ${sw.info.dpid} host saw ${h.events.events.map((e) => e.kind).join(',')}`),
    switchDown: (sw, reason) => heard.push(`down ${sw.info.dpid} ${reason} host saw ${h.events.events.map((e) => e.kind).join(',')}`),
  });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0x1f1n });
  const conn = await h.events.waitUp(0x1f1n);
  sw.send({ type: 'echoReply', xid: 77, data: new Uint8Array([1]) });
  sw.send({ type: 'portStatus', xid: 0, reason: 0, desc: { portNo: 9, hwAddr: '02:00:00:00:00:09', name: 'p9', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 } });
  await h.events.waitFor((e) => e.kind === 'message', 3000, 'the port status at the host');
  sw.destroy();
  await h.events.waitDown(conn);
  t.same(heard, ['up 00000000000001f1 host saw up', `down 00000000000001f1 ${(h.events.events.at(-1) as { reason: string }).reason} host saw up,message,down`]);
});

t.test('a listener that throws is logged; the other listeners and the host still run; removal works', async (t) => {
  const h = await startServer(t);
  const ups: string[] = [];
  h.server.onLifecycle({
    switchUp: () => {
      throw new Error('listener bug');
    },
  });
  const remove = h.server.onLifecycle({ switchUp: (sw: SwitchConnection) => ups.push(`removed ${sw.info.dpid}`) });
  h.server.onLifecycle({ switchUp: (sw: SwitchConnection) => ups.push(sw.info.dpid) });
  const a = await FakeSwitch.connect({ port: h.port, datapathId: 0x1f2n });
  t.teardown(() => a.destroy());
  await h.events.waitUp(0x1f2n);
  t.same(ups, ['removed 00000000000001f2', '00000000000001f2']);
  t.ok(h.log.lines.some((l) => l.level === 'error' && /lifecycle listener's switchUp threw/.test(l.msg ?? '')), 'the throw is logged');
  remove();
  const b = await FakeSwitch.connect({ port: h.port, datapathId: 0x1f3n });
  t.teardown(() => b.destroy());
  await h.events.waitUp(0x1f3n);
  t.same(ups, ['removed 00000000000001f2', '00000000000001f2', '00000000000001f3'], 'a removed listener hears nothing more');
  t.notOk(h.server.switches.get('00000000000001f2')?.closed, 'the connection stays up');
});
