/**
 * The bulk route's two shortcuts (flow-wire-fast.ts from a parsed flow, flow-bytes-fast.ts from
 * the flow's JSON bytes) fill this one scratch with a flow's values, each checked as it is
 * read, then writeFlowMod checks what spans fields (prerequisites, delete without actions, the
 * length) and writes the FLOW_MOD. One writer, so both shortcuts give the same bytes for the
 * same values, and test/rest/flow-wire-fast.test.ts compares that writer with the general path.
 * The encoders are synchronous and never re-entered, so one module-level scratch serves all.
 */
import { OFPCML_NO_BUFFER, OFPFC, OFPP, OFPVID_PRESENT } from '../../protocol/index.js';
import type { Writer } from '../../protocol/index.js';
import { oxmField, oxmHeader } from '../../protocol/openflow/oxm.js';
import type { FlowCommand } from './flow-json.js';

const OFP_VERSION = 4;
const OFPT_FLOW_MOD = 14;
const OFPMT_OXM = 1;
const OFPIT_APPLY_ACTIONS = 4;
const OFPAT_OUTPUT = 0;
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

function hdr(name: string, masked = false): number {
  const d = oxmField(name);
  if (d === undefined) throw new Error(`no OXM field ${name}`);
  return oxmHeader(d, masked);
}

// Slots in OXM field-number order (the order matchFromFriendly sorts entries into).
export const S_IN_PORT = 0;
export const S_ETH_DST = 1;
export const S_ETH_SRC = 2;
export const S_ETH_TYPE = 3;
export const S_VLAN_VID = 4;
export const S_IP_PROTO = 5;
export const S_IPV4_SRC = 6;
export const S_IPV4_DST = 7;
export const S_TCP_SRC = 8;
export const S_TCP_DST = 9;
export const S_UDP_SRC = 10;
export const S_UDP_DST = 11;
export const MATCH_NAMES = ['in_port', 'eth_dst', 'eth_src', 'eth_type', 'vlan_vid', 'ip_proto', 'ipv4_src', 'ipv4_dst', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'];
export const SLOT_OF = new Map(MATCH_NAMES.map((n, i) => [n, i]));
/** Bytes of each slot's OXM entry (header included; the IPv4 ones unmasked). */
const ENTRY_LEN = [8, 10, 10, 6, 6, 5, 8, 8, 6, 6, 6, 6];
const HEADERS = MATCH_NAMES.map((n) => hdr(n));
const IPV4_MASKED = [hdr('ipv4_src', true), hdr('ipv4_dst', true)];
// Field numbers must ascend with the slots, or the bytes would differ from the general path's.
for (let i = 1; i < MATCH_NAMES.length; i++) {
  if (oxmField(MATCH_NAMES[i]!)!.num <= oxmField(MATCH_NAMES[i - 1]!)!.num) throw new Error('flow-wire-scratch: slots out of field order');
}

export const isU = (v: unknown, mask: number): v is number => typeof v === 'number' && (v & mask) === v;
export const isU32 = (v: unknown): v is number => typeof v === 'number' && v >>> 0 === v;

/** One flow's values, checked field by field by the loader that filled them. */
export const F = {
  table: 0,
  priority: 0,
  idleTimeout: 0,
  hardTimeout: 0,
  bufferId: 0,
  outPort: 0,
  outGroup: 0,
  cookieHi: 0,
  cookieLo: 0,
  /** Whether the flow had an `actions` key (a delete must not). */
  hasActions: false,
  nActions: 0,
  /** Output ports and max lengths (-1: none given) of the actions. */
  actPort: new Float64Array(64),
  actMaxLen: new Int32Array(64),
};
/** Match slots given (1) or not (0). */
export const present = new Uint8Array(MATCH_NAMES.length);
/** The numeric match values by slot (in_port, eth_type, vlan_vid, ip_proto, the L4 ports). */
export const num = new Float64Array(MATCH_NAMES.length);
/** eth_dst at 0, eth_src at 6. */
export const mac = new Uint8Array(12);
/** ipv4_src at 0, ipv4_dst at 1; mask -1: unmasked. */
export const ipv4Value = new Uint32Array(2);
export const ipv4Mask = new Int32Array(2);

/**
 * Output actions one FLOW_MOD can carry: 16 bytes each after the header (8), the flow-mod body
 * (40), an empty match (8) and the instruction header (8), within 65535 bytes.
 */
export const MAX_OUTPUT_ACTIONS = Math.floor((0xffff - 8 - 40 - 8 - 8) / 16);

/**
 * Room for `n` actions in F (a flow with more is rare; the arrays grow once). False past
 * MAX_OUTPUT_ACTIONS: such a flow cannot be one message, the shortcut declines it (the general
 * path gives its 400), and a request cannot grow these module-wide arrays beyond ~50 KB.
 */
export function actionRoom(n: number): boolean {
  if (n <= F.actPort.length) return true;
  if (n > MAX_OUTPUT_ACTIONS) return false;
  const size = Math.min(MAX_OUTPUT_ACTIONS, Math.max(n, F.actPort.length * 2));
  F.actPort = new Float64Array(size);
  F.actMaxLen = new Int32Array(size);
  return true;
}

/** The head fields' defaults for `command` (what flowModFromFriendly gives a flow without them). */
export function resetFlow(del: boolean, defaultPriority: number): void {
  F.table = del ? 0xff : 0;
  F.priority = del ? 0 : defaultPriority;
  F.idleTimeout = 0;
  F.hardTimeout = 0;
  F.bufferId = 0xffffffff;
  F.outPort = OFPP.ANY;
  F.outGroup = 0xffffffff;
  F.cookieHi = 0;
  F.cookieLo = 0;
  F.hasActions = false;
  F.nActions = 0;
  present.fill(0);
}

/**
 * A masked IPv4 value into slot k (0 src, 1 dst) with a /len prefix; false where the general
 * path would refuse it or write it otherwise (the OXM encoder refuses bits outside the mask).
 */
export function setIpv4(k: number, value: number, len: number): boolean {
  if (len === 32) {
    ipv4Value[k] = value;
    ipv4Mask[k] = -1;
    return true;
  }
  if (len < 1 || len > 32) return false;
  const mask = (0xffffffff << (32 - len)) | 0;
  if ((value & mask) >>> 0 !== value) return false;
  ipv4Value[k] = value;
  ipv4Mask[k] = mask;
  return true;
}

/**
 * Write the FLOW_MOD of F (xid 0) at w.pos and return true; or write nothing and return false
 * when the prerequisites fail, a delete has actions, or the message would be too long (the
 * general path then gives its own error).
 */
export function writeFlowMod(command: FlowCommand, w: Writer): boolean {
  if (command === 'delete' && F.hasActions) return false;
  let matchLen = 0;
  for (let s = 0; s < MATCH_NAMES.length; s++) {
    if (present[s]) matchLen += s === S_IPV4_SRC || s === S_IPV4_DST ? (ipv4Mask[s - S_IPV4_SRC] === -1 ? 8 : 12) : ENTRY_LEN[s]!;
  }
  if (matchLen > 0) {
    // Prerequisites (OpenFlow 1.3 table 12), for the fields taken here.
    const ethType = present[S_ETH_TYPE] ? num[S_ETH_TYPE]! : -1;
    const ipProto = present[S_IP_PROTO] ? num[S_IP_PROTO]! : -1;
    const ip = ethType === ETH_IPV4 || ethType === ETH_IPV6;
    if ((present[S_IPV4_SRC] || present[S_IPV4_DST]) && ethType !== ETH_IPV4) return false;
    if (present[S_IP_PROTO] && !ip) return false;
    if ((present[S_TCP_SRC] || present[S_TCP_DST]) && (ipProto !== 6 || !ip)) return false;
    if ((present[S_UDP_SRC] || present[S_UDP_DST]) && (ipProto !== 17 || !ip)) return false;
  }
  const nActions = F.nActions;
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
  dv.setUint32(p + 8, F.cookieHi);
  dv.setUint32(p + 12, F.cookieLo);
  dv.setUint32(p + 16, 0);
  dv.setUint32(p + 20, 0);
  dv.setUint8(p + 24, F.table);
  dv.setUint8(p + 25, command === 'add' ? OFPFC.ADD : command === 'modify' ? OFPFC.MODIFY : OFPFC.DELETE);
  dv.setUint16(p + 26, F.idleTimeout);
  dv.setUint16(p + 28, F.hardTimeout);
  dv.setUint16(p + 30, F.priority);
  dv.setUint32(p + 32, F.bufferId);
  dv.setUint32(p + 36, F.outPort);
  dv.setUint32(p + 40, F.outGroup);
  dv.setUint32(p + 44, 0); // flags, pad
  dv.setUint16(p + 48, OFPMT_OXM);
  dv.setUint16(p + 50, 4 + matchLen);
  p += 52;
  if (matchLen > 0) {
    for (let s = 0; s < MATCH_NAMES.length; s++) {
      if (!present[s]) continue;
      switch (s) {
        case S_IN_PORT:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint32(p + 4, num[s]!);
          p += 8;
          break;
        case S_ETH_DST:
        case S_ETH_SRC: {
          dv.setUint32(p, HEADERS[s]!);
          const m = (s - S_ETH_DST) * 6;
          for (let i = 0; i < 6; i++) buf[p + 4 + i] = mac[m + i]!;
          p += 10;
          break;
        }
        case S_VLAN_VID:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint16(p + 4, num[s]! | OFPVID_PRESENT);
          p += 6;
          break;
        case S_IP_PROTO:
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint8(p + 4, num[s]!);
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
            dv.setUint32(p, IPV4_MASKED[k]!);
            dv.setUint32(p + 4, ipv4Value[k]!);
            dv.setUint32(p + 8, ipv4Mask[k]! >>> 0);
            p += 12;
          }
          break;
        }
        default: // eth_type and the L4 ports: 16 bits
          dv.setUint32(p, HEADERS[s]!);
          dv.setUint16(p + 4, num[s]!);
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
    for (let i = 0; i < nActions; i++) {
      const port = F.actPort[i]!;
      const maxLen = F.actMaxLen[i]!;
      dv.setUint16(p, OFPAT_OUTPUT);
      dv.setUint16(p + 2, 16);
      dv.setUint32(p + 4, port);
      dv.setUint16(p + 8, maxLen >= 0 ? maxLen : port === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0);
      dv.setUint16(p + 10, 0);
      dv.setUint32(p + 12, 0);
      p += 16;
    }
  }
  w.pos = p;
  return true;
}
