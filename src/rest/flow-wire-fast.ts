/**
 * The bulk route's shortcut: a parsed flow (the JSON of POST /flows) written straight as
 * FLOW_MOD bytes, without the FlowMod, match array, OXM entry and action objects that
 * flowModFromFriendly + encodeInto build per flow (the garbage collector's 22% of the route's
 * CPU, docs/BENCHMARKS.md). It takes the common shape only: numeric head fields (the cookie
 * also as a hex or decimal string); a match of
 * in_port, eth_dst/eth_src, eth_type, vlan_vid, ip_proto, ipv4_src/ipv4_dst (address or
 * /prefix), tcp/udp ports, all as plain numbers or address strings; `actions` of `output` to a
 * numeric port. For anything else, invalid values included, it writes nothing and returns
 * false: the caller then runs the general path, which encodes the flow or throws its usual
 * 400. So there is one set of error messages, and test/rest/flow-wire-fast.test.ts checks
 * the bytes against the general path's on random flows.
 */
import { parseIpv4, parseMacInto } from '../../protocol/openflow/oxm-values.js';
import { DEFAULT_PRIORITY } from './flow-json.js';
import type { FlowCommand } from './flow-json.js';
import type { Writer } from '../../protocol/index.js';
import { actionRoom, F, isU, isU32, mac, num, present, resetFlow, S_ETH_DST, S_ETH_SRC, S_ETH_TYPE, S_IN_PORT, S_IP_PROTO, S_IPV4_DST, S_IPV4_SRC, S_VLAN_VID, setIpv4, SLOT_OF, writeFlowMod } from './flow-wire-scratch.js';

const TOP_KEYS = new Set(['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout', 'match', 'actions', 'bufferId', 'outPort', 'outGroup']);
const PREFIX = /^\d{1,2}$/;

/** An IPv4 match value into slot k; false for anything but "a.b.c.d" or "a.b.c.d/1..32". */
function ipv4(v: unknown, k: number): boolean {
  if (typeof v !== 'string') return false;
  const slash = v.indexOf('/');
  if (slash < 0) {
    const n = parseIpv4(v);
    return n >= 0 && setIpv4(k, n, 32);
  }
  const n = parseIpv4(v.slice(0, slash).trim());
  const m = v.slice(slash + 1).trim();
  if (n < 0 || !PREFIX.test(m)) return false;
  return setIpv4(k, n, Number(m));
}

const HEX_COOKIE = /^0[xX][0-9a-fA-F]{1,16}$/;
const DEC_COOKIE = /^\d{1,15}$/;
let lastCookieText = '0x0';
let lastHi = 0;
let lastLo = 0;

/**
 * A cookie as a safe JSON integer, a 0x-hex string of up to 16 digits or a decimal one of up to
 * 15 (below 2^53), into F; false for other forms (the general path's to take).
 * A bulk call usually tags every flow with one cookie string: the last one's halves are kept.
 */
function cookieHalves(v: unknown): boolean {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) return false;
    F.cookieHi = Math.floor(v / 0x100000000);
    F.cookieLo = v >>> 0;
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
  F.cookieHi = lastHi;
  F.cookieLo = lastLo;
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
  resetFlow(command === 'delete', DEFAULT_PRIORITY);
  const { table = F.table, priority = F.priority, cookie = 0, idleTimeout = 0, hardTimeout = 0 } = o;
  const { bufferId = F.bufferId, outPort = F.outPort, outGroup = F.outGroup, match, actions } = o;
  if (!isU(table, 0xff) || (command !== 'delete' && table === 0xff) || !isU(priority, 0xffff) || !isU(idleTimeout, 0xffff) || !isU(hardTimeout, 0xffff)) return false;
  if (!isU32(bufferId) || !isU32(outPort) || !isU32(outGroup)) return false;
  if (!cookieHalves(cookie)) return false;
  F.table = table;
  F.priority = priority;
  F.idleTimeout = idleTimeout;
  F.hardTimeout = hardTimeout;
  F.bufferId = bufferId;
  F.outPort = outPort;
  F.outGroup = outGroup;

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
          break;
        case S_ETH_DST:
        case S_ETH_SRC:
          if (!parseMacInto(v, mac, (s - S_ETH_DST) * 6)) return false;
          break;
        case S_ETH_TYPE:
          if (!isU(v, 0xffff)) return false;
          break;
        case S_VLAN_VID:
          if (!isU(v, 0xfff)) return false;
          break;
        case S_IP_PROTO:
          if (!isU(v, 0xff)) return false;
          break;
        case S_IPV4_SRC:
        case S_IPV4_DST:
          if (!ipv4(v, s - S_IPV4_SRC)) return false;
          break;
        default:
          if (!isU(v, 0xffff)) return false;
      }
      present[s] = 1;
      if (typeof v === 'number') num[s] = v;
    }
  }

  // The actions: output to a numeric port only.
  if (actions !== undefined) {
    F.hasActions = true;
    if (!Array.isArray(actions)) return false;
    if (!actionRoom(actions.length)) return false;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i] as Record<string, unknown> | null;
      if (typeof a !== 'object' || a === null || Array.isArray(a) || a.type !== 'output') return false;
      for (const k in a) if (k !== 'type' && k !== 'port' && k !== 'maxLen') return false;
      if (!isU32(a.port) || (a.maxLen !== undefined && !isU(a.maxLen, 0xffff))) return false;
      F.actPort[i] = a.port;
      F.actMaxLen[i] = a.maxLen === undefined ? -1 : (a.maxLen as number);
    }
    F.nActions = actions.length;
  }
  return writeFlowMod(command, w);
}
