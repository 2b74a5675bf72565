/**
 * The bulk route's shortcut: a parsed flow (the JSON of POST /flows) written straight as
 * FLOW_MOD bytes, without the FlowMod, match array, OXM entry and action objects that
 * flowModFromFriendly + encodeInto build per flow (the garbage collector's 22% of the route's
 * CPU, docs/BENCHMARKS.md). It takes the common shape only: numeric head fields (the cookie
also as a hex or decimal string); a match of
 * in_port, eth_dst/eth_src, eth_type, vlan_vid, ip_proto, ipv4_src/ipv4_dst (address or
 * /prefix), tcp/udp ports, all as plain numbers or address strings; `actions` of `output` to a
 * numeric port. For anything else, invalid values included, it writes nothing and returns
 * false: the caller then runs the general path, which encodes the flow or throws its usual
 * 400. So there is one set of error messages, and test/rest/flow-wire-fast.test.ts checks
 * the bytes against the general path's on random flows.
 */
import { OFP_NO_BUFFER, OFPCML_NO_BUFFER, OFPFC, OFPG_ANY, OFPP, OFPTT_ALL, OFPVID_PRESENT } from '../../protocol/index.js';
import type { Writer } from '../../protocol/index.js';
import { oxmField, oxmHeader } from '../../protocol/openflow/oxm.js';
import { parseIpv4, parseMacInto } from '../../protocol/openflow/oxm-values.js';
import { DEFAULT_PRIORITY } from './flow-json.js';
import type { FlowCommand } from './flow-json.js';

const OFP_VERSION = 4;
const OFPT_FLOW_MOD = 14;
const OFPMT_OXM = 1;
const OFPIT_APPLY_ACTIONS = 4;
const OFPAT_OUTPUT = 0;
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

const TOP_KEYS = new Set(['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout', 'match', 'actions', 'bufferId', 'outPort', 'outGroup']);

function hdr(name: string, masked = false): number {
  const d = oxmField(name);
  if (d === undefined) throw new Error(`no OXM field ${name}`);
  return oxmHeader(d, masked);
}

// Slots in OXM field-number order (the order matchFromFriendly sorts entries into).
const S_IN_PORT = 0;
const S_ETH_DST = 1;
const S_ETH_SRC = 2;
const S_ETH_TYPE = 3;
const S_VLAN_VID = 4;
const S_IP_PROTO = 5;
const S_IPV4_SRC = 6;
const S_IPV4_DST = 7;
const S_TCP_SRC = 8;
const S_TCP_DST = 9;
const S_UDP_SRC = 10;
const S_UDP_DST = 11;
const NAMES = ['in_port', 'eth_dst', 'eth_src', 'eth_type', 'vlan_vid', 'ip_proto', 'ipv4_src', 'ipv4_dst', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'];
const SLOT_OF = new Map(NAMES.map((n, i) => [n, i]));
const HEADERS = NAMES.map((n) => hdr(n));
const IPV4_SRC_MASKED = hdr('ipv4_src', true);
const IPV4_DST_MASKED = hdr('ipv4_dst', true);
// Field numbers must ascend with the slots, or the bytes would differ from the general path's.
for (let i = 1; i < NAMES.length; i++) if (oxmField(NAMES[i]!)!.num <= oxmField(NAMES[i - 1]!)!.num) throw new Error('flow-wire-fast: slots out of field order');

// Per-call scratch (the encoder is synchronous and never re-entered).
const present = new Uint8Array(NAMES.length);
const values: unknown[] = new Array<unknown>(NAMES.length);
const ipv4Value = new Uint32Array(2);
const ipv4Mask = new Int32Array(2); // -1: unmasked
const macScratch = new Uint8Array(6);

const isU = (v: unknown, mask: number): v is number => typeof v === 'number' && (v & mask) === v;
const isU32 = (v: unknown): v is number => typeof v === 'number' && v >>> 0 === v;
const PREFIX = /^\d{1,2}$/;

/** An IPv4 match value into ipv4Value/ipv4Mask[k]; false for anything but "a.b.c.d" or "a.b.c.d/1..32". */
function ipv4(v: unknown, k: number): boolean {
  if (typeof v !== 'string') return false;
  const slash = v.indexOf('/');
  if (slash < 0) {
    const n = parseIpv4(v);
    if (n < 0) return false;
    ipv4Value[k] = n;
    ipv4Mask[k] = -1;
    return true;
  }
  const n = parseIpv4(v.slice(0, slash).trim());
  const m = v.slice(slash + 1).trim();
  if (n < 0 || !PREFIX.test(m)) return false;
  const len = Number(m);
  if (len < 1 || len > 32) return false;
  const mask = len === 32 ? -1 : (0xffffffff << (32 - len)) | 0;
  // Bits outside the mask: the OXM encoder refuses them (OFPBMC_BAD_WILDCARDS); its error, not ours.
  if ((n & mask) >>> 0 !== n) return false;
  ipv4Value[k] = n;
  ipv4Mask[k] = mask;
  return true;
}

const HEX_COOKIE = /^0[xX][0-9a-fA-F]{1,16}$/;
const DEC_COOKIE = /^\d{1,15}$/;
let cookieHi = 0;
let cookieLo = 0;
let lastCookieText = '0x0';
let lastHi = 0;
let lastLo = 0;

/**
 * A cookie as a safe JSON integer, a 0x-hex string of up to 16 digits or a decimal one of up to
 * 15 (below 2^53), into cookieHi/cookieLo; false for other forms (the general path's to take).
 * A bulk call usually tags every flow with one cookie string: the last one's halves are kept.
 */
function cookieHalves(v: unknown): boolean {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) return false;
    cookieHi = Math.floor(v / 0x100000000);
    cookieLo = v >>> 0;
    return true;
  }
  if (typeof v !== 'string') return false;
  if (v !== lastCookieText) {
    if (HEX_COOKIE.test(v)) {
      const d = v.slice(2);
      lastHi = d.length > 8 ? parseInt(d.slice(0, -8), 16) : 0;
      lastLo = parseInt(d.length > 8 ? d.slice(-8) : d, 16);
    } else if (DEC_COOKIE.test(v)) {
      const n = Number(v);
      lastHi = Math.floor(n / 0x100000000);
      lastLo = n >>> 0;
    } else return false;
    lastCookieText = v;
  }
  cookieHi = lastHi;
  cookieLo = lastLo;
  return true;
}

/**
 * Write `flow` as one FLOW_MOD (xid 0) at w.pos and return true; or write nothing (pos
 * unchanged) and return false for a flow outside the shortcut's shape or not valid.
 */
export function encodeFlowModFast(flow: unknown, command: FlowCommand, w: Writer): boolean {
  if (typeof flow !== 'object' || flow === null || Array.isArray(flow)) return false;
  const o = flow as Record<string, unknown>;
  for (const k in o) if (!TOP_KEYS.has(k)) return false;
  const del = command === 'delete';
  const { table = del ? OFPTT_ALL : 0, priority = del ? 0 : DEFAULT_PRIORITY, cookie = 0, idleTimeout = 0, hardTimeout = 0 } = o;
  const { bufferId = OFP_NO_BUFFER, outPort = OFPP.ANY, outGroup = OFPG_ANY, match, actions } = o;
  if (!isU(table, 0xff) || (!del && table === 0xff) || !isU(priority, 0xffff) || !isU(idleTimeout, 0xffff) || !isU(hardTimeout, 0xffff)) return false;
  if (!isU32(bufferId) || !isU32(outPort) || !isU32(outGroup)) return false;
  if (!cookieHalves(cookie)) return false;
  if (del && actions !== undefined) return false;

  // The match: each field into its slot, checked; prerequisites after.
  present.fill(0);
  let matchLen = 0;
  if (match !== undefined) {
    if (typeof match !== 'object' || match === null || Array.isArray(match)) return false;
    const m = match as Record<string, unknown>;
    for (const name in m) {
      const s = SLOT_OF.get(name);
      if (s === undefined) return false;
      const v = m[name];
      switch (s) {
        case S_IN_PORT:
          if (!isU32(v)) return false;
          matchLen += 8;
          break;
        case S_ETH_DST:
        case S_ETH_SRC:
          if (!parseMacInto(v, macScratch, 0)) return false;
          matchLen += 10;
          break;
        case S_ETH_TYPE:
          if (!isU(v, 0xffff)) return false;
          matchLen += 6;
          break;
        case S_VLAN_VID:
          if (!isU(v, 0xfff)) return false;
          matchLen += 6;
          break;
        case S_IP_PROTO:
          if (!isU(v, 0xff)) return false;
          matchLen += 5;
          break;
        case S_IPV4_SRC:
        case S_IPV4_DST:
          if (!ipv4(v, s - S_IPV4_SRC)) return false;
          matchLen += ipv4Mask[s - S_IPV4_SRC] === -1 ? 8 : 12;
          break;
        default:
          if (!isU(v, 0xffff)) return false;
          matchLen += 6;
      }
      present[s] = 1;
      values[s] = v;
    }
    // Prerequisites (OpenFlow 1.3 table 12), for the fields taken here.
    const ethType = present[S_ETH_TYPE] ? (values[S_ETH_TYPE] as number) : -1;
    const ipProto = present[S_IP_PROTO] ? (values[S_IP_PROTO] as number) : -1;
    const ip = ethType === ETH_IPV4 || ethType === ETH_IPV6;
    if ((present[S_IPV4_SRC] || present[S_IPV4_DST]) && ethType !== ETH_IPV4) return false;
    if (present[S_IP_PROTO] && !ip) return false;
    if ((present[S_TCP_SRC] || present[S_TCP_DST]) && (ipProto !== 6 || !ip)) return false;
    if ((present[S_UDP_SRC] || present[S_UDP_DST]) && (ipProto !== 17 || !ip)) return false;
  }

  // The actions: output to a numeric port only.
  let nActions = 0;
  if (actions !== undefined) {
    if (!Array.isArray(actions)) return false;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i] as Record<string, unknown> | null;
      if (typeof a !== 'object' || a === null || Array.isArray(a) || a.type !== 'output') return false;
      for (const k in a) if (k !== 'type' && k !== 'port' && k !== 'maxLen') return false;
      if (!isU32(a.port) || (a.maxLen !== undefined && !isU(a.maxLen, 0xffff))) return false;
    }
    nActions = actions.length;
  }

  const matchPadded = (4 + matchLen + 7) & ~7;
  const insLen = nActions === 0 ? 0 : 8 + 16 * nActions;
  const total = 8 + 40 + matchPadded + insLen;
  // Longer than a message can be: the general encoder's error (OFPBIC_BAD_LEN) names why.
  if (total > 0xffff) return false;
  w.ensure(total);
  const dv = w.dv;
  const buf = w.buf;
  let p = w.pos;
  dv.setUint8(p, OFP_VERSION);
  dv.setUint8(p + 1, OFPT_FLOW_MOD);
  dv.setUint16(p + 2, total);
  dv.setUint32(p + 4, 0);
  dv.setUint32(p + 8, cookieHi);
  dv.setUint32(p + 12, cookieLo);
  dv.setUint32(p + 16, 0);
  dv.setUint32(p + 20, 0);
  dv.setUint8(p + 24, table);
  dv.setUint8(p + 25, command === 'add' ? OFPFC.ADD : command === 'modify' ? OFPFC.MODIFY : OFPFC.DELETE);
  dv.setUint16(p + 26, idleTimeout);
  dv.setUint16(p + 28, hardTimeout);
  dv.setUint16(p + 30, priority);
  dv.setUint32(p + 32, bufferId);
  dv.setUint32(p + 36, outPort);
  dv.setUint32(p + 40, outGroup);
  dv.setUint32(p + 44, 0); // flags, pad
  dv.setUint16(p + 48, OFPMT_OXM);
  dv.setUint16(p + 50, 4 + matchLen);
  p += 52;
  if (matchLen > 0) {
    for (let s = 0; s < NAMES.length; s++) {
      if (!present[s]) continue;
      const v = values[s];
      switch (s) {
        case S_IN_PORT:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint32(p + 4, v as number);
          p += 8;
          break;
        case S_ETH_DST:
        case S_ETH_SRC:
          dv.setUint32(p, HEADERS[s]!);
          parseMacInto(v, buf, p + 4);
          p += 10;
          break;
        case S_VLAN_VID:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint16(p + 4, (v as number) | OFPVID_PRESENT);
          p += 6;
          break;
        case S_IP_PROTO:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint8(p + 4, v as number);
          p += 5;
          break;
        case S_IPV4_SRC:
        case S_IPV4_DST: {
          const k = s - S_IPV4_SRC;
          if (ipv4Mask[k] === -1) {
            dv.setUint32(p, HEADERS[s]!);
            dv.setUint32(p + 4, ipv4Value[k]!);
            p += 8;
          } else {
            dv.setUint32(p, k === 0 ? IPV4_SRC_MASKED : IPV4_DST_MASKED);
            dv.setUint32(p + 4, ipv4Value[k]!);
            dv.setUint32(p + 8, ipv4Mask[k]! >>> 0);
            p += 12;
          }
          break;
        }
        default: // eth_type and the L4 ports: 16 bits
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint16(p + 4, v as number);
          p += 6;
      }
    }
  }
  const end = w.pos + 48 + matchPadded;
  while (p < end) buf[p++] = 0;
  if (nActions > 0) {
    dv.setUint16(p, OFPIT_APPLY_ACTIONS);
    dv.setUint16(p + 2, insLen);
    dv.setUint32(p + 4, 0);
    p += 8;
    const list = actions as Record<string, number>[];
    for (let i = 0; i < nActions; i++) {
      const a = list[i]!;
      const port = a.port!;
      dv.setUint16(p, OFPAT_OUTPUT);
      dv.setUint16(p + 2, 16);
      dv.setUint32(p + 4, port);
      dv.setUint16(p + 8, a.maxLen ?? (port === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0));
      dv.setUint16(p + 10, 0);
      dv.setUint32(p + 12, 0);
      p += 16;
    }
  }
  w.pos = p;
  return true;
}
