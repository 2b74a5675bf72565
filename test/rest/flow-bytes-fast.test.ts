/**
 * The bulk route's byte reader (src/rest/flow-bytes-fast.ts) against the general path
 * (JSON.parse, then flowModFromFriendly + encode): random flows written as JSON text in many
 * ways (whitespace anywhere, unicode escapes, numbers in exponent or fraction form, duplicate
 * keys, nested unknown fields, broken bytes). Wherever the reader writes a flow its bytes are
 * the general path's; wherever it declines it has written nothing. Then whole bodies: the
 * route's encodeBulkFlows gives the same bytes, or the same 400, as the route did before the
 * reader (each slice parsed with JSON.parse, then the object shortcut or the general path).
 */
import t from 'tap';
import { encode, Writer } from '../../protocol/index.js';
import { scanBulkBody } from '../../src/rest/bulk-body.js';
import { encodeBulkFlow, encodeBulkFlows, SLICE } from '../../src/rest/bulk-encode.js';
import { HttpError, prefixField, toHttpError } from '../../src/rest/errors.js';
import { encodeFlowBytesFast } from '../../src/rest/flow-bytes-fast.js';
import { flowModFromFriendly } from '../../src/rest/flow-json.js';
import { encodeFlowModFast } from '../../src/rest/flow-wire-fast.js';
import { F, MAX_OUTPUT_ACTIONS } from '../../src/rest/flow-wire-scratch.js';
import type { FlowCommand } from '../../src/rest/flow-json.js';
import { Prng } from '../support/prng.js';
import { COMMANDS, randomFlow } from '../support/random-flows.js';

type Outcome = { bytes: string } | { error: string; status: number };

/** The general path on the text: JSON.parse, flowModFromFriendly, encode. */
function general(text: string, command: FlowCommand): Outcome | 'not json' {
  let flow: unknown;
  try {
    flow = JSON.parse(text);
  } catch {
    return 'not json';
  }
  try {
    return { bytes: Buffer.from(encode(flowModFromFriendly(flow, command))).toString('hex') };
  } catch (e) {
    return { error: (e as Error).message, status: (e as { status?: number }).status ?? 0 };
  }
}

const WS = ['', '', '', ' ', '  ', '\n', '\t', '\r\n ', ' \n\t'];

/** What a text generator did to a flow, beyond whitespace (plain texts must mostly take the reader). */
interface Tricks {
  n: number;
}

/** A string as JSON, now and then with one character written as a \u escape or "\/". */
function str(r: Prng, s: string, tricks: Tricks, odd: number): string {
  const j = JSON.stringify(s);
  if (s.length === 0 || !r.chance(odd)) return j;
  tricks.n++;
  const i = r.int(0, s.length - 1);
  const c = s[i]!;
  const esc = c === '/' && r.chance(0.5) ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, r.chance(0.5) ? '0' : '0').toUpperCase()}`;
  return JSON.stringify(s.slice(0, i)).slice(0, -1) + esc + JSON.stringify(s.slice(i + 1)).slice(1);
}

/** A number as JSON, now and then in exponent or fraction form, or -0. */
function numText(r: Prng, v: number, tricks: Tricks, odd: number): string {
  if (!Number.isInteger(v) || !r.chance(odd)) return JSON.stringify(v);
  tricks.n++;
  switch (r.int(0, 4)) {
    case 0:
      return `${v}e0`;
    case 1:
      return `${v}.0`;
    case 2:
      return v === 0 ? '-0' : `${v}E+0`;
    case 3:
      return v % 10 === 0 && v !== 0 ? `${v / 10}e1` : `${v}0e-1`;
    default:
      return `${v * 100}e-2`;
  }
}

/** JSON text of `v` with random whitespace and, at rate `odd`, the tricks above plus duplicate keys and unknown fields. */
function text(r: Prng, v: unknown, tricks: Tricks, odd: number): string {
  const ws = () => (r.chance(0.3) ? r.pick(WS) : '');
  if (typeof v === 'string') return str(r, v, tricks, odd);
  if (typeof v === 'number') return numText(r, v, tricks, odd);
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => text(r, x, tricks, odd)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const parts: string[] = [];
  const entries = Object.entries(v as Record<string, unknown>);
  for (const [k, x] of entries) {
    if (r.chance(odd / 3)) {
      // A duplicate key: another value first (JSON.parse keeps the last), or the same one twice.
      tricks.n++;
      parts.push(`${str(r, k, tricks, 0)}${ws()}:${ws()}${r.chance(0.5) ? text(r, x, tricks, 0) : r.pick(['1', '"x"', 'null', '{}', '[]'])}`);
    }
    parts.push(`${str(r, k, tricks, odd)}${ws()}:${ws()}${text(r, x, tricks, odd)}`);
  }
  if (r.chance(odd / 3)) {
    // A nested unknown field.
    tricks.n++;
    parts.splice(r.int(0, parts.length), 0, `"${r.pick(['extra', 'x', 'Match', 'type2', '__proto__'])}":${ws()}{"a":${ws()}[1, {"b": null, "c": "\\u00e9"}]}`);
  }
  return `{${ws()}${parts.join(`${ws()},${ws()}`)}${ws()}}`;
}

/** Now and then bytes that are not JSON any more: cut short or one byte changed. */
function breakText(r: Prng, s: string, tricks: Tricks, rate = 0.03): string {
  if (!r.chance(rate)) return s;
  tricks.n++;
  if (r.chance(0.5)) return s.slice(0, r.int(0, s.length - 1));
  const i = r.int(0, s.length - 1);
  return s.slice(0, i) + r.pick(['"', '{', '}', '[', ']', ',', ':', '\\', ' ', 'x', '1', '0', '.', 'e', '-', '\u0001', 'é']) + s.slice(i + 1);
}

t.test('the byte reader writes the general path bytes or nothing, over random flow texts', async (t) => {
  const seed = 0xb17e5;
  const r = new Prng(seed);
  let plainValid = 0;
  let plainFast = 0;
  let fast = 0;
  let trickDeclined = 0;
  let mismatches = 0;
  const w = new Writer(64);
  for (let i = 0; i < 60_000; i++) {
    const flow = randomFlow(r, i % 3 !== 2);
    const command = r.pick(COMMANDS);
    const tricks: Tricks = { n: 0 };
    const s = breakText(r, text(r, flow, tricks, r.chance(0.5) ? 0 : 0.15), tricks);
    const want = general(s, command);
    const bytes = Buffer.from(`  ${s} `);
    // Written after some other bytes: the reader must use w.pos, not 0.
    w.pos = 0;
    w.u8(0xee);
    const ok = encodeFlowBytesFast(bytes, 2, 2 + Buffer.byteLength(s), command, w);
    if (tricks.n === 0 && want !== 'not json' && 'bytes' in want) {
      plainValid++;
      if (ok) plainFast++;
    }
    if (!ok) {
      if (tricks.n > 0) trickDeclined++;
      if (w.pos !== 1) t.fail(`case ${i} (seed ${seed}): declined but moved pos to ${w.pos}`);
      continue;
    }
    fast++;
    const got = Buffer.from(w.buf.subarray(1, w.pos)).toString('hex');
    if (want === 'not json' || !('bytes' in want) || got !== want.bytes) {
      if (mismatches++ < 5) t.fail(`case ${i} (seed ${seed}) ${command} ${JSON.stringify(s)}: reader ${got}, general ${JSON.stringify(want)}`);
    }
  }
  t.equal(mismatches, 0, `every flow the reader wrote (${fast}) has the general path bytes`);
  t.ok(plainValid > 3_000 && plainFast > plainValid * 0.5, `the reader took ${plainFast} of ${plainValid} valid flows written plainly`);
  t.ok(trickDeclined > 5_000, `${trickDeclined} texts with escapes, exponents, duplicates, unknown fields or broken bytes declined`);
});

t.test('edge cases: declined (nothing written), and the route gives the general path result', async (t) => {
  const base = '"table":7,"priority":1000,"cookie":"0xbe7c4"';
  const m = '"match":{"eth_type":2048,"ipv4_dst":"10.0.0.1"}';
  const a = '"actions":[{"type":"output","port":1}]';
  const declined = [
    // unicode escapes, in keys and in values
    `{"t\\u0061ble":7,${m},${a}}`,
    `{${base},${m},"actions":[{"type":"\\u006futput","port":1}]}`,
    `{${base},"match":{"eth_type":2048,"ipv4_dst":"10.0.0.\\u0031"},${a}}`,
    `{${base},"match":{"eth_dst":"02:00:00:00:00:0\\u0031"},${a}}`,
    `{"cookie":"0x\\u0031",${m}}`,
    `{"cookie":"0\\/1"}`,
    // numbers in exponent or fraction form, signs, leading zeros
    `{"priority":1e3,${m}}`,
    `{"priority":1E3,${m}}`,
    `{"priority":1000.0,${m}}`,
    `{"priority":10000e-1,${m}}`,
    `{"priority":-0,${m}}`,
    `{"priority":-1,${m}}`,
    `{"priority":01,${m}}`,
    `{"table":0.5}`,
    `{"cookie":1e2}`,
    `{"cookie":1234567890123456}`,
    `{${base},"match":{"in_port":1e0},${a}}`,
    `{${base},${m},"actions":[{"type":"output","port":1.0}]}`,
    `{${base},${m},"actions":[{"type":"output","port":1,"maxLen":1e2}]}`,
    // duplicate keys, at every level
    `{"priority":1,"priority":2,${m}}`,
    `{${base},${m},${m}}`,
    `{${base},"match":{"eth_type":2048,"eth_type":34525},${a}}`,
    `{${base},${m},"actions":[{"type":"output","port":1,"port":2}]}`,
    `{${base},${m},"actions":[{"type":"output","type":"output","port":1}]}`,
    // nested unknown fields
    `{${base},${m},${a},"extra":{"a":[1,{"b":null}]}}`,
    `{${base},"match":{"eth_type":2048,"x":{"y":[1]}},${a}}`,
    `{${base},${m},"actions":[{"type":"output","port":1,"x":{"y":2}}]}`,
    `{"__proto__":{"priority":1},${m}}`,
    // other forms the reader leaves to JSON.parse
    `{${base},"match":{"eth_type":2048,"ipv4_dst":"10.0.0.1/ 24"},${a}}`,
    `{${base},"match":{"eth_type":2048,"ipv4_dst":" 10.0.0.1"},${a}}`,
    `{${base},"match":{"eth_type":2048,"ipv4_dst":"10.0.0.01"},${a}}`,
    `{${base},"match":{"eth_type":2048,"ipv4_dst":"10.0.0.0/8 "},${a}}`,
    `{${base},"match":{"in_port":"1"},${a}}`,
    `{${base},"match":null,${a}}`,
    `{${base},${m},"actions":[{"type":"output","port":"CONTROLLER"}]}`,
    `{${base},${m},"actions":[{"port":1}]}`,
    `{${base},${m},"actions":[{"type":"output"}]}`,
    `{${base},${m},"actions":{"type":"output","port":1}}`,
    `{"cookie":"0x"}`,
    `{"cookie":"0x1ffffffffffffffff"}`,
    `{"cookie":"9007199254740993"}`,
    `{"cookie":" 0x2a"}`,
    `{"priority":null}`,
    `{"priority":true}`,
    `{"priority":"5"}`,
    '{"priority":70000}',
    `{${base},"match":{"ipv4_dst":"10.0.0.1"},${a}}`,
    `{${base},"match":{"eth_type":2048,"ipv4_dst":"10.0.0.1/8"},${a}}`,
    `{${base},"match":{"eth_type":2048,"tcp_dst":80},${a}}`,
    // not JSON at all
    `{"priority":5,}`,
    `{"priority":5 "table":1}`,
    `{"priority":5}}`,
    `{"priority":}`,
    '{"priority":5',
    '{"prio\u0001rity":5}',
    `{${base},"match":{"eth_dst":"02:00:00:00:00:01\u0001"}}`,
    `{"match":{"in_port":1,}}`,
    `{"actions":[{"type":"output","port":1},]}`,
    `{"actions":[,]}`,
    '[1]',
    '5',
    '',
    '{"é":1}',
  ];
  for (const s of declined) {
    for (const command of ['add', 'delete'] as FlowCommand[]) {
      const w = new Writer(16);
      t.notOk(encodeFlowBytesFast(Buffer.from(s), 0, Buffer.byteLength(s), command, w), `${command} ${s}: declined`);
      t.equal(w.pos, 0, 'nothing written');
      // In a body, between two flows the reader takes: the route's bytes or 400 of before.
      const body = Buffer.from(`{"command":"${command}","flows":[{"priority":1},${s === '' ? '{}' : s},{"priority":2}]}`);
      let want: unknown;
      try {
        want = await before(body, command);
      } catch (e) {
        want = outcome(e);
      }
      let got: unknown;
      try {
        got = await now(body, command);
      } catch (e) {
        got = outcome(e);
      }
      t.same(got, want, 'the route: the same result as before the reader');
    }
  }
  // What the reader takes, whitespace and key order free.
  const taken = [
    `{${base},${m},${a}}`,
    ` {\n\t"priority" :\r\n 1000 , "match" : { "ipv4_dst" : "10.0.0.1" ,"eth_type":2048 } ,"table":7, ${a.replace(':', ' :\n')} } `,
    `{"actions":[],"match":{},"cookie":0}`,
    '{}',
    `{"cookie":"0XFEDCBA9876543210","table":0,"priority":0,"idleTimeout":65535,"hardTimeout":1,"bufferId":4294967295,"outPort":4294967295,"outGroup":7}`,
    `{"cookie":"000123456789012","match":{"in_port":4294967294,"eth_dst":"aA:bB:cC:dD:eE:fF","eth_src":"00:00:00:00:00:00","vlan_vid":4095,"eth_type":2048,"ip_proto":17,"ipv4_src":"10.0.0.0/08","ipv4_dst":"0.0.0.0/32","udp_src":0,"udp_dst":65535}}`,
    `{"match":{"eth_type":34525,"ip_proto":6,"tcp_src":1,"tcp_dst":2},"actions":[{"type":"output","port":4294967293},{"maxLen":0,"port":4294967293,"type":"output"}]}`,
  ];
  for (const s of taken) {
    for (const command of ['add', 'modify', 'delete'] as FlowCommand[]) {
      const text = command === 'delete' ? s.replace(/,?\s*"actions"\s*:\s*\[[^\]]*\]\s*,?/, (x) => (x.startsWith(',') && x.endsWith(',') ? ',' : '')) : s;
      const want = general(text, command);
      const w = new Writer(16);
      const ok = encodeFlowBytesFast(Buffer.from(text), 0, Buffer.byteLength(text), command, w);
      t.ok(ok, `${command} ${text}: taken`);
      t.same({ bytes: Buffer.from(w.buf.subarray(0, w.pos)).toString('hex') }, want, 'the general path bytes');
    }
  }
});

/** The route before the byte reader (main at 447c810): slices parsed with JSON.parse, then encodeBulkFlow, the first error prefixed. */
async function before(body: Buffer, command: FlowCommand): Promise<unknown> {
  const b = await scanBulkBody(body, 1_000_000, new Set(['command', 'persistent']), () => Promise.resolve());
  const n = b.count;
  const w = new Writer(64);
  const ends: number[] = [];
  let i = 0;
  try {
    while (i < n) {
      const to = Math.min(i + SLICE, n);
      const list = b.flowRange(i, to);
      for (let k = 0; i < to; i++, k++) {
        encodeBulkFlow(list ? list[k] : b.flow(i), command, w);
        ends.push(w.pos);
      }
    }
  } catch (e) {
    try {
      prefixField(toHttpError(e), `flows[${i}]`);
    } catch (e2) {
      return outcome(e2);
    }
  }
  return { bytes: Buffer.from(w.buf.subarray(0, w.pos)).toString('hex'), ends };
}

async function now(body: Buffer, command: FlowCommand): Promise<unknown> {
  const b = await scanBulkBody(body, 1_000_000, new Set(['command', 'persistent']), () => Promise.resolve());
  const w = new Writer(64);
  const ends = new Uint32Array(b.count);
  try {
    await encodeBulkFlows(b, b.count, command, w, ends, () => Promise.resolve());
  } catch (e) {
    return outcome(e);
  }
  return { bytes: Buffer.from(w.buf.subarray(0, w.pos)).toString('hex'), ends: [...ends] };
}

function outcome(e: unknown): unknown {
  if (!(e instanceof HttpError)) return { crash: String(e) };
  return { status: e.status, code: e.code, message: e.message, field: e.field };
}

t.test('whole bodies: the same bytes or the same 400 as the route before the reader', async (t) => {
  const seed = 0xb0d1e5;
  const r = new Prng(seed);
  let errors = 0;
  let ok = 0;
  let broken = 0;
  for (let c = 0; c < 400; c++) {
    // Mostly short bodies; some longer than a slice, full of flows the reader declines, so the
    // slice's remainder is parsed in one go (and one by one when a bad one is among them).
    const n = c % 40 === 0 ? SLICE + r.int(1, 1500) : r.int(1, 30);
    const odd = r.pick([0, 0.02, 0.3]);
    const command = r.pick(['add', 'modify', 'delete'] as FlowCommand[]);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) {
      // Valid flows, but now and then (mostly once a body) one that is not, or not JSON.
      const bad = r.chance(0.4 / n);
      const tricks = { n: 0 };
      let s = '';
      for (let tries = 0; tries < 20; tries++) {
        s = text(r, randomFlow(r, !bad || r.chance(0.5)), { n: 0 }, odd);
        const g = general(s, command);
        if (bad || (g !== 'not json' && 'bytes' in g)) break;
      }
      parts.push(bad && r.chance(0.3) ? breakText(r, s, tricks, 1) : s);
      if (tricks.n > 0) broken++;
    }
    const body = Buffer.from(`{"command":${JSON.stringify(command)}, "flows": [${parts.join(r.pick([',', ' ,\n']))}], "persistent": false}`);
    let want: unknown;
    try {
      want = await before(body, command);
    } catch (e) {
      // The walk itself refused the body (a break that unbalanced it): both routes share it.
      t.ok(e instanceof HttpError && e.status === 400, `case ${c}: the walk refuses with a 400`);
      continue;
    }
    const got = await now(body, command);
    if ('status' in (want as object)) errors++;
    else ok++;
    t.same(got, want, `case ${c} (seed ${seed}): ${n} flows`);
  }
  t.ok(errors > 50 && ok > 50 && broken > 20, `${errors} bodies refused, ${ok} encoded; ${broken} elements not JSON`);
});

t.test('bytes changed anywhere in flows of the common shape: never a throw, never other bytes than the general path', async (t) => {
  const seed = 0xf022;
  const r = new Prng(seed);
  const good = `{"table":7,"priority":1000,"cookie":"0xbe7c4","idleTimeout":10,"match":{"in_port":3,"eth_dst":"02:00:00:00:00:01","eth_type":2048,"ip_proto":6,"ipv4_src":"10.0.0.0/8","ipv4_dst":"10.1.2.3","tcp_dst":80},"actions":[{"type":"output","port":1,"maxLen":128},{"type":"output","port":2}]}`;
  const w = new Writer(64);
  let taken = 0;
  let bad = 0;
  for (let i = 0; i < 20_000; i++) {
    const b = Buffer.from(good);
    for (let k = r.int(1, 3); k > 0; k--) b[r.int(0, b.length - 1)] = r.chance(0.5) ? r.int(0, 255) : '{}[]",:0123456789.eE-+ \\/xu'.charCodeAt(r.int(0, 27));
    const text = b.toString('utf8');
    const want = general(text, 'add');
    w.pos = 0;
    let ok = false;
    try {
      ok = encodeFlowBytesFast(b, 0, b.length, 'add', w);
    } catch (e) {
      bad++;
      if (bad < 5) t.fail(`case ${i}: threw ${String(e)} on ${JSON.stringify(text)}`);
      continue;
    }
    if (!ok) {
      if (w.pos !== 0) t.fail(`case ${i}: declined but wrote ${w.pos} bytes`);
      continue;
    }
    taken++;
    const got = Buffer.from(w.buf.subarray(0, w.pos)).toString('hex');
    if (want === 'not json' || !('bytes' in want) || got !== want.bytes) {
      bad++;
      if (bad < 5) t.fail(`case ${i} (seed ${seed}): ${JSON.stringify(text)} reader ${got}, general ${JSON.stringify(want)}`);
    }
  }
  t.equal(bad, 0, `no throw and no difference (${taken} changed flows still taken, all with the general path bytes)`);
  t.ok(taken > 100, 'some changed flows are still valid and taken (digits changed)');
});

t.test('a flow with more output actions than one message can carry: both shortcuts decline, scratch stays bounded', async (t) => {
  const flow = { table: 0, priority: 5, match: { in_port: 1 }, actions: Array.from({ length: MAX_OUTPUT_ACTIONS + 10 }, (_, i) => ({ type: 'output', port: (i % 60) + 1 })) };
  const text = Buffer.from(JSON.stringify(flow));
  const w = new Writer(64);
  t.equal(encodeFlowBytesFast(text, 0, text.length, 'add', w), false, 'the byte reader declines');
  t.equal(encodeFlowModFast(flow, 'add', w), false, 'the object shortcut declines');
  t.equal(w.pos, 0, 'nothing written');
  t.ok(F.actPort.length <= MAX_OUTPUT_ACTIONS && F.actMaxLen.length <= MAX_OUTPUT_ACTIONS, `action scratch bounded (${F.actPort.length})`);
  const want = general(text.toString(), 'add');
  let got: Outcome;
  let status = 0;
  try {
    encodeBulkFlow(flow, 'add', w);
    got = { bytes: 'written' };
  } catch (e) {
    got = { error: (e as Error).message, status: (e as { status?: number }).status ?? 0 };
    status = toHttpError(e).status;
  }
  t.same(got, want, 'the route gives the general path result');
  t.equal(status, 400, `answered 400 (${(got as { error?: string }).error})`);
  // At the cap, the shortcut still writes (the general path agrees byte for byte).
  const atCap = { table: 0, priority: 5, actions: flow.actions.slice(0, MAX_OUTPUT_ACTIONS) };
  const capText = Buffer.from(JSON.stringify(atCap));
  const w2 = new Writer(64);
  t.equal(encodeFlowBytesFast(capText, 0, capText.length, 'add', w2), true, 'a flow at the cap is read');
  t.same({ bytes: Buffer.from(w2.buf.subarray(0, w2.pos)).toString('hex') }, general(capText.toString(), 'add'), 'same bytes as the general path');
});
