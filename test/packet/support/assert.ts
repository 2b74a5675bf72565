import { OfCodecError } from '../../../protocol/index.js';

/** The two tap assertions the helpers below need (keeps them independent of tap's types). */
export interface Asserter {
  ok(v: any, ...rest: any[]): unknown;
  match(v: any, ...rest: any[]): unknown;
}

/** `fn` throws a plain Error (builders never throw the codec's error class) matching `re`. */
export function throwsPlain(t: Asserter, fn: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof Error && !(err instanceof OfCodecError), `throws a plain Error (${re})`);
  t.match((err as Error | undefined)?.message ?? '<nothing thrown>', re);
}

/** Bytes from hex written with spaces, newlines and `#` comments, as the vectors below are. */
export function hexBytes(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`bad hex vector: ${clean}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/**
 * An independent checksum: folds the carry after every 16-bit add instead of once at the end,
 * reads words with Buffer's reader. A region with a correct checksum field sums to 0xffff.
 */
export function refSum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    const b = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    for (let i = 0; i < b.length; i += 2) {
      sum += i + 1 < b.length ? b.readUInt16BE(i) : b[i]! << 8;
      if (sum > 0xffff) sum = (sum & 0xffff) + 1;
    }
  }
  return sum;
}
