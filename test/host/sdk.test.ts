import t from 'tap';
import { decode, encode, OFP_NO_BUFFER, OFPCML_NO_BUFFER, OFPFC, OFPG_ANY, OFPP, OFPTT_ALL } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import {
  APP_COOKIE_MASK, cookieAppId, flowAdd, flowDelete, flowModify, gotoTable, makeCookie, match, output, Outbox, packetOut,
  setField, tableMiss, toController, toDpid,
} from '../../apps/sdk/index.js';

const roundTrip = (m: OfMessage) => decode(encode(m));

t.test('flowAdd fills the spec defaults and encodes', async (t) => {
  const fm = flowAdd({ table: 3, priority: 1234, match: { tcp_dst: 8080, ip_proto: 6, eth_type: 0x0800, in_port: 7 }, actions: [output(4)], instructions: [gotoTable(5)], idle: 30, hard: 600, cookie: 0xabcdn, flags: 1 });
  t.same(fm.match.map((e) => e.field), ['in_port', 'eth_type', 'ip_proto', 'tcp_dst'], 'prerequisites first');
  t.match(fm, { command: OFPFC.ADD, tableId: 3, priority: 1234, idleTimeout: 30, hardTimeout: 600, cookie: 0xabcdn, flags: 1, bufferId: OFP_NO_BUFFER, outPort: OFPP.ANY, outGroup: OFPG_ANY });
  t.same(fm.instructions.map((i) => i.type), ['applyActions', 'gotoTable']);
  t.same(roundTrip(fm), fm);
  t.throws(() => flowAdd({ priority: 70000 }), /priority 70000/);
  t.throws(() => match({ no_field: 1 } as never), /unknown match field/);
});

t.test('delete, modify, table-miss and packet-out builders', async (t) => {
  const del = flowDelete({ match: { eth_dst: { value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' } }, cookie: 0x5n << 48n, cookieMask: APP_COOKIE_MASK, outPort: 9 });
  t.match(del, { command: OFPFC.DELETE, tableId: OFPTT_ALL, outPort: 9, cookieMask: APP_COOKIE_MASK, instructions: [] });
  t.same(roundTrip(del), del);
  t.equal(flowDelete({ strict: true, priority: 4 }).command, OFPFC.DELETE_STRICT);
  const mod = flowModify({ strict: true, priority: 8, match: { in_port: 2 }, actions: [setField('eth_dst', '0a:0b:0c:0d:0e:0f'), output(1)] });
  t.equal(mod.command, OFPFC.MODIFY_STRICT);
  t.same(roundTrip(mod), mod);
  const miss = tableMiss({ table: 2, cookie: 77n });
  t.match(miss, { priority: 0, match: [], tableId: 2, cookie: 77n });
  t.same(miss.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: OFPCML_NO_BUFFER }] }]);
  t.same(toController(128), { type: 'output', port: OFPP.CONTROLLER, maxLen: 128 });
  const po = packetOut({ data: new Uint8Array(60).fill(0xa5), inPort: 3, actions: [output(OFPP.FLOOD)] });
  t.match(po, { bufferId: OFP_NO_BUFFER, inPort: 3 });
  const back = roundTrip(po) as typeof po;
  t.same({ ...back, data: [...back.data] }, { ...po, data: [...po.data] });
  t.throws(() => packetOut({ actions: [] }), /data is required/);
});

t.test('cookies: app id in the high 16 bits', async (t) => {
  t.equal(makeCookie(0x1234, 0xbeef), 0x1234_0000_0000_beefn);
  t.equal(cookieAppId(0x1234_0000_0000_beefn), 0x1234);
  t.throws(() => makeCookie(0), /app id 0/);
  t.throws(() => makeCookie(1, 1n << 48n), /48 bits/);
});

t.test('Outbox groups messages per switch and normalizes dpids', async (t) => {
  const a = tableMiss();
  const out = new Outbox().to(0x1n, a).to('00:00:00:00:00:00:00:01', a).toEach([2n, 'ABC'], a);
  t.equal(out.size, 4);
  t.same(out.batches().map((b) => [b.dpid, b.messages.length]), [['0000000000000001', 2], ['0000000000000002', 1], ['0000000000000abc', 1]]);
  t.equal(toDpid(0xffff_ffff_ffff_ffffn), 'ffffffffffffffff');
  t.throws(() => toDpid('xyz'), /not hex/);
});

t.test('Outbox with many switches keeps first-queued order and merges later sends; index accessors', async (t) => {
  const a = tableMiss({ table: 3 });
  const b = tableMiss({ table: 4 });
  const out = new Outbox();
  const ids = Array.from({ length: 12 }, (_, i) => BigInt(0x50 + ((i * 7) % 12)));
  for (const id of ids) out.to(id, a);
  // After the 9th switch the Outbox indexes its switches: later sends must still merge.
  for (const id of [...ids].reverse()) out.to(id.toString(16), b);
  t.equal(out.switchCount, 12);
  t.equal(out.size, 24);
  t.same(
    Array.from({ length: out.switchCount }, (_, i) => out.dpidAt(i)),
    ids.map((id) => id.toString(16).padStart(16, '0')),
  );
  for (let i = 0; i < out.switchCount; i++) t.same(out.messagesAt(i), [a, b], `switch ${i}: [a, b]`);
  t.same(out.batches().map((x) => x.messages.length), new Array(12).fill(2));
  t.equal(out.messagesAt(3), out.batches()[3]!.messages, 'the accessors do not copy');
});

t.test('toDpid: canonical text passes as it is, other forms are normalized or refused', async (t) => {
  t.equal(toDpid('00000000000000ab'), '00000000000000ab');
  t.equal(toDpid('00000000000000AB'), '00000000000000ab', 'upper case is not canonical');
  t.equal(toDpid('00:00:00:00:00:00:00:ab'), '00000000000000ab');
  t.throws(() => toDpid('00000000000000ag'), /not hex/);
  t.throws(() => toDpid('100000000000000000'), /not hex/, 'more than 16 digits');
});
