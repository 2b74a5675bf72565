import t from 'tap';
import { OFPET, OFPHFC, OFPPR } from '../../protocol/index.js';
import type { HelloElement, MultipartRequest, SetConfig } from '../../protocol/index.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { startServer, until } from './harness.js';

const PORTS = [makePort(3, 'veth-a'), makePort(7, 'veth-b', { config: 1, state: 1 }), makePort(0xfffffffe, 'br-int')];
const DESC = { mfrDesc: 'Acme Nets', hwDesc: 'XS-9000', swDesc: '3.1.9-test', serialNum: 'QX12', dpDesc: 'rack 4 top' };

t.test('handshake: HELLO, FEATURES, SET_CONFIG, PORT_DESC (2 parts), DESC, then switchUp with ports', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0x00aa_bb00_cc00_dd01n,
    features: { nTables: 77, capabilities: 0x47, nBuffers: 0 },
    ports: PORTS,
    portDescParts: 2,
    desc: DESC,
  });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0x00aa_bb00_cc00_dd01n);
  const info = conn.info;
  t.equal(info.dpid, '00aabb00cc00dd01');
  t.equal(info.features.nTables, 77);
  t.equal(info.features.capabilities, 0x47);
  t.same([...info.ports.keys()], [3, 7, 0xfffffffe]);
  t.same(info.ports.get(7), PORTS[1]);
  t.same(info.desc, DESC);
  t.equal(info.tls, false);
  t.equal(info.remoteAddress, '127.0.0.1');
  t.equal(info.remotePort, sw.socket.localPort);
  t.ok(info.connectedAt > Date.now() - 5000 && info.connectedAt <= Date.now());
  t.equal(conn.state, 'main');
  t.equal(h.server.switches.get('00aabb00cc00dd01'), conn);

  // What the controller sent, in order.
  const types = sw.received.map((m) => m.type);
  t.same(types.slice(0, 3), ['hello', 'featuresRequest', 'setConfig']);
  const hello = sw.received[0]!;
  t.same(hello.type === 'hello' && hello.elements, [{ type: 'versionBitmap', bitmaps: [0x10] }]);
  t.equal(hello.type === 'hello' && hello.version, 4);
  const setConfig = sw.received[2] as SetConfig;
  t.equal(setConfig.missSendLen, 0xffff, 'miss_send_len NO_BUFFER by default');
  t.equal(setConfig.flags, 0);
  const kinds = sw.received.filter((m): m is MultipartRequest => m.type === 'multipartRequest').map((m) => m.body.kind);
  t.same(kinds.sort(), ['desc', 'portDesc']);
  t.ok(sw.received.every((m) => m.xid !== 0), 'no xid 0');
  t.equal(new Set(sw.received.map((m) => m.xid)).size, sw.received.length, 'xids distinct');
});

t.test('handshake survives messages split at every few bytes, and miss_send_len is configurable', async (t) => {
  const h = await startServer(t, { missSendLen: 0x0180 });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0x77n, fragment: 5, ports: PORTS, portDescParts: 3 });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0x77n);
  t.equal(conn.info.ports.size, 3);
  const sc = await sw.waitForType('setConfig');
  t.equal(sc.missSendLen, 0x0180);
});

t.test('a peer without 1.3 gets HELLO_FAILED/INCOMPATIBLE and is closed', async (t) => {
  const h = await startServer(t);
  const cases: [string, number, HelloElement[]][] = [
    ['OpenFlow 1.0 HELLO without bitmap', 1, []],
    ['bitmap offering 1.0 and 1.4 only', 5, [{ type: 'versionBitmap', bitmaps: [0x22] }]],
  ];
  for (const [name, helloVersion, helloElements] of cases) {
    const sw = await FakeSwitch.connect({ port: h.port, helloVersion, helloElements });
    const err = await sw.waitForType('error');
    t.equal(err.errType, OFPET.HELLO_FAILED, name);
    t.equal(err.code, OFPHFC.INCOMPATIBLE, name);
    t.equal(err.xid, 0x5117, `${name}: the ERROR carries the HELLO's xid`);
    t.match(Buffer.from(err.data).toString(), /we support version 0x04/, name);
    await sw.closed;
    t.notOk(sw.received.some((m) => m.type === 'featuresRequest'), `${name}: no FEATURES_REQUEST`);
  }
  t.equal(h.events.events.length, 0, 'no switchUp');
  const lines = h.log.lines.filter((l) => /version negotiation failed/.test(l.msg ?? ''));
  t.equal(lines.length, 2);
  t.equal(lines[0]!.level, 'warn');
});

t.test('a HELLO of a later version without a bitmap negotiates 1.3', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0x55n, helloVersion: 6, helloElements: [] });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0x55n);
  t.equal(conn.info.dpid, '0000000000000055');
});

t.test('handshake timeout closes a switch that never answers FEATURES', async (t) => {
  const h = await startServer(t, { handshakeTimeoutMs: 150 });
  const sw = await FakeSwitch.connect({ port: h.port });
  sw.answerHandshake = false;
  const started = Date.now();
  await sw.closed;
  const took = Date.now() - started;
  t.ok(took >= 100 && took < 2000, `closed after ${took} ms`);
  t.equal(h.events.events.length, 0);
  const line = h.log.lines.find((l) => /handshake/.test(l.msg ?? '') && l.level === 'warn');
  t.ok(line, 'one warn line about the handshake');
  t.match(line?.msg, /not completed within 150 ms/);
});

t.test('PORT_STATUS updates info.ports before the message is emitted', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0x99n, ports: PORTS });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0x99n);
  let seenPorts: number[] = [];
  const added = makePort(12, 'veth-new', { currSpeed: 424242 });
  const waiting = h.events.waitFor((e) => e.kind === 'message' && e.msg.type === 'portStatus' && e.msg.reason === OFPPR.ADD).then(() => {
    seenPorts = [...conn.info.ports.keys()];
  });
  sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.ADD, desc: added });
  await waiting;
  t.same(seenPorts, [3, 7, 0xfffffffe, 12]);
  t.equal(conn.info.ports.get(12)?.currSpeed, 424242);
  sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.DELETE, desc: PORTS[0]! });
  sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.MODIFY, desc: { ...PORTS[1]!, state: 4, config: 0 } });
  await until(() => !conn.info.ports.has(3) && conn.info.ports.get(7)?.state === 4, 2000, 'port delete and modify');
  t.same([...conn.info.ports.keys()].sort((a, b) => a - b), [7, 12, 0xfffffffe]);
});

t.test('stop() closes switches with switchDown and closes the listener', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0x1234n });
  const conn = await h.events.waitUp(0x1234n);
  await h.server.stop();
  t.equal(await h.events.waitDown(conn), 'controller shutting down');
  await sw.closed;
  t.equal(h.server.connectionCount, 0);
  await t.rejects(FakeSwitch.connect({ port: h.port }), 'listener closed');
});

t.test('a port in use gives a clear error', async (t) => {
  const h = await startServer(t);
  const { OpenFlowServer } = await import('../../src/openflow/server.js');
  const second = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: h.port }] }, h.log, h.events);
  await t.rejects(second.start(), { message: `OpenFlow listener 127.0.0.1:${h.port}: address already in use` });
});


t.test('a pino logger fits the server', async (t) => {
  const { pino } = await import('pino');
  const { OpenFlowServer } = await import('../../src/openflow/server.js');
  const { EventLog } = await import('./harness.js');
  const events = new EventLog();
  const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }] }, pino({ level: 'silent' }), events);
  await server.start();
  t.teardown(() => server.stop());
  const sw = await FakeSwitch.connect({ port: server.addresses()[0]!.port, datapathId: 0x9170n });
  t.teardown(() => sw.destroy());
  const conn = await events.waitUp(0x9170n);
  t.equal(conn.info.dpid, '0000000000009170');
});
