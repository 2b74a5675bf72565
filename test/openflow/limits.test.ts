/**
 * Per-connection caps against hostile switches over real sockets: endless multipart replies
 * (PORT_DESC in the handshake, FLOW stats after it), a trickling reply, and PORT_STATUS ADD
 * without end. Each cap ends in a clear error for the requester and a disconnect with one log
 * line and a counter (or, for ports, ignored ports); a well-behaved switch alongside keeps
 * getting echo replies.
 */
import t from 'tap';
import type { Test } from 'tap';
import { encode, OFPMPF_REPLY_MORE, OFPPR } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { RequestError } from '../../src/openflow/switch-connection.js';
import { OpenFlowStats } from '../../src/openflow/stats.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { sleep, startServer, until } from './harness.js';
import type { Harness } from './harness.js';

/** Write `bytes` (one encoded message, xid patched per call) again and again until the socket closes. */
function pump(sw: FakeSwitch, msg: OfMessage, perTurn = 50, delayMs = 0): void {
  const bytes = Buffer.from(encode(msg));
  const loop = (): void => {
    if (sw.socket.destroyed || sw.isClosed) return;
    for (let i = 0; i < perTurn; i++) sw.socket.write(bytes);
    if (delayMs) setTimeout(loop, delayMs);
    else setImmediate(loop);
  };
  loop();
}

async function echoRtt(sw: FakeSwitch, xid: number): Promise<number> {
  const t0 = performance.now();
  sw.send({ type: 'echoRequest', xid, data: new Uint8Array(0) });
  await sw.waitFor((m) => m.type === 'echoReply' && m.xid === xid, 2000);
  return performance.now() - t0;
}

async function withBystander(t: Test, h: Harness): Promise<FakeSwitch> {
  const good = await FakeSwitch.connect({ port: h.port, datapathId: 0x600dn });
  t.teardown(() => good.destroy());
  await h.events.waitUp(0x600dn);
  return good;
}


const PORT_PART = (xid: number): OfMessage => ({
  type: 'multipartReply',
  xid,
  flags: OFPMPF_REPLY_MORE,
  body: { kind: 'portDesc', ports: Array.from({ length: 8 }, (_, i) => makePort(i + 1, `p${i + 1}`)) },
});

/** A switch that answers the handshake's PORT_DESC with parts that never end. */
function portDescFlood(port: number, datapathId: bigint): Promise<FakeSwitch> {
  return FakeSwitch.connect({
    port,
    datapathId,
    handler: (m, sw) => {
      if (m.type !== 'multipartRequest' || m.body.kind !== 'portDesc') return undefined;
      pump(sw, PORT_PART(m.xid));
      return [];
    },
  });
}

t.test('an endless PORT_DESC reply in the handshake: disconnected at the parts cap, no switchUp', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, maxMultipartParts: 200 });
  const good = await withBystander(t, h);
  const bad = await portDescFlood(h.port, 0xbad1n);
  t.teardown(() => bad.destroy());
  await bad.closed;
  t.equal(stats.limits.get('multipart_parts'), 1, 'counted once');
  t.equal(stats.disconnects.get('limit'), 1, 'disconnect cause: limit');
  t.notOk(h.events.events.some((e) => e.kind === 'up' && e.sw.info.datapathId === 0xbad1n), 'never announced');
  const lines = h.log.lines.filter((l) => /maxMultipartParts/.test(l.msg ?? ''));
  t.equal(lines.length, 1, 'one log line');
  t.equal(lines[0]?.level, 'warn');
  t.ok((await echoRtt(good, 0xe1)) < 1000, 'the bystander still gets echo replies');
});

t.test('the handshake PORT_DESC is bounded by maxPorts in bytes too', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, maxPorts: 16 });
  const bad = await portDescFlood(h.port, 0xbad2n);
  t.teardown(() => bad.destroy());
  await bad.closed;
  t.equal(stats.limits.get('multipart_bytes'), 1);
  t.ok(h.log.lines.some((l) => /exceeded \d+ bytes \(limit from openflow\.maxPorts\)/.test(l.msg ?? '')), 'the reason names the limit');
});

t.test('endless FLOW stats after the handshake: the request fails clearly, the switch is disconnected', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, maxMultipartBytes: 256 * 1024, maxMultipartParts: 1_000_000 });
  const good = await withBystander(t, h);
  const bad = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xbad3n,
    handler: (m, sw) => {
      if (m.type === 'multipartRequest' && m.body.kind === 'flow') {
        const part: OfMessage = {
          type: 'multipartReply',
          xid: m.xid,
          flags: OFPMPF_REPLY_MORE,
          body: { kind: 'flow', stats: [] },
        };
        pump(sw, part);
        return [];
      }
      return undefined;
    },
  });
  t.teardown(() => bad.destroy());
  const conn = await h.events.waitUp(0xbad3n);
  const err = await conn
    .multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } })
    .then(
      () => undefined,
      (e: Error) => e,
    );
  t.ok(err instanceof RequestError, 'a RequestError');
  t.match(err?.message, /exceeded 262144 bytes \(limit from openflow\.maxMultipartBytes\); the switch was disconnected/);
  await bad.closed;
  t.ok(conn.closed);
  t.equal(stats.limits.get('multipart_bytes'), 1);
  t.ok((await echoRtt(good, 0xe2)) < 1000, 'the bystander still gets echo replies');
});

t.test('a trickling multipart reply meets the total deadline', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, multipartDeadlineMs: 600, requestTimeoutMs: 400 });
  const bad = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0xbad4n,
    handler: (m, sw) => {
      if (m.type === 'multipartRequest' && m.body.kind === 'flow') {
        // One part every 100 ms: each part restarts the per-part timeout (400 ms), never the deadline.
        pump(sw, { type: 'multipartReply', xid: m.xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'flow', stats: [] } }, 1, 100);
        return [];
      }
      return undefined;
    },
  });
  t.teardown(() => bad.destroy());
  const conn = await h.events.waitUp(0xbad4n);
  const t0 = Date.now();
  const err = await conn
    .multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } })
    .then(
      () => undefined,
      (e: Error) => e,
    );
  const ms = Date.now() - t0;
  t.match(err?.message, /not complete 600 ms after the request \(\d+ parts/);
  t.ok(ms < 3000, `failed after ${ms} ms, not held open`);
  await bad.closed;
  t.equal(stats.limits.get('multipart_deadline'), 1);
});

t.test('PORT_STATUS ADD without end: ports beyond maxPorts are ignored, not announced', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, maxPorts: 10 });
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xbad5n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xbad5n);
  t.equal(conn.info.ports.size, 2);
  for (let i = 0; i < 500; i++) sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.ADD, desc: makePort(100 + i, `x${i}`) });
  await conn.barrier({ timeoutMs: 2000 });
  t.equal(conn.info.ports.size, 10, 'the switch keeps 10 ports');
  const announced = h.events.events.filter((e) => e.kind === 'message' && e.msg.type === 'portStatus');
  t.equal(announced.length, 8, 'only the ports kept reach the apps');
  t.equal(stats.limits.get('ports'), 492);
  t.notOk(conn.closed, 'the switch stays connected');
  // A port already kept can still change, and deleting one makes room again.
  sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.DELETE, desc: makePort(100, 'x0') });
  sw.send({ type: 'portStatus', xid: 0, reason: OFPPR.ADD, desc: makePort(9000, 'new') });
  await conn.barrier({ timeoutMs: 2000 });
  t.ok(conn.info.ports.has(9000), 'room again after a DELETE');
  const lines = h.log.lines.filter((l) => /openflow\.maxPorts/.test(l.msg ?? ''));
  t.ok(lines.length >= 1 && lines.length <= 5, `rate-limited log lines (${lines.length})`);
  await until(() => stats.logLinesSuppressed > 0, 1000, 'suppressed lines counted');
  await sleep(0);
});
