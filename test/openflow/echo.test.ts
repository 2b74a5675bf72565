import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { encode } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { OpenFlowServer } from '../../src/openflow/server.js';
import type { ConnectionEvents, SwitchConnection } from '../../src/openflow/switch-connection.js';
import { captureLogger, EventLog, sleep, startServer, until } from './harness.js';

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

t.test('under a flood of slow-to-handle packet-ins from other switches, an echo request is answered within a few turns', async (t) => {
  // Every PACKET_IN costs the "app" 50 us: 4 switches x 3000 of them is 600 ms of work queued
  // at once. With a 2 ms turn budget, the quiet switch's echo must be answered long before
  // the flood is through (the old per-connection slices alone let it wait for 4 x 4 KB per
  // turn, and an echo reply waited for the end of the turn besides).
  const events = new EventLog();
  let handled = 0;
  const slow: ConnectionEvents = {
    switchUp: (sw: SwitchConnection) => events.switchUp(sw),
    switchDown: (sw: SwitchConnection, reason: string) => events.switchDown(sw, reason),
    message: (sw: SwitchConnection, msg: OfMessage) => {
      if (msg.type === 'packetIn') {
        handled++;
        const end = performance.now() + 0.05;
        while (performance.now() < end);
        return;
      }
      events.message(sw, msg);
    },
  };
  const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }], turnBudgetMs: 2 }, captureLogger(), slow);
  await server.start();
  t.teardown(() => server.stop());
  const port = server.addresses()[0]!.port;
  const flooders = await Promise.all([1n, 2n, 3n, 4n].map((d) => FakeSwitch.connect({ port, datapathId: 0xf100n + d })));
  const quiet = await FakeSwitch.connect({ port, datapathId: 0xf1ffn });
  t.teardown(() => [...flooders, quiet].forEach((s) => s.destroy()));
  for (const d of [1n, 2n, 3n, 4n, 0xffn]) await events.waitUp(0xf100n + d);
  const pin = encode({ type: 'packetIn', xid: 0, bufferId: 0xffffffff, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: new Uint8Array(60) });
  const burst = Buffer.concat(Array.from({ length: 3000 }, () => pin));
  for (const f of flooders) f.sendBytes(burst);
  await sleep(20); // the flood is being handled
  const sentAt = performance.now();
  const before = handled;
  quiet.send({ type: 'echoRequest', xid: 0xec0, data: new Uint8Array([1, 2]) });
  await quiet.waitFor((m) => m.type === 'echoReply' && m.xid === 0xec0, 5000);
  const rtt = performance.now() - sentAt;
  // Counted in work, not time, so a busy machine does not make it flaky: the echo waits for at
  // most the rest of one drain (2 ms = 40 packet-ins, plus the slice that crosses it, ~40).
  const during = handled - before;
  t.ok(handled < 12_000, `answered while the flood was still being handled (${handled} of 12000 done)`);
  t.ok(during <= 120, `${during} packet-ins handled while the echo waited (${rtt.toFixed(1)} ms)`);
});

t.test("an echo request behind the same switch's backlog of packet-ins is answered first, once, and the packet-ins keep their order", async (t) => {
  // 900 PACKET_INs at 50 us of "app" work each, then an ECHO_REQUEST, then 100 more and a
  // second one, in one write (~115 KB, under the reader's pause threshold, so it is all read
  // at once). The echoes carry no state: they are answered as they arrive, not after the
  // 45 ms of packet-ins before them; everything else is handled in the order sent.
  const events = new EventLog();
  const xids: number[] = [];
  const slow: ConnectionEvents = {
    switchUp: (sw: SwitchConnection) => events.switchUp(sw),
    switchDown: (sw: SwitchConnection, reason: string) => events.switchDown(sw, reason),
    message: (sw: SwitchConnection, msg: OfMessage) => {
      if (msg.type === 'packetIn') {
        xids.push(msg.xid);
        const end = performance.now() + 0.05;
        while (performance.now() < end);
        return;
      }
      events.message(sw, msg);
    },
  };
  const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }], turnBudgetMs: 2 }, captureLogger(), slow);
  await server.start();
  t.teardown(() => server.stop());
  const sw = await FakeSwitch.connect({ port: server.addresses()[0]!.port, datapathId: 0xe5n });
  t.teardown(() => sw.destroy());
  await events.waitUp(0xe5n);
  const pin = (xid: number) => encode({ type: 'packetIn', xid, bufferId: 0xffffffff, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: new Uint8Array(60) });
  const parts: Uint8Array[] = [];
  for (let i = 1; i <= 900; i++) parts.push(pin(i));
  parts.push(encode({ type: 'echoRequest', xid: 0xe0e1, data: new Uint8Array([5, 6, 7]) }));
  for (let i = 901; i <= 1000; i++) parts.push(pin(i));
  parts.push(encode({ type: 'echoRequest', xid: 0xe0e2, data: new Uint8Array(0) }));
  sw.sendBytes(Buffer.concat(parts));
  const first = await sw.waitFor((m) => m.type === 'echoReply' && m.xid === 0xe0e1, 5000);
  const handledAtReply = xids.length;
  t.same(first.type === 'echoReply' && [...first.data], [5, 6, 7], 'the reply carries the request data');
  t.ok(handledAtReply < 900, `answered before the packet-ins ahead of it were handled (${handledAtReply} of 900 done)`);
  await until(() => xids.length === 1000, 10_000, 'all packet-ins handled');
  await sleep(50);
  t.same(xids, Array.from({ length: 1000 }, (_, i) => i + 1), 'packet-ins handled once each, in order');
  const replies = sw.received.filter((m) => m.type === 'echoReply').map((m) => m.xid);
  t.same(replies, [0xe0e1, 0xe0e2], 'one reply per echo request, in order');
});
