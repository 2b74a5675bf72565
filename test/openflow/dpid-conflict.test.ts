import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { startServer } from './harness.js';

t.test("policy 'replace' (default): a new connection replaces an old one that has gone silent", async (t) => {
  const h = await startServer(t, { dpidProbeTimeoutMs: 300 });
  const first = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00dn });
  t.teardown(() => first.destroy());
  const oldConn = await h.events.waitUp(0xd00dn);
  // The old switch is gone without a FIN: it no longer answers anything.
  first.answerEcho = false;
  first.stopReading();
  const second = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00dn });
  t.teardown(() => second.destroy());
  const newConn = await h.events.waitFor((e) => e.kind === 'up' && e.sw !== oldConn, 5000).then((e) => e.sw);
  t.same(
    h.events.events.map((e) => [e.kind, e.sw === oldConn ? 'old' : 'new']),
    [['up', 'old'], ['down', 'old'], ['up', 'new']],
    'switchDown for the old connection comes before switchUp for the new',
  );
  const down = h.events.events[1];
  t.match(down?.kind === 'down' && down.reason, /replaced by a new connection for the same datapath from 127\.0\.0\.1:\d+ \(no echo reply within 300 ms\)/);
  t.equal(h.server.switches.get('000000000000d00d'), newConn);
  t.ok(oldConn.closed);
  t.notOk(newConn.closed);
  t.ok(h.log.lines.some((l) => l.level === 'info' && /replaced/.test(l.msg ?? '')), 'a log line for the replaced connection');
});

t.test("policy 'replace' (default): a live switch that answers the echo probe keeps its connection; the newcomer is refused", async (t) => {
  const h = await startServer(t, { dpidProbeTimeoutMs: 2000 });
  const first = await FakeSwitch.connect({ port: h.port, datapathId: 0xd01dn });
  t.teardown(() => first.destroy());
  const oldConn = await h.events.waitUp(0xd01dn);
  const echoesBefore = first.received.filter((m) => m.type === 'echoRequest').length;
  const hijacker = await FakeSwitch.connect({ port: h.port, datapathId: 0xd01dn });
  t.teardown(() => hijacker.destroy());
  await hijacker.closed;
  t.ok(first.received.filter((m) => m.type === 'echoRequest').length > echoesBefore, 'the old connection was probed with an echo request');
  t.same(h.events.events.map((e) => e.kind), ['up'], 'no switchDown, no second switchUp');
  t.notOk(oldConn.closed, 'the real switch stays connected');
  t.equal(h.server.switches.get('000000000000d01d'), oldConn);
  t.ok(h.log.lines.some((l) => l.level === 'warn' && /already connected from .* answers echo requests/.test(l.msg ?? '')), 'the refusal is logged');
  await oldConn.barrier({ timeoutMs: 1000 });
});

t.test('FEATURES_REPLY with auxiliary_id != 0 is refused; the main connection stays', async (t) => {
  const h = await startServer(t);
  const main = await FakeSwitch.connect({ port: h.port, datapathId: 0xa0a0n });
  t.teardown(() => main.destroy());
  const mainConn = await h.events.waitUp(0xa0a0n);
  const aux = await FakeSwitch.connect({ port: h.port, datapathId: 0xa0a0n, features: { auxiliaryId: 1 } });
  t.teardown(() => aux.destroy());
  await aux.closed;
  t.notOk(aux.received.some((m) => m.type === 'multipartRequest'), 'the handshake stopped at FEATURES_REPLY');
  t.same(h.events.events.map((e) => e.kind), ['up'], 'no switchDown, no second switchUp');
  t.notOk(mainConn.closed);
  t.ok(h.log.lines.some((l) => l.level === 'warn' && /auxiliary connection refused .*auxiliary_id 1/.test(l.msg ?? '')));
  await mainConn.barrier({ timeoutMs: 1000 });
});

t.test("policy 'reject': the new connection is closed and the old one stays", async (t) => {
  const h = await startServer(t, { dpidConflict: 'reject' });
  const first = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00en });
  t.teardown(() => first.destroy());
  const oldConn = await h.events.waitUp(0xd00en);
  const second = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00en });
  await second.closed;
  t.same(h.events.events.map((e) => e.kind), ['up']);
  t.notOk(oldConn.closed);
  t.ok(h.log.lines.some((l) => l.level === 'warn' && /datapath 000000000000d00e is already connected from/.test(l.msg ?? '')));
  await oldConn.barrier();
});

t.test('a dpid can reconnect after its connection closed', async (t) => {
  const h = await startServer(t, { dpidConflict: 'reject' });
  const first = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00fn });
  const oldConn = await h.events.waitUp(0xd00fn);
  first.destroy();
  await h.events.waitDown(oldConn);
  t.equal(h.server.switches.size, 0);
  const again = await FakeSwitch.connect({ port: h.port, datapathId: 0xd00fn });
  t.teardown(() => again.destroy());
  await h.events.waitFor((e) => e.kind === 'up' && e.sw !== oldConn);
  t.equal(h.server.switches.size, 1);
});

t.test('bad server options are refused with the option named', async (t) => {
  const { OpenFlowServer } = await import('../../src/openflow/server.js');
  const h = await startServer(t);
  t.throws(() => new OpenFlowServer({ listeners: [] }, h.log, h.events), /at least one listener/);
  t.throws(() => new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }], echoIntervalMs: -1 }, h.log, h.events), /echoIntervalMs/);
  t.throws(
    () => new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }], dpidConflict: 'both' as 'reject' }, h.log, h.events),
    /dpidConflict/,
  );
});
