/**
 * The bulk route's store shortcut (src/rest/flow-store-fast.ts) against the general path
 * (decode -> persistentAddPut: flowModToFriendly, JSON.stringify, flowKey): random flows, as the
 * route encodes them, and random changes of their bytes. Wherever the shortcut answers, its
 * key, value and JSON text are the general path's; it declines whatever it does not take.
 */
import t from 'tap';
import { decode, Writer } from '../../protocol/index.js';
import type { FlowMod } from '../../protocol/index.js';
import { encodeBulkFlow } from '../../src/rest/bulk-encode.js';
import { storePutFast } from '../../src/rest/flow-store-fast.js';
import { persistentAddPut } from '../../src/rest/persist.js';
import { Prng } from '../support/prng.js';
import { randomFlow } from '../support/random-flows.js';

const DPID = '00000000000be7c4';

function general(bytes: Uint8Array): { key: string; value: unknown; json: string | undefined } | undefined {
  let fm: FlowMod;
  try {
    fm = decode(bytes) as FlowMod;
  } catch {
    return undefined;
  }
  const op = persistentAddPut(DPID, fm);
  return op?.type === 'put' ? { key: op.key, value: op.value, json: op.json } : undefined;
}

function encoded(flow: unknown): Uint8Array | undefined {
  const w = new Writer(256);
  try {
    encodeBulkFlow(flow, 'add', w);
  } catch {
    return undefined;
  }
  return w.buf.slice(0, w.pos);
}

t.test('the shortcut gives what the general path gives, or declines', async (t) => {
  const r = new Prng(0x5107e);
  let taken = 0;
  let compared = 0;
  let mismatches = 0;
  for (let i = 0; i < 20_000; i++) {
    const bytes = encoded(randomFlow(r, i % 4 !== 0));
    if (!bytes) continue;
    // Now and then a byte changed: the shortcut must decline or agree with what decode makes of it.
    if (r.chance(0.2)) bytes[r.int(0, bytes.length - 1)] = r.int(0, 255);
    const fast = storePutFast(DPID, bytes);
    if (!fast) continue;
    taken++;
    const want = general(bytes);
    compared++;
    if (fast.type !== 'put' || !want || fast.key !== want.key || fast.json !== want.json || fast.json !== JSON.stringify(fast.value) || JSON.stringify(want.value) !== fast.json) {
      if (mismatches++ < 5) t.fail('shortcut differs', { bytes: Buffer.from(bytes).toString('hex'), fast, want });
    }
  }
  t.equal(mismatches, 0, `${compared} flows compared`);
  // Enough flows must take the shortcut, or this tests nothing.
  t.ok(taken > 1000, `shortcut taken ${taken} times`);
});

/** A flow of the common shape with random values over each field's whole range. */
function commonFlow(r: Prng): Record<string, unknown> {
  const ip = () => `${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`;
  const mac = () => Array.from(r.bytes(6), (x) => x.toString(16).padStart(2, '0')).join(':');
  const match: Record<string, unknown> = {};
  if (r.chance(0.3)) match.in_port = r.chance(0.5) ? r.int(1, 64) : r.int(1, 0xffffff00);
  if (r.chance(0.2)) match.eth_dst = r.chance(0.5) ? mac() : mac().toUpperCase();
  if (r.chance(0.2)) match.eth_src = mac();
  if (r.chance(0.8)) {
    match.eth_type = 0x0800;
    if (r.chance(0.5)) match.ipv4_src = ip();
    if (r.chance(0.7)) match.ipv4_dst = ip();
    if (r.chance(0.5)) {
      const udp = r.chance(0.5);
      match.ip_proto = udp ? 17 : 6;
      if (r.chance(0.6)) match[udp ? 'udp_src' : 'tcp_src'] = r.int(0, 65535);
      if (r.chance(0.6)) match[udp ? 'udp_dst' : 'tcp_dst'] = r.int(0, 65535);
    }
  } else if (r.chance(0.5)) match.eth_type = r.int(0, 65535);
  const flow: Record<string, unknown> = { match };
  if (r.chance(0.8)) flow.table = r.int(0, 254);
  if (r.chance(0.8)) flow.priority = r.int(0, 65535);
  if (r.chance(0.7)) flow.cookie = r.chance(0.5) ? r.int(0, 2 ** 31) : `0x${Buffer.from(r.bytes(r.int(1, 8))).toString('hex')}`;
  const n = r.int(0, 3);
  const actions: unknown[] = [];
  for (let i = 0; i < n; i++) actions.push(r.chance(0.5) ? { type: 'output', port: r.int(1, 0xffffff00) } : { type: 'output', port: r.int(1, 64), maxLen: r.int(0, 65535) });
  if (r.chance(0.9)) flow.actions = actions;
  return flow;
}

t.test('common-shape flows with random values: the shortcut, the same as the general path', async (t) => {
  const r = new Prng(0xc0ffee);
  let taken = 0;
  let mismatches = 0;
  for (let i = 0; i < 20_000; i++) {
    const flow = commonFlow(r);
    const bytes = encoded(flow);
    if (!bytes) {
      if (mismatches++ < 5) t.fail('not encodable', { flow });
      continue;
    }
    const fast = storePutFast(DPID, bytes);
    const want = general(bytes);
    if (fast) taken++;
    else continue;
    if (fast.type !== 'put' || !want || fast.key !== want.key || fast.json !== want.json || fast.json !== JSON.stringify(fast.value)) {
      if (mismatches++ < 5) t.fail('shortcut differs', { flow, fast, want });
    }
  }
  t.equal(mismatches, 0);
  t.equal(taken, 20_000, 'every common-shape flow takes the shortcut');
});

t.test('the bench flows take the shortcut', async (t) => {
  const flow = { table: 7, priority: 1000, cookie: '0xbe7c4', match: { eth_type: 0x0800, ipv4_dst: '10.1.2.3' }, actions: [{ type: 'output', port: 2 }] };
  const bytes = encoded(flow)!;
  const fast = storePutFast(DPID, bytes);
  t.ok(fast);
  t.same(fast, persistentAddPut(DPID, decode(bytes) as FlowMod));
});

t.test('declined: timeouts, flags, masks, reserved ports, other actions', async (t) => {
  const base = { table: 1, priority: 5, match: { in_port: 3, eth_type: 0x0800, ipv4_src: '10.0.0.1' }, actions: [{ type: 'output', port: 2 }] };
  const cases: unknown[] = [
    { ...base, idleTimeout: 5 },
    { ...base, hardTimeout: 5 },
    { ...base, flags: ['send_flow_rem'] },
    { ...base, match: { eth_type: 0x0800, ipv4_src: '10.0.0.0/8' } },
    { ...base, match: { in_port: 'LOCAL' } },
    { ...base, actions: [{ type: 'output', port: 'CONTROLLER' }] },
    { ...base, actions: [{ type: 'group', groupId: 3 }] },
    { ...base, match: { vlan_vid: 5 } },
    { ...base, instructions: [{ type: 'gotoTable', tableId: 3 }] },
  ];
  for (const c of cases) {
    const bytes = encoded(c);
    t.ok(bytes, JSON.stringify(c));
    t.equal(storePutFast(DPID, bytes!), undefined, JSON.stringify(c));
  }
  const ok = encoded(base)!;
  t.ok(storePutFast(DPID, ok));
  for (const cmd of ['modify', 'delete'] as const) {
    const w = new Writer(256);
    encodeBulkFlow(cmd === 'delete' ? { ...base, actions: undefined } : base, cmd, w);
    t.equal(storePutFast(DPID, w.buf.slice(0, w.pos)), undefined, cmd);
  }
});
