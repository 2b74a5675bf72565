/**
 * DHCP messages (RFC 2131, options RFC 2132): the fixed BOOTP header and the option TLVs.
 * Here rather than in protocol/, which imports no packages.
 * Decoding uses binary-parser (a compiled parser, fine off the hot path: DHCP is a few packets
 * per host per lease); the lengths it does not check (a TLV running past the end, a truncated
 * header) are checked here, so bad input is a DhcpError and never a wrong message. Encoding is
 * hand-written: binary-parser only parses.
 */
// The package's "import" entry has no types; its CommonJS build (same code) has them.
import { Parser } from 'binary-parser/dist/binary_parser.js';
import { formatMac, parseMac } from '../../protocol/packet/index.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
export const DHCP_MAGIC = 0x63825363;
/** op (1) ... file (128) and the magic cookie. */
export const DHCP_FIXED_LEN = 240;

const u32 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
function put16(d: Uint8Array, o: number, v: number): void {
  d[o] = (v >>> 8) & 0xff;
  d[o + 1] = v & 0xff;
}
function put32(d: Uint8Array, o: number, v: number): void {
  put16(d, o, v >>> 16);
  put16(d, o + 2, v & 0xffff);
}

export const DHCP_TYPE = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;
export const DHCP_TYPE_NAME: Record<number, string> = Object.fromEntries(Object.entries(DHCP_TYPE).map(([k, v]) => [v, k]));

export const DHCP_OPT = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS: 6,
  HOSTNAME: 12,
  DOMAIN: 15,
  BROADCAST: 28,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAM_LIST: 55,
  MESSAGE: 56,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  CLIENT_ID: 61,
  END: 255,
} as const;

export class DhcpError extends Error {
  override readonly name = 'DhcpError';
}

export interface DhcpMessage {
  /** 1 request (client), 2 reply (server). */
  op: number;
  xid: number;
  secs: number;
  /** The broadcast bit (0x8000): the client cannot take unicast before it is configured. */
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The client's hardware address (Ethernet: 6 bytes). */
  chaddr: string;
  /** Options by code, in wire order (a repeated code is concatenated, RFC 3396). */
  options: Map<number, Uint8Array>;
}

const option = new Parser()
  .uint8('code')
  .choice('v', {
    tag: 'code',
    choices: { 0: new Parser(), 255: new Parser() },
    defaultChoice: new Parser().uint8('len').buffer('data', { length: 'len' }),
  });

const message = new Parser()
  .uint8('op')
  .uint8('htype')
  .uint8('hlen')
  .uint8('hops')
  .uint32('xid')
  .uint16('secs')
  .uint16('flags')
  .uint32('ciaddr')
  .uint32('yiaddr')
  .uint32('siaddr')
  .uint32('giaddr')
  .buffer('chaddr', { length: 16 })
  .buffer('sname', { length: 64 })
  .buffer('file', { length: 128 })
  .uint32('magic')
  .array('options', { type: option, readUntil: (item: { code: number }, rest: Uint8Array) => item.code === 255 || rest.length === 0 });

interface Parsed {
  op: number;
  htype: number;
  hlen: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: number;
  yiaddr: number;
  siaddr: number;
  giaddr: number;
  chaddr: Uint8Array;
  magic: number;
  options: { code: number; v: { len?: number; data?: Uint8Array } }[];
}

const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;

/** Decode a DHCP message (the UDP payload). Throws DhcpError on anything malformed. */
export function decodeDhcp(d: Uint8Array): DhcpMessage {
  if (d.length < DHCP_FIXED_LEN) throw new DhcpError(`dhcp message of ${d.length} bytes is shorter than ${DHCP_FIXED_LEN}`);
  if (u32(d, 236) !== DHCP_MAGIC) throw new DhcpError('no DHCP magic cookie (a plain BOOTP message)');
  let p: Parsed;
  try {
    p = message.parse(d) as Parsed;
  } catch (e) {
    throw new DhcpError(`dhcp message: ${(e as Error).message}`);
  }
  if (p.op !== 1 && p.op !== 2) throw new DhcpError(`dhcp op ${p.op} is neither 1 (request) nor 2 (reply)`);
  if (p.htype !== 1 || p.hlen !== 6) throw new DhcpError(`dhcp hardware type ${p.htype} length ${p.hlen}: only Ethernet (1, 6)`);
  const options = new Map<number, Uint8Array>();
  for (const o of p.options) {
    if (o.code === 0 || o.code === 255) continue;
    const data = o.v.data!;
    if (data.length !== o.v.len) throw new DhcpError(`dhcp option ${o.code} of length ${o.v.len} runs past the end`);
    const prev = options.get(o.code);
    options.set(o.code, prev ? Uint8Array.from([...prev, ...data]) : Uint8Array.from(data));
  }
  return {
    op: p.op, xid: p.xid, secs: p.secs, flags: p.flags,
    ciaddr: ip(p.ciaddr), yiaddr: ip(p.yiaddr), siaddr: ip(p.siaddr), giaddr: ip(p.giaddr),
    chaddr: formatMac(p.chaddr), options,
  };
}

const ipBytes = (s: string): number[] => s.split('.').map(Number);

export function ipOption(...ips: string[]): Uint8Array {
  return Uint8Array.from(ips.flatMap(ipBytes));
}

export function u32Option(n: number): Uint8Array {
  const b = new Uint8Array(4);
  put32(b, 0, n >>> 0);
  return b;
}

/** Read an option as addresses (4 bytes each), a u32 or a u8; undefined when absent or malformed. */
export function optionIps(m: DhcpMessage, code: number): string[] | undefined {
  const v = m.options.get(code);
  if (!v || v.length === 0 || v.length % 4 !== 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 4) out.push(`${v[i]}.${v[i + 1]}.${v[i + 2]}.${v[i + 3]}`);
  return out;
}
export const optionIp = (m: DhcpMessage, code: number): string | undefined => optionIps(m, code)?.[0];
export function optionU8(m: DhcpMessage, code: number): number | undefined {
  const v = m.options.get(code);
  return v && v.length === 1 ? v[0] : undefined;
}
export const messageType = (m: DhcpMessage): number | undefined => optionU8(m, DHCP_OPT.MESSAGE_TYPE);

/** Encode a DHCP message; options in the map's order, then END. Options over 255 bytes are split. */
export function encodeDhcp(m: DhcpMessage): Uint8Array {
  let size = DHCP_FIXED_LEN + 1;
  for (const v of m.options.values()) size += v.length + 2 * Math.max(1, Math.ceil(v.length / 255));
  const out = new Uint8Array(Math.max(size, 300));
  out[0] = m.op;
  out[1] = 1;
  out[2] = 6;
  put32(out, 4, m.xid >>> 0);
  put16(out, 8, m.secs);
  put16(out, 10, m.flags);
  out.set(ipOption(m.ciaddr, m.yiaddr, m.siaddr, m.giaddr), 12);
  out.set(parseMac(m.chaddr), 28);
  put32(out, 236, DHCP_MAGIC);
  let o = DHCP_FIXED_LEN;
  for (const [code, v] of m.options) {
    if (code === DHCP_OPT.PAD || code === DHCP_OPT.END) continue;
    for (let i = 0; i === 0 || i < v.length; i += 255) {
      const part = v.subarray(i, i + 255);
      out[o++] = code;
      out[o++] = part.length;
      out.set(part, o);
      o += part.length;
    }
  }
  out[o] = DHCP_OPT.END;
  return out;
}
