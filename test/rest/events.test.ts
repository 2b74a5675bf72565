/**
 * The live event stream at /api/v1/events over a real WebSocket, fed by a fake topology
 * service and the bus: JSON frames by default, protobuf frames (decoded here with the .proto
 * from the repo) on request, a type filter, and a 400 for an unknown type.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import { connectEvents } from './events-client.js';
import { startFakeServer } from './ryu-fake-deps.js';

const D1 = '00000000000000a1';
const D2 = '00000000000000b2';
const Event = protobuf.loadSync(fileURLToPath(new URL('../../proto/events.proto', import.meta.url))).lookupType('weft.events.v1.Event');
const isJson = (type: string) => (f: string | Buffer) => typeof f === 'string' && JSON.parse(f).type === type;

t.test('event stream', async (t) => {
  const f = await startFakeServer({ [D1]: [], [D2]: [] });
  t.teardown(() => f.close());
  const link = { src: { dpid: D1, port: 3 }, dst: { dpid: D2, port: 4 } };
  const host = { mac: '02:00:00:00:00:07', ipv4: ['10.0.0.7'], ipv6: [], dpid: D2, port: 9, firstSeen: 1, lastSeen: 2 };

  t.test('JSON frames for switch, link, host and port events', async (t) => {
    const c = await connectEvents(`${f.wsBase}/api/v1/events`);
    t.teardown(() => c.close());
    f.bus.publish({ type: 'switch_up', dpid: D1, remoteAddress: '127.0.0.9', remotePort: 40001 });
    f.topology.emit({ type: 'linkAdded', link });
    f.topology.emit({ type: 'hostMoved', host, from: { dpid: D1, port: 5 } });
    f.topology.emit({ type: 'portModified', dpid: D2, port: 4, live: false });
    f.topology.emit({ type: 'linkRemoved', link });
    f.bus.publish({ type: 'switch_down', dpid: D1, reason: 'echo timeout' });
    const up = JSON.parse((await c.next(isJson('switch_up'))) as string);
    t.match(up, { type: 'switch_up', dpid: D1, remoteAddress: '127.0.0.9', remotePort: 40001, seq: Number });
    t.match(up.time, /^\d{4}-\d\d-\d\dT/);
    t.match(JSON.parse((await c.next(isJson('link_added'))) as string), { type: 'link_added', ...link });
    t.match(JSON.parse((await c.next(isJson('host_moved'))) as string), { type: 'host_moved', mac: host.mac, ipv4: ['10.0.0.7'], at: { dpid: D2, port: 9 }, from: { dpid: D1, port: 5 } });
    t.match(JSON.parse((await c.next(isJson('port_modified'))) as string), { type: 'port_modified', dpid: D2, port: 4, live: false });
    t.match(JSON.parse((await c.next(isJson('link_removed'))) as string), { type: 'link_removed', ...link });
    const down = JSON.parse((await c.next(isJson('switch_down'))) as string);
    t.match(down, { type: 'switch_down', dpid: D1, reason: 'echo timeout' });
    t.ok(down.seq > up.seq, 'sequence numbers increase');
  });

  t.test('protobuf frames, by query or by subprotocol, decode with proto/events.proto', async (t) => {
    const byQuery = await connectEvents(`${f.wsBase}/api/v1/events?format=protobuf`);
    const byProto = await connectEvents(`${f.wsBase}/api/v1/events`, 'weft.events.v1+protobuf');
    t.teardown(() => (byQuery.close(), byProto.close()));
    t.equal(byProto.ws.protocol, 'weft.events.v1+protobuf', 'subprotocol agreed');
    f.topology.emit({ type: 'linkRemoved', link });
    f.bus.publish({ type: 'flow_error', dpid: D2, xid: 77, errorType: 'OFPET_BAD_ACTION', errorCode: 'OFPBAC_BAD_OUT_GROUP', request: 'flowMod' });
    for (const c of [byQuery, byProto]) {
      const a = await c.next();
      t.ok(Buffer.isBuffer(a), 'binary frame');
      const ev = Event.toObject(Event.decode(a as Buffer), { longs: Number, defaults: false }) as Record<string, any>;
      t.match(ev, { type: 'link_removed', link: { src: { dpid: D1, port: 3 }, dst: { dpid: D2, port: 4 } } });
      t.ok(ev.seq > 0 && ev.timeMs > 1.6e12, 'seq and time');
      const b = Event.toObject(Event.decode((await c.next()) as Buffer), { longs: Number }) as Record<string, any>;
      t.match(b, { type: 'flow_error', flowError: { dpid: D2, xid: 77, errorType: 'OFPET_BAD_ACTION', errorCode: 'OFPBAC_BAD_OUT_GROUP', request: 'flowMod' } });
    }
  });

  t.test('a type filter, and a 400 for an unknown type', async (t) => {
    const c = await connectEvents(`${f.wsBase}/api/v1/events?types=host_added,host_removed`);
    t.teardown(() => c.close());
    f.topology.emit({ type: 'linkAdded', link });
    f.topology.emit({ type: 'hostAdded', host });
    const first = JSON.parse((await c.next()) as string);
    t.match(first, { type: 'host_added', mac: host.mac });
    t.equal(c.frames.length, 1, 'the link event was filtered out');
    await t.rejects(connectEvents(`${f.wsBase}/api/v1/events?types=link_added,bogus`), /400/);
    t.equal(f.bus.subscribers, 1, 'closed clients unsubscribed (only this one is left)');
  });
});
