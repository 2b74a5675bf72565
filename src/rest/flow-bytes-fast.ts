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
import { actionRoom, F, isU, isU32, mac, MATCH_NAMES, num, present, resetFlow, S_ETH_DST, S_ETH_SRC, S_ETH_TYPE, S_IN_PORT, S_IP_PROTO, S_IPV4_DST, S_IPV4_SRC, S_VLAN_VID, setIpv4, writeFlowMod } from './flow-wire-scratch.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

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
const TOP = ['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout', 'match', 'actions', 'bufferId', 'outPort', 'outGroup'].map((k) => Buffer.from(k));
const MATCH = MATCH_NAMES.map((k) => Buffer.from(k));
const A_TYPE = 0;
const A_PORT = 1;
const A_MAX_LEN = 2;
const ACTION = ['type', 'port', 'maxLen'].map((k) => Buffer.from(k));
const OUTPUT = Buffer.from('"output"');

/** Hex digit values, -1 for other bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) HEX[0x41 + c] = HEX[0x61 + c] = 10 + c;

// The parse position and bounds (one flow at a time: the encoder is synchronous, never re-entered).
let b: Uint8Array = new Uint8Array(0);
let p = 0;
let end = 0;

function skipWs(): void {
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    p++;
  }
}

/** At a quote: the key's index in `keys` (p after its closing quote), or -1. */
function key(keys: readonly Uint8Array[]): number {
  if (b[p] !== QUOTE) return -1;
  const s = p + 1;
  let q = s;
  // Keys we take are ASCII letters, digits and '_': stop at the quote or anything else.
  while (q < end) {
    const c = b[q]!;
    if (c === QUOTE) break;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return -1;
    q++;
  }
  if (q >= end) return -1;
  const len = q - s;
  for (let k = 0; k < keys.length; k++) {
    const name = keys[k]!;
    if (name.length !== len) continue;
    let i = 0;
    while (i < len && name[i] === b[s + i]) i++;
    if (i === len) {
      p = q + 1;
      return k;
    }
  }
  return -1;
}

/** After a key: the colon and the whitespace around it. */
function colon(): boolean {
  skipWs();
  if (b[p] !== COLON) return false;
  p++;
  skipWs();
  return true;
}

/** A JSON integer of plain digits (no sign, fraction, exponent or leading zero; <= 15 digits), or -1. */
function uint(): number {
  const s = p;
  let c = b[p];
  if (c === 0x30) {
    p++;
  } else {
    let v = 0;
    while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      p++;
    }
    if (p === s || p - s > 15) return -1;
    c = b[p];
    if (c === 0x2e || c === 0x65 || c === 0x45) return -1;
    return v;
  }
  c = b[p];
  // "0" then a digit is not JSON; "0.5", "0e1" are not plain integers.
  if ((c !== undefined && c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45) return -1;
  return 0;
}

/** A MAC string at p into mac[off..off+6]. */
function macString(off: number): boolean {
  if (p + 19 > end || b[p] !== QUOTE || b[p + 18] !== QUOTE) return false;
  const s = p + 1;
  for (let i = 0; i < 6; i++) {
    const hi = HEX[b[s + 3 * i]!]!;
    const lo = HEX[b[s + 3 * i + 1]!]!;
    if ((hi | lo) < 0 || (i < 5 && b[s + 3 * i + 2] !== COLON)) return false;
    mac[off + i] = (hi << 4) | lo;
  }
  p += 19;
  return true;
}

/** One IPv4 octet as parseIpv4 takes it (1-3 digits, no leading zero, <= 255), or -1. */
function octet(): number {
  const s = p;
  let n = 0;
  let c = 0;
  while (p < end && (c = b[p]!) >= 0x30 && c <= 0x39) {
    if (p > s && n === 0) return -1;
    n = n * 10 + (c - 0x30);
    p++;
  }
  if (p === s || p - s > 3 || n > 255) return -1;
  return n;
}

/** An IPv4 string at p ("a.b.c.d" or "a.b.c.d/len", nothing around) into slot k. */
function ipv4String(k: number): boolean {
  if (b[p] !== QUOTE) return false;
  p++;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const o = octet();
    if (o < 0) return false;
    value = value * 256 + o;
    if (i < 3) {
      if (b[p] !== 0x2e) return false;
      p++;
    }
  }
  let len = 32;
  let explicit = false;
  if (b[p] === 0x2f) {
    // The prefix: one or two digits (as the object path's /^\d{1,2}$/).
    p++;
    const d1 = b[p]! - 0x30;
    if (!(d1 >= 0 && d1 <= 9)) return false;
    p++;
    len = d1;
    const d2 = b[p]! - 0x30;
    if (d2 >= 0 && d2 <= 9) {
      len = d1 * 10 + d2;
      p++;
    }
    explicit = true;
  }
  if (p >= end || b[p] !== QUOTE) return false;
  p++;
  return explicit ? setIpv4(k, value, len) : setIpv4(k, value, 32);
}

/** A cookie at p: digits, or a string "0x" + 1-16 hex digits or 1-15 decimal digits; into F. */
function cookie(): boolean {
  if (b[p] !== QUOTE) {
    const v = uint();
    if (v < 0) return false;
    F.cookieHi = Math.floor(v / 0x100000000);
    F.cookieLo = v >>> 0;
    return true;
  }
  const s = p + 1;
  let q = s;
  if (b[s] === 0x30 && (b[s + 1] === 0x78 || b[s + 1] === 0x58)) {
    q = s + 2;
    let hi = 0;
    let lo = 0;
    while (q < end && HEX[b[q]!]! >= 0) q++;
    const digits = q - s - 2;
    if (digits < 1 || digits > 16 || b[q] !== QUOTE) return false;
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
    if (q === s || q - s > 15 || b[q] !== QUOTE) return false;
    F.cookieHi = Math.floor(v / 0x100000000);
    F.cookieLo = v >>> 0;
  }
  p = q + 1;
  return true;
}

/** `{ ... }` of match fields at p, into the slots. */
function match(): boolean {
  if (b[p] !== OPEN_OBJ) return false;
  p++;
  skipWs();
  if (b[p] === CLOSE_OBJ) {
    p++;
    return true;
  }
  for (;;) {
    const s = key(MATCH);
    if (s < 0 || present[s] || !colon()) return false;
    switch (s) {
      case S_ETH_DST:
      case S_ETH_SRC:
        if (!macString((s - S_ETH_DST) * 6)) return false;
        break;
      case S_IPV4_SRC:
      case S_IPV4_DST:
        if (!ipv4String(s - S_IPV4_SRC)) return false;
        break;
      default: {
        const v = uint();
        if (s === S_IN_PORT ? !isU32(v) : !isU(v, s === S_VLAN_VID ? 0xfff : s === S_IP_PROTO ? 0xff : 0xffff)) return false;
        num[s] = v;
      }
    }
    present[s] = 1;
    skipWs();
    const c = b[p];
    p++;
    if (c === CLOSE_OBJ) return true;
    if (c !== COMMA) return false;
    skipWs();
  }
}

/** One `{"type": "output", "port": N[, "maxLen": M]}` at p, as action i. */
function action(i: number): boolean {
  if (b[p] !== OPEN_OBJ) return false;
  p++;
  skipWs();
  let seen = 0;
  let port = -1;
  let maxLen = -1;
  for (;;) {
    const k = key(ACTION);
    if (k < 0 || seen & (1 << k) || !colon()) return false;
    seen |= 1 << k;
    if (k === A_TYPE) {
      if (p + OUTPUT.length > end) return false;
      for (let j = 0; j < OUTPUT.length; j++) if (b[p + j] !== OUTPUT[j]) return false;
      p += OUTPUT.length;
    } else if (k === A_PORT) {
      port = uint();
      if (!isU32(port)) return false;
    } else {
      maxLen = uint();
      if (!isU(maxLen, 0xffff)) return false;
    }
    skipWs();
    const c = b[p];
    p++;
    if (c === CLOSE_OBJ) break;
    if (c !== COMMA) return false;
    skipWs();
  }
  if (!(seen & (1 << A_TYPE)) || !(seen & (1 << A_PORT))) return false;
  F.actPort[i] = port;
  F.actMaxLen[i] = maxLen;
  return true;
}

/** `[ ... ]` of output actions at p. */
function actions(): boolean {
  F.hasActions = true;
  if (b[p] !== OPEN_ARR) return false;
  p++;
  skipWs();
  if (b[p] === CLOSE_ARR) {
    p++;
    return true;
  }
  for (let i = 0; ; i++) {
    actionRoom(i + 1);
    if (!action(i)) return false;
    F.nActions = i + 1;
    skipWs();
    const c = b[p];
    p++;
    if (c === CLOSE_ARR) return true;
    if (c !== COMMA) return false;
    skipWs();
  }
}

/** The flow's top-level object, from p to `end` exactly. */
function flow(del: boolean): boolean {
  skipWs();
  if (b[p] !== OPEN_OBJ) return false;
  p++;
  skipWs();
  if (b[p] === CLOSE_OBJ) p++;
  else {
    let seen = 0;
    for (;;) {
      const k = key(TOP);
      if (k < 0 || seen & (1 << k) || !colon()) return false;
      seen |= 1 << k;
      switch (k) {
        case K_COOKIE:
          if (!cookie()) return false;
          break;
        case K_MATCH:
          if (!match()) return false;
          break;
        case K_ACTIONS:
          if (!actions()) return false;
          break;
        default: {
          const v = uint();
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
      }
      skipWs();
      const c = b[p];
      p++;
      if (c === CLOSE_OBJ) break;
      if (c !== COMMA) return false;
      skipWs();
    }
  }
  skipWs();
  return p === end;
}

/**
 * Write the flow whose JSON is bytes [from, to) of `bytes` as one FLOW_MOD (xid 0) at w.pos and
 * return true; or write nothing (pos unchanged) and return false for a flow outside the strict
 * shape or not valid (the caller then runs JSON.parse and the general path).
 */
export function encodeFlowBytesFast(bytes: Uint8Array, from: number, to: number, command: FlowCommand, w: Writer): boolean {
  b = bytes;
  p = from;
  end = Math.min(to, bytes.length);
  const del = command === 'delete';
  resetFlow(del, DEFAULT_PRIORITY);
  const ok = flow(del);
  b = EMPTY;
  return ok && writeFlowMod(command, w);
}
const EMPTY = new Uint8Array(0);
