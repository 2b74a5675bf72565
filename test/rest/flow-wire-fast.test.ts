/**
 * The bulk route's shortcut (src/rest/flow-wire-fast.ts) against the general path
 * (flowModFromFriendly + encode): random flows, valid and not, over the match fields and
 * actions the REST API takes. Wherever the shortcut writes a flow its bytes are the general
 * path's; wherever it declines it has written nothing; and the route's encodeBulkFlow (shortcut,
 * else general) gives the same bytes or the same 400 text as the general path on every flow.
 */
import t from 'tap';
import { encode, Writer } from '../../protocol/index.js';
import { flowModFromFriendly } from '../../src/rest/flow-json.js';
import type { FlowCommand } from '../../src/rest/flow-json.js';
import { encodeFlowModFast } from '../../src/rest/flow-wire-fast.js';
import { encodeBulkFlow } from '../../src/rest/plugins/flows-bulk.js';
import { Prng } from '../support/prng.js';

// Values per field: mostly valid ones of every accepted form, some invalid.
const POOL: Record<string, unknown[]> = {
  in_port: [1, 2, 0xfffffffe, 0xffffffff, 'LOCAL', 'controller', '7', -1, 1.5, 2 ** 32, null],
  eth_dst: ['02:00:00:00:00:01', 'AA:BB:CC:DD:EE:FF', '02:00:00:00:00:00/ff:ff:ff:00:00:00', '02:00:00:00:00', 'zz:00:00:00:00:01', 5],
  eth_src: ['0a:1b:2c:3d:4e:5f', '02:00:00:00:00:01/01:00:00:00:00:00', '02-00-00-00-00-01'],
  eth_type: [0x0800, 0x0800, 0x0800, 0x86dd, 0x0806, 0x8100, '0x800', '2048', 0x10000, -5],
  vlan_vid: [0, 1, 100, 4095, 4096, 'none', 'present', '0x1005/0x1fff', '0x1064', '12'],
  vlan_pcp: [0, 3, 7, 8],
  ip_proto: [6, 6, 17, 17, 1, 58, 256, '6'],
  ip_dscp: [0, 46, 64],
  ipv4_src: ['10.0.0.1', '10.0.0.0/8', '10.1.2.3/24', '10.0.0.1/32', '0.0.0.0/0', '10.0.0.0/255.255.0.0', '10.0.0.0/33', '10.0.0', '300.0.0.1', ' 10.0.0.1', '10.0.0.1/ 16'],
  ipv4_dst: ['192.168.1.1', '192.168.0.0/16', '192.168.1.7/31', '1.2.3.4/1', '1.2.3.4/abc', 7],
  tcp_src: [80, 443, 0, 65535, 65536, '80'],
  tcp_dst: [22, 8080, 1.5],
  udp_src: [53, 67, 68],
  udp_dst: [53, 4789, -1],
  icmpv4_type: [8, 0],
  arp_op: [1, 2],
  ipv6_dst: ['2001:db8::1', '2001:db8::/32', 'fe80::1/64'],
  metadata: ['0x1', 5, '0x10/0xff'],
  tunnel_id: [5, '0x100'],
  ct_state: ['+trk+new', '0x21/0x3f'],
  nosuch_field: [1],
};
const FIELDS = Object.keys(POOL);
const COMMON = ['in_port', 'eth_dst', 'eth_src', 'eth_type', 'vlan_vid', 'ip_proto', 'ipv4_src', 'ipv4_dst', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'];

const ACTIONS: unknown[] = [
  { type: 'output', port: 1 },
  { type: 'output', port: 2 },
  { type: 'output', port: 0xfffffffd },
  { type: 'output', port: 0xfffffffd, maxLen: 128 },
  { type: 'output', port: 3, maxLen: 0 },
  { type: 'output', port: 'CONTROLLER' },
  { type: 'output', port: '4' },
  { type: 'output', port: -1 },
  { type: 'output', port: 1, maxLen: 70000 },
  { type: 'output' },
  { type: 'output', port: 1, extra: true },
  { type: 'group', groupId: 3 },
  { type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:09' },
  { type: 'pushVlan' },
  { type: 'decNwTtl' },
  { type: 'nosuch' },
  'output',
  null,
];

const TOP: Record<string, unknown[]> = {
  table: [0, 1, 7, 254, 255, 256, -1, '3'],
  priority: [0, 100, 65535, 65536, 1.5, '100'],
  cookie: [0, 42, '0xbe7c4', 2 ** 40, '0xffffffffffffffff', '0X1234567890abcdef', '123456789012345', '0x2a', '0x', '0x1ffffffffffffffff', ' 0x2a', '1e3', '9007199254740993', 2 ** 53 - 1, 2 ** 53, -1],
  idleTimeout: [0, 10, 65535, 65536],
  hardTimeout: [0, 30, -3],
  bufferId: [0xffffffff, 5, 2 ** 32],
  outPort: [1, 0xffffffff, 'ANY', -1],
  outGroup: [0xffffffff, 3, 'x'],
  flags: [['send_flow_rem'], 1, ['nosuch']],
  strict: [true, false, 'yes'],
  cookieMask: [0, '0xff'],
  instructions: [[{ type: 'gotoTable', tableId: 3 }], []],
  persistent: [false],
};

function randomFlow(r: Prng, common: boolean): unknown {
  if (r.chance(0.01)) return r.pick([null, 5, 'flow', [1]]);
  const flow: Record<string, unknown> = {};
  for (const k of Object.keys(TOP)) {
    const rare = !['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout'].includes(k);
    if (r.chance(rare ? (common ? 0.01 : 0.06) : 0.4)) flow[k] = r.pick(TOP[k]!);
  }
  if (!r.chance(0.05)) {
    const match: Record<string, unknown> = {};
    const names = common ? COMMON : FIELDS;
    const n = r.int(0, 5);
    for (let i = 0; i < n; i++) {
      const f = r.pick(names);
      // In "common" flows mostly valid values that satisfy prerequisites, so the shortcut runs.
      match[f] = common ? r.pick(POOL[f]!.slice(0, 3)) : r.pick(POOL[f]!);
    }
    if (common) {
      if (match.ip_proto !== undefined || match.ipv4_src !== undefined || match.ipv4_dst !== undefined || r.chance(0.5)) match.eth_type = 0x0800;
      if (match.tcp_src !== undefined || match.tcp_dst !== undefined) match.ip_proto = 6;
      if (match.udp_src !== undefined || match.udp_dst !== undefined) match.ip_proto = r.chance(0.9) ? 17 : 6;
    }
    flow.match = r.chance(0.02) ? r.pick([null, [], 'x']) : match;
  }
  if (r.chance(0.85)) {
    const n = r.int(0, 4);
    const list: unknown[] = [];
    for (let i = 0; i < n; i++) list.push(common ? r.pick(ACTIONS.slice(0, 5)) : r.pick(ACTIONS));
    flow.actions = r.chance(0.02) ? { type: 'output', port: 1 } : list;
  }
  return flow;
}

type Outcome = { bytes: string } | { error: string; status: number };

function general(flow: unknown, command: FlowCommand): Outcome {
  try {
    return { bytes: Buffer.from(encode(flowModFromFriendly(flow, command))).toString('hex') };
  } catch (e) {
    return { error: (e as Error).message, status: (e as { status?: number }).status ?? 0 };
  }
}

const COMMANDS: FlowCommand[] = ['add', 'add', 'modify', 'delete'];

t.test('the shortcut writes the general path bytes or nothing, over random flows', async (t) => {
  const seed = 0x5eed17;
  const r = new Prng(seed);
  let fast = 0;
  let validCommon = 0;
  let mismatches = 0;
  const w = new Writer(64);
  for (let i = 0; i < 40_000; i++) {
    const common = i % 2 === 0;
    const flow = randomFlow(r, common);
    const command = r.pick(COMMANDS);
    const want = general(flow, command);
    // Written after some other bytes: the shortcut must use w.pos, not 0.
    w.pos = 0;
    w.u8(0xee);
    const ok = encodeFlowModFast(flow, command, w);
    if (common && 'bytes' in want) validCommon++;
    if (!ok) {
      if (w.pos !== 1) t.fail(`case ${i} (seed ${seed}): declined but moved pos to ${w.pos}`);
      continue;
    }
    fast++;
    const got = Buffer.from(w.buf.subarray(1, w.pos)).toString('hex');
    if (!('bytes' in want) || got !== want.bytes) {
      if (mismatches++ < 5) t.fail(`case ${i} (seed ${seed}) ${command} ${JSON.stringify(flow)}: shortcut ${got}, general ${JSON.stringify(want)}`);
    }
  }
  t.equal(mismatches, 0, 'every flow the shortcut wrote has the general path bytes');
  // The shortcut must actually run for the shape it is for (else this test proves nothing).
  t.ok(fast > validCommon * 0.8, `shortcut took ${fast} of ${validCommon} valid common-shape flows`);
});

t.test('encodeBulkFlow: the same bytes or the same 400 as the general path on every flow', async (t) => {
  const seed = 0xb0c;
  const r = new Prng(seed);
  let errors = 0;
  let valid = 0;
  let diffs = 0;
  const w = new Writer(64);
  for (let i = 0; i < 20_000; i++) {
    const flow = randomFlow(r, i % 2 === 0);
    const command = r.pick(COMMANDS);
    const want = general(flow, command);
    w.pos = 0;
    let got: Outcome;
    try {
      encodeBulkFlow(flow, command, w);
      got = { bytes: Buffer.from(w.buf.subarray(0, w.pos)).toString('hex') };
    } catch (e) {
      got = { error: (e as Error).message, status: (e as { status?: number }).status ?? 0 };
      if (w.pos !== 0) t.fail(`case ${i}: an error left ${w.pos} bytes written`);
    }
    if ('error' in want) errors++;
    else valid++;
    if (JSON.stringify(got) !== JSON.stringify(want) && diffs++ < 5) t.fail(`case ${i} (seed ${seed}) ${command} ${JSON.stringify(flow)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  }
  t.equal(diffs, 0, 'no flow differs');
  t.ok(errors > 1000 && valid > 1000, `${errors} invalid and ${valid} valid flows among them`);
});

t.test('the bench flow shape and a few exact ones take the shortcut', async (t) => {
  const flows = [
    { table: 7, priority: 1000, cookie: '0xbe7c4', match: { eth_type: 0x0800, ipv4_dst: '10.0.1.2' }, actions: [{ type: 'output', port: 1 }] },
    { cookie: '0xfedcba9876543210', match: { ipv4_dst: '10.0.1.2', eth_type: 0x0800 } },
    { table: 3, priority: 7, cookie: 2 ** 33 + 5, match: { in_port: 1, eth_type: 0x0800, ip_proto: 6, tcp_dst: 80, ipv4_src: '10.0.0.0/8' }, actions: [] },
    { match: { vlan_vid: 10, eth_dst: '02:00:00:00:00:01' }, actions: [{ type: 'output', port: 0xfffffffd }, { type: 'output', port: 2 }] },
    {},
  ];
  for (const f of flows) {
    for (const command of ['add', 'modify', 'delete'] as FlowCommand[]) {
      const flow = command === 'delete' ? { ...f, actions: undefined } : f;
      const w = new Writer(16);
      t.ok(encodeFlowModFast(flow, command, w), `${command} ${JSON.stringify(flow)} takes the shortcut`);
      t.equal(Buffer.from(w.buf.subarray(0, w.pos)).toString('hex'), Buffer.from(encode(flowModFromFriendly(flow, command))).toString('hex'));
    }
  }
});

t.test('a flow too long for one message is left to the general path and its error', async (t) => {
  const huge = { priority: 1, actions: Array.from({ length: 5000 }, () => ({ type: 'output', port: 2 })) };
  const w = new Writer(16);
  t.notOk(encodeFlowModFast(huge, 'add', w), 'declined');
  t.equal(w.pos, 0, 'nothing written');
  const want = general(huge, 'add');
  t.ok('error' in want && /exceeds 65535/.test(want.error), 'the general path refuses it');
  t.throws(() => encodeBulkFlow(huge, 'add', w), { message: (want as { error: string }).error });
});
