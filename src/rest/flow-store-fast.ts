/**
 * A persistent bulk ADD's store operation straight from the FLOW_MOD bytes sent, for the common
 * shape: an ADD without timeouts or flags, a match of unmasked in_port, eth_dst, eth_src,
 * eth_type, ip_proto, ipv4_src, ipv4_dst, tcp_src, tcp_dst, udp_src or udp_dst (ports not
 * reserved), and no instruction or one applyActions of output actions to ordinary ports. The
 * general path (decode -> flowModToFriendly -> JSON.stringify, flowKey of the decoded match)
 * makes a FlowMod and a second object tree per flow, ~5 µs; this reads the bytes once and
 * writes the stored value, its JSON text and its identity's digest input by hand. Anything else
 * returns undefined and takes the general path. test/rest/flow-store-fast.test.ts compares the
 * two on random flows.
 */
import { flowIdFromTexts } from '../store/flow-identity.js';
import { switchPrefix } from '../store/desired-flows.js';
import { flat } from '../store/flat-string.js';
import type { TxnOp } from '../store/store.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const u16 = (b: Uint8Array, p: number) => (b[p]! << 8) | b[p + 1]!;
const u32 = (b: Uint8Array, p: number) => ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);

// OXM basic fields taken: number -> [name, value width, kind] (0 number, 1 MAC, 2 IPv4).
const FIELDS: ([string, number, number] | undefined)[] = [];
FIELDS[0] = ['in_port', 4, 0];
FIELDS[3] = ['eth_dst', 6, 1];
FIELDS[4] = ['eth_src', 6, 1];
FIELDS[5] = ['eth_type', 2, 0];
FIELDS[10] = ['ip_proto', 1, 0];
FIELDS[11] = ['ipv4_src', 4, 2];
FIELDS[12] = ['ipv4_dst', 4, 2];
FIELDS[13] = ['tcp_src', 2, 0];
FIELDS[14] = ['tcp_dst', 2, 0];
FIELDS[15] = ['udp_src', 2, 0];
FIELDS[16] = ['udp_dst', 2, 0];

/**
 * Parts many values share, frozen (as the store freezes what it keeps): one empty flags list,
 * and one actions list per distinct list (a bulk has few). Fewer objects kept per flow.
 */
const NO_FLAGS: never[] = Object.freeze([]) as unknown as never[];
const ACTION_LISTS = new Map<string, readonly unknown[]>();
const MAX_ACTION_LISTS = 1024;

let lastHi = 0;
let lastLo = 0;
let lastCookie = '0x0';

/** Above this a port number is reserved (it reads back as a name): not taken here. */
const MAX_PORT = 0xffffff00;

/** The put for FLOW_MOD bytes `b` of the common shape (see above), or undefined. */
export function storePutFast(dpid: string, b: Uint8Array): TxnOp | undefined {
  if (b.length < 56 || b[0] !== 4 || b[1] !== 14 || u16(b, 2) !== b.length) return undefined;
  // command ADD, no timeouts, no flags
  if (b[25] !== 0 || u32(b, 26) !== 0 || u16(b, 44) !== 0) return undefined;
  const table = b[24]!;
  const priority = u16(b, 30);
  const hi = u32(b, 8);
  const lo = u32(b, 12);
  // A bulk's flows mostly share their cookie: one string for them.
  if (hi !== lastHi || lo !== lastLo) {
    lastCookie = hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
    lastHi = hi;
    lastLo = lo;
  }
  const cookie = lastCookie;
  // match: OFPMT_OXM
  if (u16(b, 48) !== 1) return undefined;
  const matchLen = u16(b, 50);
  const matchEnd = 48 + matchLen;
  const insStart = 48 + ((matchLen + 7) & ~7);
  if (matchLen < 4 || insStart > b.length) return undefined;
  const match: Record<string, number | string> = {};
  const texts: string[] = [];
  let matchJson = '';
  for (let p = 52; p < matchEnd; ) {
    if (matchEnd - p < 4 || u16(b, p) !== 0x8000) return undefined;
    const num = b[p + 2]!;
    // hasMask bit set: not taken
    if (num & 1) return undefined;
    const f = FIELDS[num >> 1];
    const len = b[p + 3]!;
    if (f === undefined || len !== f[1] || p + 4 + len > matchEnd) return undefined;
    const [name, width, kind] = f;
    const q = p + 4;
    // A field twice: not taken (the value keeps one, the identity both).
    if (Object.hasOwn(match, name)) return undefined;
    let text: string;
    if (kind === 0) {
      const v = width === 1 ? b[q]! : width === 2 ? u16(b, q) : u32(b, q);
      if (name === 'in_port' && v > MAX_PORT) return undefined;
      match[name] = v;
      text = String(v);
    } else {
      const v = kind === 1 ? `${HEX[b[q]!]}:${HEX[b[q + 1]!]}:${HEX[b[q + 2]!]}:${HEX[b[q + 3]!]}:${HEX[b[q + 4]!]}:${HEX[b[q + 5]!]}` : `${b[q]}.${b[q + 1]}.${b[q + 2]}.${b[q + 3]}`;
      match[name] = kind === 1 ? flat(v) : v;
      text = `"${v}"`;
    }
    matchJson += `${matchJson === '' ? '' : ','}"${name}":${text}`;
    texts.push(`{"field":"${name}","value":${text}}`);
    p = q + len;
  }
  // instructions: none, or one applyActions (4) of output actions (0, 16 bytes)
  let actionsJson = '';
  if (insStart < b.length) {
    if (b.length - insStart < 8 || u16(b, insStart) !== 4 || u16(b, insStart + 2) !== b.length - insStart) return undefined;
    for (let p = insStart + 8; p < b.length; p += 16) {
      if (b.length - p < 16 || u16(b, p) !== 0 || u16(b, p + 2) !== 16) return undefined;
      const port = u32(b, p + 4);
      if (port > MAX_PORT) return undefined;
      const maxLen = u16(b, p + 8);
      actionsJson += `${actionsJson === '' ? '' : ','}{"type":"output","port":${port},"maxLen":${maxLen}}`;
    }
  }
  let shared = ACTION_LISTS.get(actionsJson);
  if (shared === undefined) {
    if (ACTION_LISTS.size >= MAX_ACTION_LISTS) ACTION_LISTS.clear();
    const list: Readonly<{ type: 'output'; port: number; maxLen: number }>[] = [];
    for (let p = insStart + 8; p < b.length; p += 16) list.push(Object.freeze({ type: 'output', port: u32(b, p + 4), maxLen: u16(b, p + 8) }));
    shared = Object.freeze(list);
    ACTION_LISTS.set(actionsJson, shared);
  }
  const value = { table, priority, cookie, idleTimeout: 0, hardTimeout: 0, flags: NO_FLAGS, match, actions: shared };
  const json = `{"table":${table},"priority":${priority},"cookie":"${cookie}","idleTimeout":0,"hardTimeout":0,"flags":[],"match":{${matchJson}},"actions":[${actionsJson}]}`;
  // Flat strings: these live until the transaction (flat-string.ts).
  return { type: 'put', key: flat(switchPrefix(dpid, 'flows') + flowIdFromTexts(table, priority, texts)), value, owned: true, json: flat(json) };
}
