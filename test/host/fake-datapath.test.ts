import t from 'tap';
import { OFPBMC, OFPET, OFPFF, OFPFMFC, OFPP, OFPRR, OFPBIC } from '../../protocol/index.js';
import type { ConnectionEvents } from '../../src/openflow/switch-connection.js';
import type { OfMessage } from '../../protocol/index.js';
import { flowAdd, flowDelete, flowModify, gotoTable, output, packetOut, setField, tableMiss, writeActions } from '../../apps/sdk/index.js';
import { FakeDatapath, frameFor } from '../support/fake-datapath.js';
import { fakeClock, settle } from './helpers.js';

const A = '0a:00:00:00:00:0a';
const B = '0b:00:00:00:00:0b';

function recorder() {
  const got: OfMessage[] = [];
  const events: ConnectionEvents = { switchUp: () => {}, switchDown: () => {}, message: (_c, m) => void got.push(m) };
  return { got, events };
}

t.test('highest priority wins; masks and missing fields decide matches', async (t) => {
  const f = new FakeDatapath({ ports: [1, 2, 3, 4] });
  f.send(tableMiss({ cookie: 0x77n }));
  f.send(flowAdd({ priority: 10, match: { eth_dst: B }, actions: [output(2)] }));
  f.send(flowAdd({ priority: 20, match: { eth_dst: B, in_port: 3 }, actions: [output(4)] }));
  f.send(flowAdd({ priority: 30, match: { eth_type: 0x0800, ipv4_dst: { value: '10.1.0.0', mask: '255.255.0.0' } }, actions: [output(1)] }));
  t.same(f.trace({ in_port: 1, eth_dst: B }).ports, [2]);
  t.same(f.trace({ in_port: 3, eth_dst: B }).ports, [4]);
  t.same(f.trace({ in_port: 2, eth_dst: B, eth_type: 0x0800, ipv4_dst: '10.1.200.9' }).ports, [1]);
  // Outside the /16, and a packet without an IPv4 header, fall to lower priorities.
  t.same(f.trace({ in_port: 2, eth_dst: B, eth_type: 0x0800, ipv4_dst: '10.2.0.9' }).ports, []);
  t.equal(f.trace({ in_port: 2, eth_dst: A }).toController, true);
  t.equal(f.lookup(0, { in_port: 2, eth_dst: A })?.cookie, 0x77n);
});

t.test('add with an identical match and priority replaces, keeping counters', async (t) => {
  const f = new FakeDatapath();
  f.send(flowAdd({ priority: 5, match: { in_port: 1 }, actions: [output(2)], cookie: 1n }));
  f.inject({ in_port: 1 });
  f.send(flowAdd({ priority: 5, match: { in_port: 1 }, actions: [output(3)], cookie: 2n }));
  t.equal(f.flows().length, 1);
  t.equal(f.flows()[0]!.cookie, 2n);
  t.equal(f.flows()[0]!.packetCount, 1n);
  t.same(f.trace({ in_port: 1 }).ports, [3]);
  f.send(flowAdd({ priority: 5, match: { in_port: 1 }, actions: [output(2)], flags: OFPFF.RESET_COUNTS }));
  t.equal(f.flows()[0]!.packetCount, 0n);
});

t.test('CHECK_OVERLAP refuses an overlapping flow of the same priority', async (t) => {
  const f = new FakeDatapath();
  f.send(flowAdd({ priority: 9, match: { in_port: 1 }, actions: [output(2)] }));
  let err: { errType: number; code: number } | undefined;
  f.send(flowAdd({ priority: 9, match: { eth_dst: A }, actions: [output(3)], flags: OFPFF.CHECK_OVERLAP }), (e) => (err = e));
  f.send(flowAdd({ priority: 8, match: { eth_dst: A }, actions: [output(3)], flags: OFPFF.CHECK_OVERLAP }), () => t.fail('no overlap at another priority'));
  await settle();
  t.same(err && { errType: err.errType, code: err.code }, { errType: OFPET.FLOW_MOD_FAILED, code: OFPFMFC.OVERLAP });
  t.equal(f.flows().length, 2);
});

t.test('modify changes instructions of covered flows and never adds', async (t) => {
  const f = new FakeDatapath();
  f.send(flowAdd({ priority: 5, match: { in_port: 1, eth_dst: A }, actions: [output(2)], cookie: 0x10n, idle: 7 }));
  f.send(flowAdd({ priority: 6, match: { in_port: 2, eth_dst: A }, actions: [output(1)], cookie: 0x20n }));
  f.send(flowModify({ match: { eth_dst: A }, actions: [output(3)], cookie: 0x10n, cookieMask: 0xf0n }));
  t.same(f.trace({ in_port: 1, eth_dst: A }).ports, [3]);
  t.same(f.trace({ in_port: 2, eth_dst: A }).ports, [1], 'cookie mask kept the other flow');
  t.equal(f.flows().find((x) => x.priority === 5)!.idleTimeout, 7, 'modify keeps timeouts');
  f.send(flowModify({ match: { in_port: 9 }, actions: [output(1)] }));
  t.equal(f.flows().length, 2, 'modify with no match adds nothing');
  f.send(flowModify({ strict: true, priority: 5, match: { eth_dst: A }, actions: [output(4)] }));
  t.same(f.trace({ in_port: 1, eth_dst: A }).ports, [3], 'strict needs the exact match');
});

t.test('delete: non-strict covers, strict is exact, cookie mask and out_port filter', async (t) => {
  const f = new FakeDatapath({ ports: [1, 2, 3, 4] });
  const add = (priority: number, match: object, port: number, cookie: bigint) => f.send(flowAdd({ priority, match, actions: [output(port)], cookie }));
  add(1, { in_port: 1 }, 2, 0x1_0000_0000_0001n);
  add(2, { in_port: 1, eth_dst: A }, 3, 0x1_0000_0000_0002n);
  add(3, { in_port: 2, eth_dst: A }, 4, 0x2_0000_0000_0001n);
  add(4, { eth_dst: A }, 4, 0x2_0000_0000_0002n);
  f.send(flowDelete({ match: { in_port: 1, eth_dst: A }, strict: true, priority: 1 }));
  t.equal(f.flows().length, 4, 'strict with another priority deletes nothing');
  f.send(flowDelete({ match: { eth_dst: A }, outPort: 4 }));
  t.same(f.flows().map((x) => x.priority).sort(), [1, 2], 'out_port 4 and covering match removed priorities 3 and 4');
  f.send(flowDelete({ cookie: 0x1_0000_0000_0000n, cookieMask: 0xffff_0000_0000_0000n }));
  t.equal(f.flows().length, 0, 'cookie mask removed the remaining app-1 flows');
});

t.test('switch semantics refuse bad flows with the error OVS would send', async (t) => {
  const f = new FakeDatapath({ nTables: 4 });
  const errs: string[] = [];
  const expect = (msg: OfMessage) => f.send(msg, (e) => errs.push(`${e.errType}/${e.code}`));
  // The codec checks prerequisites too; ask the table model directly for the match rules.
  const fm = flowAdd({ priority: 1, match: [{ field: 'tcp_dst', value: 80 }] as never, actions: [output(1)] });
  t.match(f.tables.apply(fm), { error: { errType: OFPET.BAD_MATCH, code: OFPBMC.BAD_PREREQ } });
  expect(flowAdd({ table: 4, priority: 1, actions: [output(1)] }));
  expect(flowAdd({ table: 2, priority: 1, instructions: [gotoTable(1)] }));
  await settle();
  t.same(errs, [`${OFPET.FLOW_MOD_FAILED}/${OFPFMFC.BAD_TABLE_ID}`, `${OFPET.BAD_INSTRUCTION}/${OFPBIC.BAD_TABLE_ID}`]);
  t.equal(f.flows().length, 0);
  t.equal(f.errorsSent.length, 2);
});

t.test('pipeline: goto_table, set_field seen by later tables, write-actions run at the end', async (t) => {
  const f = new FakeDatapath({ ports: [1, 2, 3], nTables: 3 });
  f.send(flowAdd({ table: 0, priority: 1, match: { in_port: 1 }, actions: [setField('eth_dst', B)], instructions: [writeActions([output(3)]), gotoTable(1)] }));
  f.send(flowAdd({ table: 1, priority: 1, match: { eth_dst: B }, actions: [output(2)] }));
  const r = f.trace({ in_port: 1, eth_dst: A });
  t.same(r.flows.map((x) => x.tableId), [0, 1]);
  t.same(r.ports, [2, 3]);
  t.equal(r.outputs[0]!.port, 2, 'apply-actions output first');
  t.equal(r.outputs[0]!.fields.eth_dst, B, 'the rewritten address');
  const miss = f.trace({ in_port: 2, eth_dst: A });
  t.equal(miss.missedTable, 0);
  t.same(miss.ports, []);
});

t.test('FLOOD excludes the in port; output to the in port is dropped', async (t) => {
  const f = new FakeDatapath({ ports: [1, 2, 3, 4] });
  f.send(flowAdd({ priority: 1, match: { in_port: 2 }, actions: [output(OFPP.FLOOD)] }));
  f.send(flowAdd({ priority: 1, match: { in_port: 3 }, actions: [output(3), output(OFPP.IN_PORT)] }));
  t.same(f.trace({ in_port: 2 }).ports, [1, 3, 4]);
  t.same(f.trace({ in_port: 3 }).ports, [3], 'only IN_PORT sends back');
});

t.test('packet-out runs its actions, output:TABLE goes through the tables', async (t) => {
  const f = new FakeDatapath({ ports: [1, 2, 3] });
  f.send(flowAdd({ priority: 1, match: { eth_dst: B }, actions: [output(3)] }));
  const data = frameFor({ eth_dst: B, eth_src: A, eth_type: 0x0800 });
  f.send(packetOut({ data, inPort: 1, actions: [output(2)] }));
  f.send(packetOut({ data, inPort: 1, actions: [output(OFPP.TABLE)] }));
  t.same(f.packetOuts[0]!.trace.ports, [2]);
  t.same(f.packetOuts[1]!.trace.ports, [3]);
  t.equal(f.flows()[0]!.packetCount, 1n);
});

t.test('messages are recorded after encode/decode, with fresh xids', async (t) => {
  const f = new FakeDatapath();
  const x1 = f.send(tableMiss());
  const x2 = f.send({ ...tableMiss(), xid: 4242 });
  await f.barrier();
  t.not(x1, 0);
  t.equal(x2, 4242);
  t.same(f.sent.map((m) => [m.type, m.xid]), [['flowMod', x1], ['flowMod', 4242], ['barrierRequest', f.sent[2]!.xid]]);
  t.throws(() => f.send({ type: 'flowMod' } as never), 'an unencodable message throws');
});

t.test('inject: packet-in with the flow cookie; reason tells a table miss from an action', async (t) => {
  const { got, events } = recorder();
  const f = new FakeDatapath({ datapathId: 0xabn }).connect(events);
  f.send(tableMiss({ cookie: 0x5n }));
  f.send(flowAdd({ priority: 3, match: { eth_type: 0x88cc }, actions: [output(OFPP.CONTROLLER)], cookie: 0x6n }));
  f.inject({ in_port: 2, eth_src: A, eth_dst: B, eth_type: 0x0800 });
  f.inject({ in_port: 1, eth_type: 0x88cc });
  t.same(got.map((m) => m.type === 'packetIn' && [m.cookie, m.reason, m.data.length]), [[0x5n, 0, 60], [0x6n, 1, 60]]);
  const pi = got[0]!;
  t.ok(pi.type === 'packetIn' && pi.match.some((e) => e.field === 'in_port' && e.value === 2));
});

t.test('timeouts expire on the switch clock; SEND_FLOW_REM flows report why', async (t) => {
  const clock = fakeClock();
  const { got, events } = recorder();
  const f = new FakeDatapath({ clock: clock.now }).connect(events);
  f.send(flowAdd({ priority: 1, match: { in_port: 1 }, actions: [output(2)], idle: 10, flags: OFPFF.SEND_FLOW_REM, cookie: 9n }));
  f.send(flowAdd({ priority: 1, match: { in_port: 2 }, actions: [output(1)], hard: 15 }));
  clock.advance(8_000);
  f.inject({ in_port: 1 });
  clock.advance(8_000);
  t.equal(f.expire().length, 1, 'the hard timeout passed; the idle one was refreshed');
  t.equal(got.length, 0, 'no flow-removed without the flag');
  clock.advance(2_000);
  t.equal(f.expire().length, 1);
  t.match(got, [{ type: 'flowRemoved', cookie: 9n, reason: OFPRR.IDLE_TIMEOUT, idleTimeout: 10 }]);
  f.send(flowAdd({ priority: 1, match: { in_port: 3 }, actions: [output(1)], flags: OFPFF.SEND_FLOW_REM, cookie: 10n }));
  f.send(flowDelete({ match: { in_port: 3 } }));
  t.match(got[1], { type: 'flowRemoved', cookie: 10n, reason: OFPRR.DELETE });
});

t.test('scripted refusals reach onError, or the host when nobody claims them', async (t) => {
  const { got, events } = recorder();
  const f = new FakeDatapath().connect(events);
  f.reject((m) => m.type === 'flowMod' && m.priority === 77, OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, { once: true });
  let claimed = 0;
  f.send(flowAdd({ priority: 77, actions: [output(1)] }), () => claimed++);
  f.send(flowAdd({ priority: 77, actions: [output(1)] }), () => claimed++);
  f.reject((m) => m.type === 'packetOut', OFPET.BAD_REQUEST, 8);
  f.send(packetOut({ data: new Uint8Array(60), actions: [output(1)] }));
  await settle();
  t.equal(claimed, 1, 'once');
  t.equal(f.flows().length, 1, 'the second, not refused, was applied');
  t.match(got, [{ type: 'error', errType: OFPET.BAD_REQUEST, code: 8 }]);
  t.equal((got[0] as { data: Uint8Array }).data[1], 13, 'the error carries the refused message (OFPT_PACKET_OUT)');
});
