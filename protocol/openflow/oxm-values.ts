/**
 * Address text <-> bytes for OXM values: MAC (aa:bb:cc:dd:ee:ff, lowercase), IPv4 dotted quad,
 * IPv6 in the RFC 5952 canonical form (lowercase, no leading zeros, the longest run of two or
 * more zero groups shortened to "::", the first such run on a tie; no embedded IPv4 form).
 * Parsers return false/-1 instead of throwing so the caller can name the field in its error.
 * No regular expressions: these run for every MAC and address a flow-mod or packet-in carries.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Value of one hex digit char code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Hex digit value per UTF-16 code unit (-1 for anything else). 64 Ki entries so that every
 * charCodeAt result is in range: no bounds test per digit, and a non-ASCII character can never
 * alias a digit.
 */
const HEX_VALUE = new Int8Array(0x10000).fill(-1);
for (let c = 0; c < 16; c++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(c)] = c;
}

/**
 * Parse aa:bb:cc:dd:ee:ff (either case) into out[off..off+6]; false when malformed (nothing
 * useful is written then). Unrolled with one table load per digit: a flow mod carries two
 * MACs, and the per-character branching this replaces cost ~25 ns a MAC.
 */
export function parseMacInto(s: unknown, out: Uint8Array, off: number): boolean {
  if (typeof s !== 'string' || s.length !== 17) return false;
  if (s.charCodeAt(2) !== 58 || s.charCodeAt(5) !== 58 || s.charCodeAt(8) !== 58 || s.charCodeAt(11) !== 58 || s.charCodeAt(14) !== 58) {
    return false;
  }
  const T = HEX_VALUE;
  const a = T[s.charCodeAt(0)]!;
  const b = T[s.charCodeAt(1)]!;
  const c = T[s.charCodeAt(3)]!;
  const d = T[s.charCodeAt(4)]!;
  const e = T[s.charCodeAt(6)]!;
  const f = T[s.charCodeAt(7)]!;
  const g = T[s.charCodeAt(9)]!;
  const h = T[s.charCodeAt(10)]!;
  const i = T[s.charCodeAt(12)]!;
  const j = T[s.charCodeAt(13)]!;
  const k = T[s.charCodeAt(15)]!;
  const l = T[s.charCodeAt(16)]!;
  // Any invalid digit is -1, so the OR of all twelve is negative.
  if ((a | b | c | d | e | f | g | h | i | j | k | l) < 0) return false;
  out[off] = (a << 4) | b;
  out[off + 1] = (c << 4) | d;
  out[off + 2] = (e << 4) | f;
  out[off + 3] = (g << 4) | h;
  out[off + 4] = (i << 4) | j;
  out[off + 5] = (k << 4) | l;
  return true;
}

export function formatMac(b: Uint8Array, off: number): string {
  return `${HEX[b[off]!]}:${HEX[b[off + 1]!]}:${HEX[b[off + 2]!]}:${HEX[b[off + 3]!]}:${HEX[b[off + 4]!]}:${HEX[b[off + 5]!]}`;
}

export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/**
 * Parse a dotted quad (decimal, 1-3 digits per octet, no leading zeros beyond "0") over
 * s[start, end); returns the address as an unsigned 32-bit number, or -1 when malformed.
 */
export function parseIpv4(s: unknown, start = 0, end = typeof s === 'string' ? s.length : 0): number {
  if (typeof s !== 'string' || end - start < 7 || end - start > 15) return -1;
  let value = 0;
  let octets = 0;
  let i = start;
  while (octets < 4) {
    let n = 0;
    let digits = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (digits === 1 && n === 0) return -1; // leading zero: ambiguous (octal in some tools)
      n = n * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || n > 255) return -1;
    value = value * 256 + n;
    octets++;
    if (octets < 4) {
      if (s.charCodeAt(i) !== 46) return -1; // '.'
      i++;
    }
  }
  return i === end ? value : -1;
}

/** RFC 5952 text of the 16 bytes at b[off]. */
export function formatIpv6(b: Uint8Array, off: number): string {
  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  // Longest run of zero groups, at least two long; the first wins a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += g[i]!.toString(16);
  }
  return s;
}

/** Parse 16-bit hex groups of s[start, end) separated by ':' into groups; -1 when malformed. */
function parseGroups(s: string, start: number, end: number, groups: number[]): number {
  if (start === end) return 0;
  let count = 0;
  let i = start;
  for (;;) {
    let n = 0;
    let digits = 0;
    while (i < end && s.charCodeAt(i) !== 58) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) return -1;
      n = (n << 4) | d;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4) return -1;
    groups.push(n);
    count++;
    if (i === end) return count;
    i++; // ':'
    if (i === end) return -1; // trailing ':'
  }
}

/**
 * Parse any valid IPv6 text (either case, "::" compression, trailing dotted IPv4) into
 * out[off..off+16]; false when malformed.
 */
export function parseIpv6Into(s: unknown, out: Uint8Array, off: number): boolean {
  if (typeof s !== 'string' || s.length < 2 || s.length > 45) return false;
  let end = s.length;
  let v4 = -1;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  if (s.indexOf('.', lastColon) > 0) {
    v4 = parseIpv4(s, lastColon + 1, end);
    if (v4 < 0) return false;
    end = lastColon + 1;
    // Keep "::" intact when the IPv4 part follows it ("::1.2.3.4"); otherwise drop the ':'.
    if (!(end >= 2 && s.charCodeAt(end - 2) === 58)) end--;
  }
  const head: number[] = [];
  const tail: number[] = [];
  const dbl = s.indexOf('::');
  if (dbl >= 0 && dbl < end) {
    if (s.indexOf('::', dbl + 1) >= 0) return false;
    if (parseGroups(s, 0, dbl, head) < 0 || parseGroups(s, dbl + 2, end, tail) < 0) return false;
  } else {
    if (parseGroups(s, 0, end, head) < 0) return false;
  }
  const want = v4 >= 0 ? 6 : 8;
  const have = head.length + tail.length;
  if (dbl >= 0 ? have > want - 1 : have !== want) return false;
  out.fill(0, off, off + 16);
  for (let i = 0; i < head.length; i++) {
    out[off + 2 * i] = head[i]! >>> 8;
    out[off + 2 * i + 1] = head[i]! & 0xff;
  }
  const tailStart = want - tail.length;
  for (let i = 0; i < tail.length; i++) {
    out[off + 2 * (tailStart + i)] = tail[i]! >>> 8;
    out[off + 2 * (tailStart + i) + 1] = tail[i]! & 0xff;
  }
  if (v4 >= 0) {
    out[off + 12] = v4 >>> 24;
    out[off + 13] = (v4 >>> 16) & 0xff;
    out[off + 14] = (v4 >>> 8) & 0xff;
    out[off + 15] = v4 & 0xff;
  }
  return true;
}
