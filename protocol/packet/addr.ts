/**
 * MAC, IPv4 and IPv6 address parsing and formatting, and CIDR prefixes. The parse functions are
 * for app code and configuration: bad input throws a plain Error naming the value. The format
 * functions are also used by the frame decoder, so they are table-driven and allocation-light.
 */

// Hex digits of every byte as char codes: String.fromCharCode over 17 codes is ~4x faster than
// concatenating six two-digit strings (measured), and the result is already flat.
const HI = new Uint8Array(256);
const LO = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HI[i] = h.charCodeAt(0);
  LO[i] = h.charCodeAt(1);
}
// "n." for every byte value, so a dotted quad is three concatenations, not seven.
const DEC_DOT = Array.from({ length: 256 }, (_, i) => `${i}.`);
const DEC = Array.from({ length: 256 }, (_, i) => String(i));

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

// ---------------------------------------------------------------------------------------- MAC

/** 6 bytes at `off` as lowercase aa:bb:cc:dd:ee:ff. */
export function formatMac(b: Uint8Array, off = 0): string {
  if (off < 0 || off + 6 > b.length) throw new Error(`formatMac: need 6 bytes at offset ${off}, have ${b.length}`);
  const a = b[off]!, c = b[off + 1]!, e = b[off + 2]!, f = b[off + 3]!, g = b[off + 4]!, h = b[off + 5]!;
  return String.fromCharCode(HI[a]!, LO[a]!, 58, HI[c]!, LO[c]!, 58, HI[e]!, LO[e]!, 58, HI[f]!, LO[f]!, 58, HI[g]!, LO[g]!, 58, HI[h]!, LO[h]!);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parse aa:bb:cc:dd:ee:ff (either case) into 6 bytes. */
export function parseMac(s: string): Uint8Array {
  const out = new Uint8Array(6);
  if (typeof s === 'string' && s.length === 17) {
    let ok = true;
    for (let i = 0; i < 6 && ok; i++) {
      const hi = hexVal(s.charCodeAt(i * 3));
      const lo = hexVal(s.charCodeAt(i * 3 + 1));
      if (hi < 0 || lo < 0 || (i < 5 && s.charCodeAt(i * 3 + 2) !== 58)) ok = false;
      out[i] = (hi << 4) | lo;
    }
    if (ok) return out;
  }
  throw new Error(`invalid MAC address ${quote(s)} (expected aa:bb:cc:dd:ee:ff)`);
}

export function isMac(s: string): boolean {
  try {
    parseMac(s);
    return true;
  } catch {
    return false;
  }
}

/** The canonical (lowercase) spelling of a MAC address. */
export function normalizeMac(s: string): string {
  return formatMac(parseMac(s));
}

/** A MAC address as a 48-bit number: a cheap Map key for learning tables. */
export function macToNumber(s: string | Uint8Array): number {
  const b = typeof s === 'string' ? parseMac(s) : s;
  if (b.length < 6) throw new Error('macToNumber: need 6 bytes');
  return (b[0]! * 256 + b[1]!) * 0x100000000 + (((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0);
}

export function numberToMac(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffffffff) throw new Error(`invalid 48-bit MAC number ${quote(n)}`);
  const b = new Uint8Array(6);
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  b[0] = hi >>> 8;
  b[1] = hi & 0xff;
  b[2] = lo >>> 24;
  b[3] = (lo >>> 16) & 0xff;
  b[4] = (lo >>> 8) & 0xff;
  b[5] = lo & 0xff;
  return formatMac(b);
}

/** True for group addresses (broadcast included): the I/G bit of the first octet. */
export function isMulticastMac(s: string): boolean {
  return (parseMac(s)[0]! & 1) === 1;
}

// --------------------------------------------------------------------------------------- IPv4

/** Parse a strict dotted quad into -1 on failure (no leading zeros, no spaces, 0..255 each). */
function ipv4OrMinus1(s: string, start = 0, end = s.length): number {
  let n = 0;
  let parts = 0;
  let i = start;
  while (parts < 4) {
    const p0 = i;
    let v = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      i++;
    }
    const len = i - p0;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(p0) === 48)) return -1;
    n = n * 256 + v;
    parts++;
    if (parts < 4) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === end ? n : -1;
}

/** "192.0.2.1" -> 0xc0000201 (an unsigned 32-bit number). */
export function ipv4ToNumber(s: string): number {
  const n = typeof s === 'string' ? ipv4OrMinus1(s) : -1;
  if (n < 0) throw new Error(`invalid IPv4 address ${quote(s)} (expected dotted quad like 192.0.2.1)`);
  return n;
}

export function numberToIpv4(n: number): string {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`invalid IPv4 number ${quote(n)} (expected an integer in 0..4294967295)`);
  }
  return formatIpv4Num(n);
}

/** Unchecked formatter for the decoder (the value comes from 4 wire bytes). */
export function formatIpv4Num(n: number): string {
  return DEC_DOT[n >>> 24]! + DEC_DOT[(n >>> 16) & 255]! + DEC_DOT[(n >>> 8) & 255]! + DEC[n & 255]!;
}

export function parseIpv4(s: string): Uint8Array {
  const n = ipv4ToNumber(s);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

export function formatIpv4(b: Uint8Array, off = 0): string {
  if (off < 0 || off + 4 > b.length) throw new Error(`formatIpv4: need 4 bytes at offset ${off}, have ${b.length}`);
  return DEC_DOT[b[off]!]! + DEC_DOT[b[off + 1]!]! + DEC_DOT[b[off + 2]!]! + DEC[b[off + 3]!]!;
}

export function isIpv4(s: string): boolean {
  return typeof s === 'string' && ipv4OrMinus1(s) >= 0;
}

// --------------------------------------------------------------------------------------- IPv6

/** Parse one ':'-separated run of hex groups into out[at..]; returns groups written or -1. */
function hexGroups(s: string, out: Uint16Array, at: number, allowV4Tail: boolean): number {
  if (s === '') return 0;
  const parts = s.split(':');
  let k = at;
  for (let p = 0; p < parts.length; p++) {
    const g = parts[p]!;
    if (allowV4Tail && p === parts.length - 1 && g.includes('.')) {
      const n = ipv4OrMinus1(g);
      if (n < 0 || k + 2 > 8) return -1;
      out[k++] = n >>> 16;
      out[k++] = n & 0xffff;
      continue;
    }
    if (g.length < 1 || g.length > 4 || k >= 8) return -1;
    let v = 0;
    for (let i = 0; i < g.length; i++) {
      const h = hexVal(g.charCodeAt(i));
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    out[k++] = v;
  }
  return k - at;
}

function ipv6OrNull(s: string): Uint8Array | null {
  if (typeof s !== 'string' || s.length < 2 || s.length > 45) return null;
  const groups = new Uint16Array(8);
  const dbl = s.indexOf('::');
  if (dbl < 0) {
    if (hexGroups(s, groups, 0, true) !== 8) return null;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head = s.slice(0, dbl);
    const tail = s.slice(dbl + 2);
    const tmp = new Uint16Array(8);
    const nh = hexGroups(head, groups, 0, false);
    const nt = hexGroups(tail, tmp, 0, true);
    // "::" stands for at least one zero group.
    if (nh < 0 || nt < 0 || nh + nt > 7) return null;
    groups.set(tmp.subarray(0, nt), 8 - nt);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = groups[i]! >>> 8;
    out[i * 2 + 1] = groups[i]! & 0xff;
  }
  return out;
}

/** Parse any RFC 4291 text form (compressed, uncompressed, embedded IPv4 tail) into 16 bytes. */
export function parseIpv6(s: string): Uint8Array {
  const b = ipv6OrNull(s);
  if (!b) throw new Error(`invalid IPv6 address ${quote(s)}`);
  return b;
}

export function isIpv6(s: string): boolean {
  return ipv6OrNull(s) !== null;
}

/**
 * 16 bytes at `off` in RFC 5952 canonical text: lowercase, no leading zeros, the longest run of
 * two or more zero groups (the first one on a tie) as "::", IPv4-mapped addresses as ::ffff:a.b.c.d.
 */
export function formatIpv6(b: Uint8Array, off = 0): string {
  if (off < 0 || off + 16 > b.length) throw new Error(`formatIpv6: need 16 bytes at offset ${off}, have ${b.length}`);
  let mapped = b[off + 10] === 0xff && b[off + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[off + i] !== 0) mapped = false;
  if (mapped) return '::ffff:' + formatIpv4(b, off + 12);
  let bestAt = -1;
  let bestLen = 1;
  let runAt = -1;
  for (let i = 0; i <= 8; i++) {
    const zero = i < 8 && b[off + i * 2] === 0 && b[off + i * 2 + 1] === 0;
    if (zero) {
      if (runAt < 0) runAt = i;
    } else if (runAt >= 0) {
      if (i - runAt > bestLen) {
        bestAt = runAt;
        bestLen = i - runAt;
      }
      runAt = -1;
    }
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += ((b[off + i * 2]! << 8) | b[off + i * 2 + 1]!).toString(16);
  }
  return s;
}

export function normalizeIpv6(s: string): string {
  return formatIpv6(parseIpv6(s));
}

/** Either family: 4 bytes for a dotted quad, 16 for IPv6 text. */
export function parseIp(s: string): Uint8Array {
  if (isIpv4(s)) return parseIpv4(s);
  const b = ipv6OrNull(s);
  if (!b) throw new Error(`invalid IP address ${quote(s)}`);
  return b;
}

/** 4 bytes -> dotted quad, 16 bytes -> RFC 5952 text. */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return formatIpv4(b);
  if (b.length === 16) return formatIpv6(b);
  throw new Error(`formatIp: expected 4 or 16 bytes, got ${b.length}`);
}

/** ff02::1:ffXX:XXXX, the solicited-node multicast group neighbour solicitations go to. */
export function solicitedNodeAddress(s: string): string {
  const a = parseIpv6(s);
  const b = parseIpv6('ff02::1:ff00:0');
  b.set(a.subarray(13), 13);
  return formatIpv6(b);
}

/** 33:33 followed by the low 32 bits of an IPv6 multicast group (RFC 2464 section 7). */
export function ipv6MulticastMac(s: string): string {
  const a = parseIpv6(s);
  return formatMac(Uint8Array.of(0x33, 0x33, a[12]!, a[13]!, a[14]!, a[15]!));
}

// --------------------------------------------------------------------------------------- CIDR

export interface Ipv4Cidr {
  family: 4;
  /** The address as given, canonical (may have host bits set: "10.0.0.1/24" keeps 10.0.0.1). */
  address: string;
  /** The masked network address. */
  network: string;
  prefixLength: number;
  networkNum: number;
  mask: number;
}
export interface Ipv6Cidr {
  family: 6;
  address: string;
  network: string;
  prefixLength: number;
  networkBytes: Uint8Array;
}
export type Cidr = Ipv4Cidr | Ipv6Cidr;

/** The 32-bit netmask of an IPv4 prefix length (0..32). */
export function ipv4Mask(prefixLength: number): number {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
    throw new Error(`invalid IPv4 prefix length ${quote(prefixLength)} (expected 0..32)`);
  }
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function maskBytes(b: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out[i] = b[i]! & ((0xff00 >> bits) & 0xff);
  }
  return out;
}

function parseLen(text: string, max: number, whole: string): number {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(text) || Number(text) > max) {
    throw new Error(`invalid prefix length in ${quote(whole)} (expected 0..${max})`);
  }
  return Number(text);
}

/**
 * "10.0.0.0/8" or "2001:db8::/32"; a bare address is a host prefix (/32 or /128). With
 * `strict`, host bits beyond the prefix are an error (routing tables want that; interface
 * addresses like 10.0.0.1/24 do not).
 */
export function parseCidr(s: string, opts: { strict?: boolean } = {}): Cidr {
  if (typeof s !== 'string') throw new Error(`invalid CIDR prefix ${quote(s)}`);
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  if (isIpv4(addrText)) {
    const a = ipv4ToNumber(addrText);
    const len = slash < 0 ? 32 : parseLen(s.slice(slash + 1), 32, s);
    const mask = ipv4Mask(len);
    const net = (a & mask) >>> 0;
    if (opts.strict && net !== a) throw new Error(`CIDR prefix ${quote(s)} has host bits set (network is ${formatIpv4Num(net)}/${len})`);
    return { family: 4, address: formatIpv4Num(a), network: formatIpv4Num(net), prefixLength: len, networkNum: net, mask };
  }
  const b = ipv6OrNull(addrText);
  if (!b) throw new Error(`invalid CIDR prefix ${quote(s)}: bad address`);
  const len = slash < 0 ? 128 : parseLen(s.slice(slash + 1), 128, s);
  const net = maskBytes(b, len);
  const network = formatIpv6(net);
  if (opts.strict && !net.every((v, i) => v === b[i])) throw new Error(`CIDR prefix ${quote(s)} has host bits set (network is ${network}/${len})`);
  return { family: 6, address: formatIpv6(b), network, prefixLength: len, networkBytes: net };
}

/** Canonical "network/length" text for an address of either family and a prefix length. */
export function formatCidr(address: string, prefixLength: number): string {
  const b = parseIp(address);
  const max = b.length * 8;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    throw new Error(`invalid prefix length ${quote(prefixLength)} for ${quote(address)} (expected 0..${max})`);
  }
  return `${formatIp(maskBytes(b, prefixLength))}/${prefixLength}`;
}

/**
 * Whether `address` lies inside `cidr`. An address of the other family is simply not contained;
 * a malformed address or prefix throws. A numeric address is IPv4.
 */
export function cidrContains(cidr: Cidr | string, address: string | number): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (typeof address === 'number') {
    if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) throw new Error(`invalid IPv4 number ${quote(address)}`);
    return c.family === 4 && ((address & c.mask) >>> 0) === c.networkNum;
  }
  const b = parseIp(address);
  if (c.family === 4) return b.length === 4 && ((ipv4ToNumber(address) & c.mask) >>> 0) === c.networkNum;
  if (b.length !== 16) return false;
  const m = maskBytes(b, c.prefixLength);
  for (let i = 0; i < 16; i++) if (m[i] !== c.networkBytes[i]) return false;
  return true;
}
