import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { sleep, startServer } from './harness.js';

t.test("the switch's echo requests are answered at once with the same xid and data", async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xe1n });
  t.teardown(() => sw.destroy());
  await h.events.waitUp(0xe1n);
  sw.send({ type: 'echoRequest', xid: 0x0bad_cafe, data: Buffer.from('ping-payload-93') });
  const reply = await sw.waitFor((m) => m.type === 'echoReply' && m.xid === 0x0bad_cafe, 1000);
  t.equal(reply.type === 'echoReply' && Buffer.from(reply.data).toString(), 'ping-payload-93');
});

t.test('echo requests are answered during the handshake too', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port });
  t.teardown(() => sw.destroy());
  sw.answerHandshake = false;
  await sw.waitForType('featuresRequest');
  sw.send({ type: 'echoRequest', xid: 0x31, data: new Uint8Array([9, 8, 7]) });
  const reply = await sw.waitFor((m) => m.type === 'echoReply' && m.xid === 0x31, 1000);
  t.same(reply.type === 'echoReply' && [...reply.data], [9, 8, 7]);
});

t.test('an idle switch gets echo requests; one that stops answering is closed after echoMaxMissed', async (t) => {
  const h = await startServer(t, { echoIntervalMs: 80, echoMaxMissed: 2 });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xe2n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xe2n);
  await sleep(450);
  const echoes = sw.received.filter((m) => m.type === 'echoRequest');
  t.ok(echoes.length >= 3, `answered echoes keep it alive (${echoes.length} sent)`);
  t.notOk(conn.closed, 'still connected while answering');
  t.ok(echoes.every((m) => m.xid !== 0), 'echo xids are never 0');

  sw.answerEcho = false;
  const before = Date.now();
  const reason = await h.events.waitDown(conn, 4000);
  const took = Date.now() - before;
  t.match(reason, /no reply to 2 echo requests/);
  // Silent for one interval, then 2 unanswered echoes one interval apart, then the close.
  t.ok(took >= 150 && took < 3000, `closed ${took} ms after the switch went silent`);
  await sw.closed;
  const line = h.log.lines.find((l) => l.level === 'warn' && /echo/.test(l.msg ?? ''));
  t.ok(line, 'one warn line');
});

t.test('a busy switch is not sent echo requests', async (t) => {
  const h = await startServer(t, { echoIntervalMs: 120, echoMaxMissed: 1 });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xe3n });
  t.teardown(() => sw.destroy());
  sw.answerEcho = false;
  const conn = await h.events.waitUp(0xe3n);
  // Traffic more often than the interval proves liveness without echo.
  for (let i = 0; i < 12; i++) {
    sw.send({ type: 'echoRequest', xid: 100 + i, data: new Uint8Array(0) });
    await sleep(40);
  }
  t.notOk(conn.closed);
  t.equal(sw.received.filter((m) => m.type === 'echoRequest').length, 0);
});
