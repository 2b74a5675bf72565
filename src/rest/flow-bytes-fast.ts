/**
 * The bulk route's byte-level shortcut: one flow of the body written as FLOW_MOD bytes straight
 * from its JSON bytes, without JSON.parse (the route's largest cost left, with the garbage it
 * made: docs/BENCHMARKS.md). It reads a strict subset of JSON for the shape flow-wire-fast.ts
 * takes: known keys only, each at most once; numbers as plain digits (no sign, fraction,
 * exponent or leading zero, at most 15 digits); strings without escapes, in the exact forms the
 * values take (MAC "xx:xx:xx:xx:xx:xx", IPv4 "a.b.c.d" or "a.b.c.d/len", cookie "0x..." or
 * digits, action type "output"); JSON whitespace between tokens. Anything else (unknown or
 * duplicate keys, escapes, exponents, other value forms, bytes that are not JSON) makes it
 * write nothing and return false, and the caller parses that flow with JSON.parse and takes
 * the general path, which gives the flow's bytes or its usual 400. Whatever this reads is
 * therefore valid JSON with one meaning, and its values go through the same checks and the
 * same writer as flow-wire-fast.ts's (flow-wire-scratch.ts);
 * test/rest/flow-bytes-fast.test.ts compares the two over random flow texts.
 */
import type { Writer } from '../../protocol/index.js';
import { DEFAULT_PRIORITY } from './flow-json.js';
import type { FlowCommand } from './flow-json.js';
import { actionRoom, F, isU, isU32, mac, MATCH_NAMES, num, present, resetFlow, S_ETH_DST, S_ETH_SRC, S_IN_PORT, S_IP_PROTO, S_IPV4_DST, S_IPV4_SRC, S_VLAN_VID, setIpv4, writeFlowMod } from './flow-wire-scratch.js';

// JSON's structural bytes, as in bulk-body.ts, kept local on purpose: with them imported from a
// shared module the reader's CPU per flow came out ~15% higher in a (noisy) A/B of
// bench/bulk-encode-cpu.ts, and module constants are what V8 folds most reliably.
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const K_TABLE = 0;
const K_PRIORITY = 1;
const K_COOKIE = 2;
const K_IDLE = 3;
const K_HARD = 4;
const K_MATCH = 5;
const K_ACTIONS = 6;
const K_BUFFER = 7;
const K_OUT_PORT = 8;
const K_OUT_GROUP = 9;
const TOP = keySet(['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout', 'match', 'actions', 'bufferId', 'outPort', 'outGroup']);
const MATCH = keySet(MATCH_NAMES);
const A_TYPE = 0;
const A_PORT = 1;
const A_MAX_LEN = 2;
const ACTION = keySet(['type', 'port', 'maxLen']);
const OUTPUT = Buffer.from('"output"');

/** Hex digit values, -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) HEX[0x41 + c] = HEX[0x61 + c] = 10 + c;

// The bytes and the end of the flow being read (one flow at a time: the encoder is synchronous
// and never re-entered). Positions are passed and returned (-1: declined), so they stay in
// registers; `val` carries a number read.
let end = 0;
let val = 0;

function skipWs(b: Buffer, p: number): number {
  while (p < end && isWs(b[p]!)) p++;
  return p;
}

/** Key sets: their names, and per first byte up to four candidates (index + 1; 0: none). */
interface Keys {
  names: Uint8Array[];
  first: Int8Array;
}
function keySet(names: string[]): Keys {
  const first = new Int8Array(256 * 4);
  names.forEach((n, k) => {
    const c = n.charCodeAt(0);
    let j = 0;
    while (j < 4 && first[4 * c + j] !== 0) j++;
    if (j === 4) throw new Error(`flow-bytes-fast: five keys start with ${n[0]}`);
    first[4 * c + j] = k + 1;
  });
  return { names: names.map((n) => Buffer.from(n)), first };
}

/**
 * At a quote: the key's index in `keys` into val, and the index after its closing quote; or
 * -1 for any other key (unknown, escaped, not ASCII: JSON.parse's to read).
 */
function key(b: Buffer, p: number, keys: Keys): number {
  const s = p + 1;
  if (b[p] !== QUOTE || s >= end) return -1;
  const c = b[s]!;
  for (let j = 0; j < 4; j++) {
    const k = keys.first[4 * c + j]! - 1;
    if (k < 0) return -1;
    const name = keys.names[k]!;
    const len = name.length;
    if (s + len >= end || b[s + len] !== QUOTE) continue;
    let i = 1;
    while (i < len && name[i] === b[s + i]) i++;
    if (i === len) {
      val = k;
      return s + len + 1;
    }
  }
  return -1;
}

/** After a key: the colon and the whitespace around it; the index of the value or -1. */
function colon(b: Buffer, p: number): number {
  p = skipWs(b, p);
  if (b[p] !== COLON) return -1;
  return skipWs(b, p + 1);
}

/** A JSON integer of plain digits (no sign, fraction, exponent or leading zero; <= 15 digits) into val. */
function uint(b: Buffer, p: number): number {
  const s = p;
  let c = b[p];
  if (c === 0x30) {
    p++;
    val = 0;
  } else {
    let v = 0;
    while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      p++;
    }
    if (p === s || p - s > 15) return -1;
    val = v;
  }
  c = b[p];
  // "0" then a digit is not JSON; fractions and exponents are not plain integers.
  if (c === undefined || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45) return -1;
  return p;
}

/** A MAC string at p into mac[off..off+6]. */
function macString(b: Buffer, p: number, off: number): number {
  if (p + 19 > end || b[p] !== QUOTE || b[p + 18] !== QUOTE) return -1;
  const s = p + 1;
  for (let i = 0; i < 6; i++) {
    const hi = HEX[b[s + 3 * i]!]!;
    const lo = HEX[b[s + 3 * i + 1]!]!;
    if ((hi | lo) < 0 || (i < 5 && b[s + 3 * i + 2] !== COLON)) return -1;
    mac[off + i] = (hi << 4) | lo;
  }
  return p + 19;
}

/** An IPv4 string at p ("a.b.c.d" or "a.b.c.d/len", nothing around) into slot k. */
function ipv4String(b: Buffer, p: number, k: number): number {
  if (b[p] !== QUOTE) return -1;
  p++;
  let value = 0;
  for (let i = 0; ; i++) {
    // One octet as parseIpv4 takes it: 1-3 digits, no leading zero, <= 255.
    const s = p;
    let n = 0;
    let c = 0;
    while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) {
      if (p > s && n === 0) return -1;
      n = n * 10 + (c - 0x30);
      p++;
    }
    if (p === s || p - s > 3 || n > 255) return -1;
    value = value * 256 + n;
    if (i === 3) break;
    if (b[p] !== 0x2e) return -1;
    p++;
  }
  let len = 32;
  if (b[p] === 0x2f) {
    // The prefix: one or two digits (as the object path's /^\d{1,2}$/).
    p++;
    const d1 = b[p]! - 0x30;
    if (!(d1 >= 0 && d1 <= 9)) return -1;
    p++;
    len = d1;
    const d2 = b[p]! - 0x30;
    if (d2 >= 0 && d2 <= 9) {
      len = d1 * 10 + d2;
      p++;
    }
  }
  if (p >= end || b[p] !== QUOTE) return -1;
  return setIpv4(k, value, len) ? p + 1 : -1;
}

/** A cookie at p: digits, or a string "0x" + 1-16 hex digits or 1-15 decimal digits; into F. */
function cookie(b: Buffer, p: number): number {
  if (b[p] !== QUOTE) {
    p = uint(b, p);
    if (p < 0) return -1;
    F.cookieHi = Math.floor(val / 0x100000000);
    F.cookieLo = val >>> 0;
    return p;
  }
  const s = p + 1;
  let q = s;
  if (b[s] === 0x30 && (b[s + 1] === 0x78 || b[s + 1] === 0x58)) {
    q = s + 2;
    let hi = 0;
    let lo = 0;
    while (q < end && HEX[b[q]!]! >= 0) q++;
    const digits = q - s - 2;
    if (digits < 1 || digits > 16 || b[q] !== QUOTE) return -1;
    const split = q - 8;
    for (let i = s + 2; i < q; i++) {
      if (i < split) hi = hi * 16 + HEX[b[i]!]!;
      else lo = lo * 16 + HEX[b[i]!]!;
    }
    F.cookieHi = hi;
    F.cookieLo = lo;
  } else {
    let v = 0;
    let c = 0;
    while (q < end && (c = b[q]!) >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      q++;
    }
    if (q === s || q - s > 15 || b[q] !== QUOTE) return -1;
    F.cookieHi = Math.floor(v / 0x100000000);
    F.cookieLo = v >>> 0;
  }
  return q + 1;
}

/** `{ ... }` of match fields at p, into the slots. */
function match(b: Buffer, p: number): number {
  if (b[p] !== OPEN_OBJ) return -1;
  p = skipWs(b, p + 1);
  if (b[p] === CLOSE_OBJ) return p + 1;
  for (;;) {
    p = key(b, p, MATCH);
    if (p < 0) return -1;
    const s = val;
    if (present[s]) return -1;
    p = colon(b, p);
    if (p < 0) return -1;
    switch (s) {
      case S_ETH_DST:
      case S_ETH_SRC:
        p = macString(b, p, (s - S_ETH_DST) * 6);
        break;
      case S_IPV4_SRC:
      case S_IPV4_DST:
        p = ipv4String(b, p, s - S_IPV4_SRC);
        break;
      default: {
        p = uint(b, p);
        if (p < 0 || (s === S_IN_PORT ? !isU32(val) : !isU(val, s === S_VLAN_VID ? 0xfff : s === S_IP_PROTO ? 0xff : 0xffff))) return -1;
        num[s] = val;
      }
    }
    if (p < 0) return -1;
    present[s] = 1;
    p = skipWs(b, p);
    const c = b[p++];
    if (c === CLOSE_OBJ) return p;
    if (c !== COMMA) return -1;
    p = skipWs(b, p);
  }
}

/** One `{"type": "output", "port": N[, "maxLen": M]}` at p, as action i. */
function action(b: Buffer, p: number, i: number): number {
  if (b[p] !== OPEN_OBJ) return -1;
  p = skipWs(b, p + 1);
  let seen = 0;
  let port = -1;
  let maxLen = -1;
  for (;;) {
    p = key(b, p, ACTION);
    if (p < 0) return -1;
    const k = val;
    if (seen & (1 << k)) return -1;
    seen |= 1 << k;
    p = colon(b, p);
    if (p < 0) return -1;
    if (k === A_TYPE) {
      if (p + OUTPUT.length > end) return -1;
      for (let j = 0; j < OUTPUT.length; j++) if (b[p + j] !== OUTPUT[j]) return -1;
      p += OUTPUT.length;
    } else {
      p = uint(b, p);
      if (p < 0) return -1;
      if (k === A_PORT) {
        if (!isU32(val)) return -1;
        port = val;
      } else {
        if (!isU(val, 0xffff)) return -1;
        maxLen = val;
      }
    }
    p = skipWs(b, p);
    const c = b[p++];
    if (c === CLOSE_OBJ) break;
    if (c !== COMMA) return -1;
    p = skipWs(b, p);
  }
  if (!(seen & (1 << A_TYPE)) || !(seen & (1 << A_PORT))) return -1;
  F.actPort[i] = port;
  F.actMaxLen[i] = maxLen;
  return p;
}

/** `[ ... ]` of output actions at p. */
function actions(b: Buffer, p: number): number {
  F.hasActions = true;
  if (b[p] !== OPEN_ARR) return -1;
  p = skipWs(b, p + 1);
  if (b[p] === CLOSE_ARR) return p + 1;
  for (let i = 0; ; i++) {
    if (!actionRoom(i + 1)) return -1;
    p = action(b, p, i);
    if (p < 0) return -1;
    F.nActions = i + 1;
    p = skipWs(b, p);
    const c = b[p++];
    if (c === CLOSE_ARR) return p;
    if (c !== COMMA) return -1;
    p = skipWs(b, p);
  }
}

/** The flow's top-level object from p; true when it ends exactly at `end`. */
function flow(b: Buffer, p: number, del: boolean): boolean {
  p = skipWs(b, p);
  if (b[p] !== OPEN_OBJ) return false;
  p = skipWs(b, p + 1);
  if (b[p] === CLOSE_OBJ) p++;
  else {
    let seen = 0;
    for (;;) {
      p = key(b, p, TOP);
      if (p < 0) return false;
      const k = val;
      if (seen & (1 << k)) return false;
      seen |= 1 << k;
      p = colon(b, p);
      if (p < 0) return false;
      if (k === K_COOKIE) p = cookie(b, p);
      else if (k === K_MATCH) p = match(b, p);
      else if (k === K_ACTIONS) p = actions(b, p);
      else {
        p = uint(b, p);
        if (p < 0) return false;
        const v = val;
        if (k === K_TABLE) {
          if (!isU(v, 0xff) || (!del && v === 0xff)) return false;
          F.table = v;
        } else if (k === K_PRIORITY || k === K_IDLE || k === K_HARD) {
          if (!isU(v, 0xffff)) return false;
          if (k === K_PRIORITY) F.priority = v;
          else if (k === K_IDLE) F.idleTimeout = v;
          else F.hardTimeout = v;
        } else {
          if (!isU32(v)) return false;
          if (k === K_BUFFER) F.bufferId = v;
          else if (k === K_OUT_PORT) F.outPort = v;
          else F.outGroup = v;
        }
      }
      if (p < 0) return false;
      p = skipWs(b, p);
      const c = b[p++];
      if (c === CLOSE_OBJ) break;
      if (c !== COMMA) return false;
      p = skipWs(b, p);
    }
  }
  return skipWs(b, p) === end;
}

/**
 * Write the flow whose JSON is bytes [from, to) of `bytes` as one FLOW_MOD (xid 0) at w.pos and
 * return true; or write nothing (pos unchanged) and return false for a flow outside the strict
 * shape or not valid (the caller then runs JSON.parse and the general path).
 */
export function encodeFlowBytesFast(bytes: Buffer, from: number, to: number, command: FlowCommand, w: Writer): boolean {
  end = Math.min(to, bytes.length);
  const del = command === 'delete';
  resetFlow(del, DEFAULT_PRIORITY);
  return flow(bytes, from, del) && writeFlowMod(command, w);
}
