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
import { COMMANDS, randomFlow } from '../support/random-flows.js';

type Outcome = { bytes: string } | { error: string; status: number };

function general(flow: unknown, command: FlowCommand): Outcome {
  try {
    return { bytes: Buffer.from(encode(flowModFromFriendly(flow, command))).toString('hex') };
  } catch (e) {
    return { error: (e as Error).message, status: (e as { status?: number }).status ?? 0 };
  }
}

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
