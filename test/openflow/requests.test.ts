import t from 'tap';
import { encode, OFPCR_ROLE, OFPET, OFPMPF_REPLY_MORE } from '../../protocol/index.js';
import type { ErrorMsg, OfMessage, RoleReply } from '../../protocol/index.js';
import { RequestError, SwitchError } from '../../src/openflow/switch-connection.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { sleep, startServer, until } from './harness.js';

const errorFor = (m: OfMessage, errType: number, code: number): ErrorMsg => ({
  type: 'error',
  xid: m.xid,
  errType,
  code,
  data: Uint8Array.from([4, 0x18, 0, 0x18, 0xde, 0xad, 0xbe, 0xef]),
});

t.test('replies are matched to requests by xid, even out of order', async (t) => {
  const h = await startServer(t);
  const held: OfMessage[] = [];
  const sw = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xa1n,
    handler: (m) => {
      if (m.type !== 'roleRequest') return undefined;
      held.push(m);
      if (held.length < 2) return [];
      // Answer the second request first.
      return held.reverse().map((r) => ({ type: 'roleReply', xid: r.xid, role: (r as { role: number }).role, generationId: (r as { generationId: bigint }).generationId }) as RoleReply);
    },
  });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa1n);
  const [a, b] = await Promise.all([conn.setRole('master', 0x1111_2222_3333n), conn.setRole(OFPCR_ROLE.SLAVE, 0x4444n)]);
  t.equal(a.role, OFPCR_ROLE.MASTER);
  t.equal(a.generationId, 0x1111_2222_3333n);
  t.equal(b.role, OFPCR_ROLE.SLAVE);
  t.equal(b.generationId, 0x4444n);
  const direct = await conn.request<RoleReply>({ type: 'roleRequest', xid: 0, role: OFPCR_ROLE.EQUAL, generationId: 7n });
  t.equal(direct.type, 'roleReply');
  t.equal(direct.role, OFPCR_ROLE.EQUAL);
});

t.test('a request without a reply fails with RequestError after its timeout', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa2n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa2n);
  const started = Date.now();
  // The fake switch does not answer GET_CONFIG_REQUEST.
  const err = await conn.request({ type: 'getConfigRequest', xid: 0 }, { timeoutMs: 120 }).catch((e: unknown) => e);
  t.ok(err instanceof RequestError, 'RequestError');
  t.match((err as Error).message, /getConfigRequest xid \d+: no reply within 120 ms/);
  t.ok(Date.now() - started >= 110);
  // A late reply is not mistaken for anything: it reaches the message event as unclaimed.
  const req = await sw.waitForType('getConfigRequest');
  sw.send({ type: 'getConfigReply', xid: req.xid, flags: 0, missSendLen: 128 });
  await h.events.waitFor((e) => e.kind === 'message' && e.msg.type === 'getConfigReply');
});

t.test('multipart replies with REPLY_MORE are reassembled', async (t) => {
  const h = await startServer(t);
  const ports = [1, 2, 3, 4, 5].map((n) => makePort(n * 10, `p${n}`));
  const sw = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xa3n,
    handler: (m, s) => {
      if (m.type !== 'multipartRequest' || m.body.kind !== 'portDesc' || !s.received.some((x) => x.type === 'roleRequest')) return undefined;
      return [
        { type: 'multipartReply', xid: m.xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'portDesc', ports: ports.slice(0, 2) } },
        { type: 'echoRequest', xid: 0x99, data: new Uint8Array(0) },
        { type: 'multipartReply', xid: m.xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'portDesc', ports: ports.slice(2, 3) } },
        { type: 'multipartReply', xid: m.xid, flags: 0, body: { kind: 'portDesc', ports: ports.slice(3) } },
      ];
    },
  });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa3n);
  await conn.setRole('equal', 0n);
  const bodies = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'portDesc' } });
  t.equal(bodies.length, 3);
  t.same(
    bodies.flatMap((b) => (b.kind === 'portDesc' ? b.ports.map((p) => p.portNo) : [])),
    [10, 20, 30, 40, 50],
  );
});

t.test('multipart onPart: each part as it arrives, nothing collected; a throw fails the request only', async (t) => {
  const h = await startServer(t);
  const ports = [1, 2, 3, 4, 5].map((n) => makePort(n * 10, `p${n}`));
  const sw = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xa6n,
    handler: (m, s) => {
      if (m.type !== 'multipartRequest' || m.body.kind !== 'portDesc' || !s.received.some((x) => x.type === 'roleRequest')) return undefined;
      return [
        { type: 'multipartReply', xid: m.xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'portDesc', ports: ports.slice(0, 2) } },
        { type: 'multipartReply', xid: m.xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'portDesc', ports: ports.slice(2, 3) } },
        { type: 'multipartReply', xid: m.xid, flags: 0, body: { kind: 'portDesc', ports: ports.slice(3) } },
      ];
    },
  });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa6n);
  await conn.setRole('equal', 0n);
  const seen: number[][] = [];
  const bodies = await conn.multipart(
    { type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'portDesc' } },
    { onPart: (p) => void seen.push(p.kind === 'portDesc' ? p.ports.map((x) => x.portNo) : []) },
  );
  t.same(bodies, [], 'the promise carries no parts');
  t.same(seen, [[10, 20], [30], [40, 50]], 'every part, in order');

  let calls = 0;
  const err = await conn
    .multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'portDesc' } }, {
      onPart: () => {
        calls++;
        throw new Error('cannot convert this part');
      },
    })
    .catch((e: unknown) => e);
  t.match(err, { message: 'cannot convert this part' }, "the caller's error fails the request");
  t.equal(calls, 1, 'no part after the failure');
  await sleep(50);
  t.notOk(conn.closed, 'the connection stays');
  const again = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'portDesc' } });
  t.equal(again.length, 3, 'later requests work (the late parts of the failed one were dropped)');
});

t.test("a switch ERROR rejects the request that caused it with SwitchError", async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xa4n,
    handler: (m) => (m.type === 'roleRequest' ? [errorFor(m, OFPET.ROLE_REQUEST_FAILED, 0)] : undefined),
  });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa4n);
  const err = await conn.setRole('master', 3n).catch((e: unknown) => e);
  t.ok(err instanceof SwitchError, 'SwitchError');
  const se = err as SwitchError;
  t.equal(se.errType, OFPET.ROLE_REQUEST_FAILED);
  t.equal(se.code, 0);
  t.equal(se.request?.type, 'roleRequest');
  t.match(se.message, /OFPET_ROLE_REQUEST_FAILED\/OFPRRFC_STALE/);
  t.notOk(h.events.events.some((e) => e.kind === 'message'), 'a claimed error is not emitted');
});

t.test('send() errors reach onError until a barrier reply; unclaimed errors are emitted', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa5n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa5n);
  const got: ErrorMsg[] = [];
  const xid1 = conn.send({ type: 'tableMod', xid: 0, tableId: 3, config: 0 }, (e) => got.push(e));
  const xid2 = conn.send({ type: 'tableMod', xid: 0x7007, tableId: 4, config: 0 }, (e) => got.push(e));
  t.not(xid1, 0);
  t.equal(xid2, 0x7007, 'a given xid is kept');
  const m1 = await sw.waitFor((m) => m.type === 'tableMod' && m.xid === xid1);
  sw.send(errorFor(m1, OFPET.TABLE_MOD_FAILED, 1));
  await until(() => got.length === 1, 2000, 'onError');
  t.equal(got.length, 1);
  t.equal(got[0]?.errType, OFPET.TABLE_MOD_FAILED);
  t.equal(got[0]?.xid, xid1);

  // A barrier reply proves xid2 was accepted: its callback is dropped, a late error is unclaimed.
  await conn.barrier();
  sw.send(errorFor({ type: 'tableMod', xid: 0x7007, tableId: 4, config: 0 }, OFPET.TABLE_MOD_FAILED, 0));
  const e = await h.events.waitFor((e) => e.kind === 'message' && e.msg.type === 'error');
  t.equal(e.kind === 'message' && e.msg.xid, 0x7007);
  t.equal(got.length, 1, 'callback not called after the barrier');
});

t.test('the error callback map is bounded', async (t) => {
  const h = await startServer(t, { maxErrorCallbacks: 3 });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa6n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa6n);
  const calls: number[] = [];
  const xids = [1, 2, 3, 4].map((n) => conn.send({ type: 'tableMod', xid: 0, tableId: n, config: 0 }, (e) => calls.push(e.xid)));
  await sw.waitFor((m) => m.type === 'tableMod' && m.xid === xids[3]);
  for (const x of xids) sw.send(errorFor({ type: 'barrierRequest', xid: x }, OFPET.TABLE_MOD_FAILED, 0));
  await h.events.waitFor((e) => e.kind === 'message' && e.msg.type === 'error' && e.msg.xid === xids[0]);
  await sleep(30);
  t.same(calls, xids.slice(1), 'the oldest callback was dropped, its error emitted');
});

t.test('pending requests fail with RequestError when the switch disconnects', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa7n });
  const conn = await h.events.waitUp(0xa7n);
  sw.answerBarrier = false;
  const p = conn.barrier({ timeoutMs: 5000 });
  await sw.waitForType('barrierRequest');
  sw.destroy();
  const err = await p.catch((e: unknown) => e);
  t.ok(err instanceof RequestError);
  t.match((err as Error).message, /connection closed/);
  await h.events.waitDown(conn);
  t.ok(conn.closed);
  const late = await conn.request({ type: 'barrierRequest', xid: 0 }).catch((e: unknown) => e);
  t.ok(late instanceof RequestError, 'a request on a closed connection rejects at once');
});

t.test('an undecodable message after the handshake is answered with an ERROR; the connection stays', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa8n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa8n);
  // Unknown message type 0x63, valid framing, xid 0x0a0b0c0d, 72 bytes (the ERROR keeps 64).
  const bad = Buffer.alloc(72, 0xab);
  bad.set([4, 0x63, 0, 72, 0x0a, 0x0b, 0x0c, 0x0d]);
  sw.sendBytes(bad);
  const err = await sw.waitForType('error');
  t.equal(err.errType, OFPET.BAD_REQUEST);
  t.equal(err.code, 1, 'OFPBRC_BAD_TYPE');
  t.equal(err.xid, 0x0a0b0c0d);
  t.equal(Buffer.from(err.data).toString('hex'), bad.subarray(0, 64).toString('hex'));
  await conn.barrier();
  t.notOk(conn.closed);
  t.equal(conn.decodeErrors, 1);
});

t.test('send() with a message that cannot be encoded throws and leaves the stream intact', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xa9n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xa9n);
  t.throws(() => conn.send({ type: 'portMod', xid: 0, portNo: 1, hwAddr: 'not-a-mac', config: 0, mask: 0, advertise: 0 }));
  await conn.barrier();
  t.equal(sw.undecoded.length, 0);
});

t.test('sendEncoded(): bytes the caller encoded go out as send() would send them', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xaan });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xaan);
  const got: ErrorMsg[] = [];
  const bytes = encode({ type: 'tableMod', xid: 0, tableId: 5, config: 0 });
  const copy = Uint8Array.from(bytes);
  const xid1 = conn.sendEncoded(bytes, (e) => got.push(e));
  const xid2 = conn.sendEncoded(encode({ type: 'tableMod', xid: 0x7008, tableId: 6, config: 0 }));
  t.not(xid1, 0, 'an xid of 0 is replaced by a fresh one');
  t.equal(xid2, 0x7008, 'a given xid is kept');
  t.same(bytes, copy, "the caller's bytes are not modified");
  const m1 = await sw.waitFor((m) => m.type === 'tableMod' && m.xid === xid1);
  t.match(m1, { type: 'tableMod', tableId: 5 });
  await sw.waitFor((m) => m.type === 'tableMod' && m.xid === 0x7008);
  sw.send(errorFor(m1, OFPET.TABLE_MOD_FAILED, 1));
  await until(() => got.length === 1, 2000, 'onError');
  t.equal(got[0]?.xid, xid1, 'an ERROR reaches the callback given with the bytes');

  const before = sw.received.length;
  t.throws(() => conn.sendEncoded(bytes.subarray(0, 6)), /6 bytes, not an OpenFlow message/);
  const v4 = Uint8Array.from(bytes);
  v4[0] = 5;
  t.throws(() => conn.sendEncoded(v4), /version 5 in the header, expected 4/);
  t.throws(() => conn.sendEncoded(Uint8Array.from([...bytes, 0])), /the header says 16 bytes, 17 given/);
  await conn.barrier();
  t.equal(sw.received.length - before, 1, 'nothing but the barrier was sent for the refused bytes');
  t.equal(sw.undecoded.length, 0);
});
