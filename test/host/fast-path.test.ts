/**
 * The app host's packet-in fast path: the event apps share, messages already in order sent
 * without reordering, mixed batches still ordered (deletes, barrier, adds), and several
 * switches addressed from one packet-in.
 */
import t from 'tap';
import { OFPP } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import type { App, PacketInEvent } from '../../apps/sdk/index.js';
import { flowAdd, flowDelete, output, Outbox, packetOut } from '../../apps/sdk/index.js';
import { createTableMissApp } from '../../apps/table-miss/index.js';
import { inHostOrder } from '../../src/host/ordering.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { makeHost } from './helpers.js';

const A = '02:00:00:00:0a:01';
const B = '02:00:00:00:0b:02';

t.test('every subscriber gets the same event; its frame is parsed once, on first read', async (t) => {
  const seen: PacketInEvent[] = [];
  const frames: unknown[] = [];
  const reader: App = { name: 'reader', receiveTableMiss: true, packetIn: (_sw, ev) => void (seen.push(ev), frames.push(ev.frame)) };
  const again: App = { name: 'again', receiveTableMiss: true, packetIn: (_sw, ev) => void (seen.push(ev), frames.push(ev.frame)) };
  const { host } = makeHost([createTableMissApp({}), reader, again]);
  const f = new FakeDatapath({ datapathId: 0x77n, ports: [1, 2, 5] }).connect(host);
  f.inject({ in_port: 5, eth_src: A, eth_dst: B, eth_type: 0x0800 });
  t.equal(seen.length, 2);
  t.equal(seen[0], seen[1], 'one event object');
  t.equal(frames[0], frames[1], 'one parsed frame');
  const ev = seen[0]!;
  t.equal(ev.inPort, 5);
  t.equal(ev.miss, true);
  t.equal(ev.tableId, 0);
  t.equal(ev.cookie, ev.msg.cookie);
  t.equal(ev.data, ev.msg.data);
  t.equal(ev.frame.eth.src, A);
  t.equal(ev.frame.eth.dst, B);
});

t.test('ctx.now() in packet-in handlers: the clock read once for the packet-in, fresh again outside it', async (t) => {
  let reads = 0;
  let time = 1_000;
  const clock = () => (reads++, time);
  const seen: number[] = [];
  let calls = 2;
  let ctxA: import('../../apps/sdk/index.js').AppContext | undefined;
  const a: App = { name: 'a', receiveTableMiss: true, init: (c) => void (ctxA = c), packetIn: () => void (seen.push(ctxA!.now()), seen.push(ctxA!.now())) };
  let ctxB: import('../../apps/sdk/index.js').AppContext | undefined;
  const b: App = { name: 'b', receiveTableMiss: true, init: (c) => void (ctxB = c), packetIn: () => void Array.from({ length: calls }, () => seen.push(ctxB!.now())) };
  const { host } = makeHost([createTableMissApp({}), a, b], { clock });
  const f = new FakeDatapath({ datapathId: 0x78n, ports: [1, 2] }).connect(host);
  const readsPer: number[] = [];
  for (const [at, n] of [[1_000, 2], [1_500, 20], [9_999, 200]] as const) {
    time = at;
    reads = 0;
    calls = n;
    f.inject({ in_port: 1, eth_src: A, eth_dst: B, eth_type: 0x0800 });
    const got = seen.splice(0);
    t.equal(got.length, 2 + n);
    t.ok(got.every((v) => v === at), `every read during the packet-in at ${at} is what the clock said (the general path)`);
    readsPer.push(reads);
  }
  // The host's own bookkeeping reads it too (1-3 times); 200 ctx.now() calls would be 200 more.
  t.ok(readsPer.every((r) => r <= 3), `clock reads per packet-in do not grow with the apps' ctx.now() calls (${readsPer.join(', ')})`);
  time = 20_000;
  t.equal(ctxA!.now(), 20_000, 'outside a packet-in: the clock itself');
  time = 20_001;
  t.equal(ctxB!.now(), 20_001);
});

t.test('inHostOrder: true only for batches orderBatch would leave as they are', async (t) => {
  const add = flowAdd({ priority: 5, match: { in_port: 1 }, actions: [output(2)] });
  const del = flowDelete({ match: { in_port: 1 } });
  const po = packetOut({ data: new Uint8Array(60), inPort: 1, actions: [output(OFPP.FLOOD)] });
  t.ok(inHostOrder([]));
  t.ok(inHostOrder([add, po]));
  t.ok(inHostOrder([add, add, po, po]));
  t.notOk(inHostOrder([po, add]), 'packet-out before the flow it may need');
  t.notOk(inHostOrder([del]), 'deletes go the ordering way');
  t.notOk(inHostOrder([add, del]));
});

t.test('one packet-in answering several switches, out of order and with a delete, is still ordered', async (t) => {
  const sent = new Map<bigint, string[]>();
  const describe = (m: OfMessage) => (m.type === 'flowMod' ? `${m.command === 0 ? 'add' : 'del'} ${m.priority}` : m.type);
  const app: App = {
    name: 'multi',
    receiveTableMiss: true,
    packetIn: (sw) =>
      new Outbox()
        .to(sw.dpid, packetOut({ data: new Uint8Array(60), inPort: 1, actions: [output(2)] }), flowAdd({ priority: 7, match: { in_port: 1 }, actions: [output(2)] }))
        .to(0x99n, flowAdd({ priority: 8, match: { in_port: 3 }, actions: [output(4)] }), flowDelete({ match: { in_port: 3 } })),
  };
  const { host } = makeHost([createTableMissApp({}), app]);
  const a = new FakeDatapath({ datapathId: 0x98n }).connect(host);
  const b = new FakeDatapath({ datapathId: 0x99n }).connect(host);
  const before = { a: a.sent.length, b: b.sent.length };
  a.inject({ in_port: 1, eth_src: A, eth_dst: B });
  sent.set(0x98n, a.sent.slice(before.a).map(describe));
  sent.set(0x99n, b.sent.slice(before.b).map(describe));
  t.same(sent.get(0x98n), ['add 7', 'packetOut'], 'flow before packet-out');
  t.same(sent.get(0x99n), ['del 0', 'barrierRequest', 'add 8'], 'delete, barrier, add');
  t.equal(host.counters().apps.multi!.messagesSent, 4);
});
