import t from 'tap';
import { OFPET, OFPHFC } from '../../protocol/index.js';
import { FakeSwitch, rawPeer } from '../support/fake-switch.js';
import { sleep, startServer, within } from './harness.js';
import type { Harness } from './harness.js';

/** Messages the server sent to a raw peer, split by their header lengths. */
function frames(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const len = buf.readUInt16BE(off + 2);
    if (len < 8 || off + len > buf.length) break;
    out.push(buf.subarray(off, off + len));
    off += len;
  }
  return out;
}

/** The lines logged about one peer (its bindings name it by address:port). */
function linesFor(h: Harness, localPort: number) {
  return h.log.lines.filter((l) => l.bindings.peer === `127.0.0.1:${localPort}` && l.level !== 'debug');
}

const CASES: { name: string; bytes?: Buffer; end?: boolean; level: string; reason: RegExp; error?: [number, number] }[] = [
  { name: 'garbage bytes', bytes: Buffer.from('de ad be ef 00 11 22 33 44 55 66 77 88 99'.replace(/ /g, ''), 'hex'), level: 'warn', reason: /not an OpenFlow peer \(first bytes deadbeef/ },
  { name: 'an HTTP request', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), level: 'warn', reason: /not an OpenFlow peer \(first bytes 474554/ },
  { name: 'a telnet-style probe: a few bytes, then close', bytes: Buffer.from('A\r\n'), end: true, level: 'warn', reason: /not an OpenFlow peer/ },
  { name: 'a probe that connects and closes', bytes: undefined, end: true, level: 'info', reason: /peer closed before sending anything/ },
  { name: 'half a header, then close', bytes: Buffer.from('040000', 'hex'), end: true, level: 'info', reason: /peer closed before HELLO after 3 bytes/ },
  { name: 'a length under 8', bytes: Buffer.from('0400000400000001', 'hex'), level: 'warn', reason: /bad framing: .*length 4/ },
  {
    name: 'a 1.3 message before HELLO',
    bytes: Buffer.from('0405000800000abc', 'hex'),
    level: 'warn',
    reason: /message type 5 \(version 4\) before HELLO/,
    error: [OFPET.HELLO_FAILED, OFPHFC.INCOMPATIBLE],
  },
  {
    name: 'an OpenFlow 1.0 message before HELLO',
    bytes: Buffer.from('0105000800000abd', 'hex'),
    level: 'warn',
    reason: /message type 5 \(version 1\) before HELLO/,
    error: [OFPET.BAD_REQUEST, 0],
  },
];

t.test('bad peers are closed with one log line; a healthy switch is not disturbed', async (t) => {
  const h = await startServer(t);
  const good = await FakeSwitch.connect({ port: h.port, datapathId: 0xc0ffeen });
  t.teardown(() => good.destroy());
  const conn = await h.events.waitUp(0xc0ffeen);

  for (const c of CASES) {
    const peer = await rawPeer(h.port, c.bytes, { end: c.end });
    const localPort = peer.socket.localPort!;
    await within(peer.closed, 3000);
    t.ok(peer.socket.destroyed || peer.socket.readableEnded, `${c.name}: closed by the server`);
    await sleep(20);
    const lines = linesFor(h, localPort);
    t.equal(lines.length, 1, `${c.name}: exactly one log line (${lines.map((l) => l.msg).join(' | ')})`);
    t.equal(lines[0]?.level, c.level, `${c.name}: level ${c.level}`);
    t.match(lines[0]?.msg, c.reason, `${c.name}: reason`);
    t.notOk(lines[0]?.obj && typeof lines[0].obj === 'object' && 'err' in lines[0].obj, `${c.name}: no stack trace`);
    const got = frames(peer.received());
    t.equal(got[0]?.[1], 0, `${c.name}: our HELLO came first`);
    if (c.error) {
      const e = got.find((f) => f[1] === 1);
      t.ok(e, `${c.name}: answered with an OpenFlow ERROR`);
      t.equal(e?.readUInt16BE(8), c.error[0], `${c.name}: error type`);
      t.equal(e?.readUInt16BE(10), c.error[1], `${c.name}: error code`);
      t.equal(e?.readUInt32BE(4), c.bytes!.readUInt32BE(4), `${c.name}: the offending xid`);
      if (c.error[0] === OFPET.BAD_REQUEST) t.equal(e?.subarray(12).toString('hex'), c.bytes!.toString('hex'), `${c.name}: the offending bytes`);
    } else {
      t.notOk(got.some((f) => f[1] === 1), `${c.name}: no ERROR to a non-OpenFlow peer`);
    }
    // The healthy switch still works after each case.
    await conn.barrier({ timeoutMs: 1000 });
  }
  t.equal(h.events.events.filter((e) => e.kind === 'up').length, 1, 'only the healthy switch came up');
  t.equal(h.events.events.filter((e) => e.kind === 'down').length, 0);
  t.notOk(h.log.lines.some((l) => l.level === 'error'), 'no error-level lines');
  t.equal(h.server.connectionCount, 1);
});

t.test('garbage after the handshake (lost framing) closes only that switch', async (t) => {
  const h = await startServer(t);
  const good = await FakeSwitch.connect({ port: h.port, datapathId: 0xd1n });
  const bad = await FakeSwitch.connect({ port: h.port, datapathId: 0xd2n });
  t.teardown(() => good.destroy());
  t.teardown(() => bad.destroy());
  const goodConn = await h.events.waitUp(0xd1n);
  const badConn = await h.events.waitUp(0xd2n);
  bad.sendBytes(Buffer.from('0402000300000000', 'hex'));
  const reason = await h.events.waitDown(badConn);
  t.match(reason, /bad framing/);
  await goodConn.barrier({ timeoutMs: 1000 });
  t.notOk(goodConn.closed);
});
