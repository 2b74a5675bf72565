/**
 * The connection's send path as the app host uses it for every FLOW_MOD and PACKET_OUT: fresh
 * xids without copying the caller's message, and a barrier of its own now and then so the
 * error callbacks of a busy reactive switch are dropped instead of piling up.
 */
import t from 'tap';
import { decode, encode, OFPET, OFPFMFC, onf, Writer } from '../../protocol/index.js';
import type { ErrorMsg, FlowMod, OfMessage } from '../../protocol/index.js';
import { FakeSwitch } from '../support/fake-switch.js';
import { sleep, startServer } from './harness.js';

const flowMod = (priority: number): FlowMod => ({
  type: 'flowMod',
  xid: 0,
  cookie: 0x51n,
  cookieMask: 0n,
  tableId: 3,
  command: 0,
  idleTimeout: 9,
  hardTimeout: 0,
  priority,
  bufferId: 0xffffffff,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 0,
  match: [{ field: 'in_port', value: 6 }],
  instructions: [],
});

t.test('send() gives an xid-0 message a fresh xid on the wire and leaves the object alone', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xb1n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xb1n);
  const msg = flowMod(0x77);
  const a = conn.send(msg);
  const b = conn.send(msg);
  const c = conn.send({ ...flowMod(0x78), xid: 0x4242 });
  t.equal(msg.xid, 0, 'the caller’s object still has xid 0');
  t.not(a, 0);
  t.not(a, b, 'one object sent twice gets two xids');
  t.equal(c, 0x4242, 'a given xid is kept');
  await sw.waitFor((m) => m.xid === 0x4242);
  const got = sw.received.filter((m): m is FlowMod => m.type === 'flowMod' && m.tableId === 3);
  t.same(got.map((m) => [m.xid, m.priority]), [[a, 0x77], [b, 0x77], [0x4242, 0x78]]);
});

t.test('a reactive stream of sends gets a barrier of ours every 1024 callbacks; errors still route', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xb2n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xb2n);
  const errors: ErrorMsg[] = [];
  const xids: number[] = [];
  for (let i = 0; i < 2100; i++) xids.push(conn.send(flowMod(i & 0xffff), (e) => errors.push(e)));
  await sw.waitFor((m) => m.type === 'flowMod' && m.xid === xids[2099], 10_000);
  const barriers = sw.received.filter((m) => m.type === 'barrierRequest');
  t.equal(barriers.length, 2, 'after the 1024th and the 2048th');
  // The first one comes after ~1024 callbacks (the handshake's SET_CONFIG has one too).
  const order = sw.received.filter((m) => m.type === 'flowMod' || m.type === 'barrierRequest');
  const at = order.findIndex((m) => m.type === 'barrierRequest');
  t.ok(at >= 1000 && at <= 1024, `first barrier after ${at} flow mods`);
  // The fake switch answered both barriers, so callbacks before them are gone: an ERROR for
  // an early flow is unclaimed (it reaches the events), one after the last barrier is routed.
  await sleep(50);
  const err = (xid: number): OfMessage => ({ type: 'error', xid, errType: OFPET.FLOW_MOD_FAILED, code: OFPFMFC.TABLE_FULL, data: new Uint8Array(8) });
  sw.send(err(xids[10]!));
  sw.send(err(xids[2090]!));
  const unclaimed = await h.events.waitFor((e) => e.kind === 'message' && e.msg.type === 'error');
  t.equal(unclaimed.kind === 'message' && unclaimed.msg.xid, xids[10]);
  await sleep(50);
  t.same(errors.map((e) => e.xid), [xids[2090]]);
  t.equal(errors[0]?.code, OFPFMFC.TABLE_FULL);
});

t.test('bundle adds: the inner message gets the outer xid, claimErrors takes what nobody claims, the write gate drops them', async (t) => {
  const h = await startServer(t);
  const sw = await FakeSwitch.connect({ port: h.port, datapathId: 0xb9n });
  t.teardown(() => sw.destroy());
  const conn = await h.events.waitUp(0xb9n);
  const inner = encode(flowMod(5));
  const w = new Writer();
  onf.writeBundleAdd(w, 7, 3, inner);
  const bytes = w.buf.subarray(0, w.pos);
  const ours = new Set<number>();
  const claimed: number[] = [];
  const release = conn.claimErrors((e) => {
    if (!ours.has(e.xid)) return false;
    claimed.push(e.xid);
    return true;
  });
  const x1 = conn.sendEncoded(bytes);
  const x2 = conn.send({ type: 'bundleAdd', xid: 0, bundleId: 7, flags: 3, message: inner });
  ours.add(x1).add(x2);
  await sw.waitFor((m) => m.xid === x2);
  const adds = sw.received.filter((m) => m.type === 'bundleAdd');
  t.same(adds.map((a) => [a.xid, decode(a.message).xid]), [[x1, x1], [x2, x2]], 'inner xid = outer xid, both ways of sending');
  t.equal(onf.bundleAddInnerXidAt(bytes) >= 0 && bytes.readUInt32BE(28), 0, 'the caller’s bytes are not modified');
  await conn.barrier();
  // The fake switch does not do bundles: it refuses both adds, and nobody else claims the errors.
  t.same(claimed, [x1, x2], 'both errors reached the claimer');
  release();
  const x3 = conn.sendEncoded(bytes);
  ours.add(x3);
  await conn.barrier();
  t.same(claimed, [x1, x2], 'released: no more offers');
  conn.writeGate = () => false;
  const gated = conn.writesGated;
  conn.sendEncoded(bytes);
  conn.send({ type: 'bundleAdd', xid: 0, bundleId: 7, flags: 3, message: inner });
  t.equal(conn.writesGated, gated + 2, 'a bundle add is a write');
  conn.writeGate = undefined;
});
