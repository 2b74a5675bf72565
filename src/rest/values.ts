/**
 * Small parsers for the friendly JSON forms: integers given as numbers, decimal or 0x-hex
 * strings; 64-bit values as bigint; reserved port names. Each failure is a 400 naming `field`.
 */
import { OFPP } from '../../protocol/index.js';
import { bad } from './errors.js';

const INT_TEXT = /^(?:0[xX][0-9a-fA-F]+|\d+)$/;

/** An unsigned integer 0..max from a JSON number or "123" / "0x7b". */
export function parseUint(v: unknown, max: number, field: string): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_TEXT.test(v.trim())) n = Number(v.trim());
  else return bad(field, `expected an integer, got ${JSON.stringify(v)}`);
  if (!Number.isInteger(n) || n < 0 || n > max) bad(field, `expected an integer 0-${max}, got ${JSON.stringify(v)}`);
  return n;
}

const U64_MAX = (1n << 64n) - 1n;

/** A 64-bit unsigned value from a safe JSON integer or a decimal / 0x-hex string. */
export function parseU64(v: unknown, field: string): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && INT_TEXT.test(v.trim())) n = BigInt(v.trim());
  else return bad(field, `expected a 64-bit integer (number, decimal or 0x-hex string), got ${JSON.stringify(v)}`);
  if (n < 0n || n > U64_MAX) bad(field, `out of the 64-bit range: ${JSON.stringify(v)}`);
  return n;
}

export const hex64 = (v: bigint): string => `0x${v.toString(16)}`;

/** Reserved port names, as in the spec without the OFPP_ prefix (lowercase accepted). */
export const PORT_NAMES: Readonly<Record<string, number>> = {
  IN_PORT: OFPP.IN_PORT,
  TABLE: OFPP.TABLE,
  NORMAL: OFPP.NORMAL,
  FLOOD: OFPP.FLOOD,
  ALL: OFPP.ALL,
  CONTROLLER: OFPP.CONTROLLER,
  LOCAL: OFPP.LOCAL,
  ANY: OFPP.ANY,
};
const NAME_OF_PORT = new Map(Object.entries(PORT_NAMES).map(([k, v]) => [v, k]));

/** A port number (1..0xffffff00) or a reserved port name. */
export function parsePort(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const named = PORT_NAMES[v.trim().toUpperCase()];
    if (named !== undefined) return named;
  }
  return parseUint(v, 0xffffffff, field);
}

/** Reserved ports print as their names, others as numbers. */
export function formatPort(n: number): number | string {
  return NAME_OF_PORT.get(n) ?? n;
}

/** A bit set from a number or a list of names (case-insensitive); unknown names are a 400. */
export function parseFlags(v: unknown, names: Readonly<Record<string, number>>, max: number, field: string): number {
  if (!Array.isArray(v)) return parseUint(v, max, field);
  let out = 0;
  v.forEach((name, i) => {
    const bit = typeof name === 'string' ? names[name.toLowerCase()] : undefined;
    if (bit === undefined) bad(`${field}[${i}]`, `expected one of ${Object.keys(names).join(', ')}, got ${JSON.stringify(name)}`);
    out |= bit!;
  });
  return out >>> 0;
}

/** Names of the set bits (unnamed bits are added as a number). */
export function formatFlags(v: number, names: Readonly<Record<string, number>>): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = v >>> 0;
  for (const [name, bit] of Object.entries(names)) {
    if ((v & bit) !== 0) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) out.push(rest);
  return out;
}
