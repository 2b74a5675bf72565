import t from 'tap';
import { outputList, pairFlow, sendOut, sendOutOne, transitFlow } from '../../../apps/l2-learning/flows.js';
import type { FlowParams } from '../../../apps/l2-learning/flows.js';
import { flowAdd, match, output, packetOut } from '../../../apps/sdk/index.js';
import { decode, encode } from '../../../protocol/index.js';

const P: FlowParams = { table: 3, priority: 321, idleTimeoutSec: 45, pairCookie: 0x00a1_0000_0000_0001n, transitCookie: 0x00a1_0000_0000_0002n, cookieBase: 0x00a1_0000_0000_0000n, cookieMask: 0xffff_0000_0000_0000n };
const SRC = '0a:00:00:00:0f:01';
const DST = '0a:00:00:00:0f:02';

t.test('pairFlow and transitFlow build what flowAdd with an object match builds', async (t) => {
  const want = flowAdd({ table: 3, priority: 321, match: { in_port: 6, eth_src: SRC, eth_dst: DST }, actions: [output(9)], idle: 45, cookie: P.pairCookie });
  const got = pairFlow(P, 6, SRC, DST, 9);
  t.same(got, want);
  t.same(Object.keys(got), Object.keys(want), 'same keys in the same order');
  t.same(got.match.map((e) => e.field), ['in_port', 'eth_dst', 'eth_src'], 'OXM field-number order');
  t.same(transitFlow(P, 2, DST, 8), flowAdd({ table: 3, priority: 321, match: { eth_dst: DST, in_port: 2 }, actions: [output(8)], idle: 45, cookie: P.transitCookie }));
  t.same(decode(encode({ ...got, xid: 77 })), { ...want, xid: 77 }, 'encodes and decodes to the same');
  t.not(pairFlow(P, 6, SRC, DST, 9), got, 'a new flow mod each time');
  t.equal(pairFlow(P, 6, SRC, DST, 9).instructions[0], got.instructions[0], 'the per-port instruction is shared');
  t.ok(Object.isFrozen(got.instructions[0]) && Object.isFrozen(got.match[0]), 'and frozen, like the in_port entry');
  t.same(pairFlow(P, 0xfffffffe, SRC, DST, 0xfffffff8).match[0], { field: 'in_port', value: 0xfffffffe }, 'reserved ports are built each time');
});

t.test('sendOut and sendOutOne: shared output lists per port, fresh ones for several ports', async (t) => {
  const data = Uint8Array.from([1, 2, 3]);
  t.same(sendOutOne(data, 4, 7), packetOut({ data, inPort: 4, actions: [output(7)] }));
  t.same(sendOut(data, 4, [7]), packetOut({ data, inPort: 4, actions: [output(7)] }));
  t.same(sendOut(data, 4, [1, 2, 5]), packetOut({ data, inPort: 4, actions: [output(1), output(2), output(5)] }));
  t.equal(outputList(7), outputList(7));
  t.ok(Object.isFrozen(outputList(7)));
  t.same(outputList(0xfffffffb), [output(0xfffffffb)]);
  t.not(outputList(0xfffffffb), outputList(0xfffffffb));
});

t.test('sendOut: a frozen port list (floodPorts) gets its actions once, the same as built fresh (randomized)', async (t) => {
  const data = Uint8Array.from([9, 9]);
  let seed = 12345;
  const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000);
  let differences = 0;
  for (let i = 0; i < 300; i++) {
    const ports = Array.from({ length: 1 + Math.floor(r() * 8) }, () => 1 + Math.floor(r() * 5000));
    if (r() < 0.1) ports.push(0xfffffffb);
    const frozen = Object.freeze(ports.slice());
    const general = packetOut({ data, inPort: 3, actions: ports.map((p) => output(p)) });
    // Through the cache (twice: built, then found), and an unfrozen list (never cached).
    for (const got of [sendOut(data, 3, frozen), sendOut(data, 3, frozen), sendOut(data, 3, ports)]) {
      if (JSON.stringify(got) !== JSON.stringify(general)) differences++;
      if (JSON.stringify(encode(got)) !== JSON.stringify(encode(general))) differences++;
    }
  }
  t.equal(differences, 0, 'the same messages and the same bytes');
  const frozen = Object.freeze([1, 2, 3]);
  t.equal(sendOut(data, 1, frozen).actions, sendOut(data, 2, frozen).actions, 'one action list per frozen port list');
  t.ok(Object.isFrozen(sendOut(data, 1, frozen).actions), 'shared, so frozen');
  const loose = [1, 2, 3];
  t.not(sendOut(data, 1, loose).actions, sendOut(data, 1, loose).actions, 'a list that may change is never cached');
});

t.test('sdk match(): fields in OXM field-number order, whatever the key order', async (t) => {
  t.same(match({ eth_src: SRC, in_port: 5, eth_dst: DST }).map((e) => e.field), ['in_port', 'eth_dst', 'eth_src']);
  t.same(
    match({ ipv4_dst: '10.5.0.1', eth_type: 0x0800, in_port: 2, ip_proto: 6, tcp_dst: 443 }).map((e) => e.field),
    ['in_port', 'eth_type', 'ip_proto', 'ipv4_dst', 'tcp_dst'],
  );
  t.same(match({ in_port: 1, eth_dst: DST }), [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: DST }], 'already in order: unchanged');
  t.same(match({ eth_dst: { value: DST, mask: 'ff:ff:ff:00:00:00' }, vlan_vid: 0x1005 }), [
    { field: 'eth_dst', value: DST, mask: 'ff:ff:ff:00:00:00' },
    { field: 'vlan_vid', value: 0x1005 },
  ]);
  const list = [{ field: 'eth_src' as const, value: SRC }, { field: 'in_port' as const, value: 3 }];
  t.equal(match(list), list, 'an OXM list is taken as given');
  t.same(match(), []);
});
