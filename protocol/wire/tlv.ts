/**
 * What the codecs of length-prefixed entries (actions, instructions, meter bands, buckets,
 * queue properties) share: range checks of the values they encode, closing an entry (zero
 * padding, then its 16-bit length) and decoding inside one entry's bytes. Errors go through the
 * caller's `fail`, so each structure keeps its own OpenFlow error type and code.
 */
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** Throws the caller's error for `detail` (`code` when the structure has several). */
export type Fail = (detail: string, code?: number) => never;

/** `v` must be an integer in 0..max: "`what` V is not an integer in 0..max" otherwise. */
export function checkUint(what: string, v: unknown, max: number, fail: Fail, code?: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail(`${what} ${shown(v)} is not an integer in 0..${max}`, code);
}

/** A value in an error message (JSON.stringify throws on a bigint). */
function shown(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : String(JSON.stringify(v));
}

/** `v` must be a Uint8Array: "`what` must be a Uint8Array" otherwise. */
export function checkBytes(what: string, v: unknown, fail: Fail, code?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(`${what} must be a Uint8Array`, code);
  return v;
}

/**
 * Finish the entry written from `start`: zero-pad it to a multiple of `align` (1: no padding),
 * then write its length as a u16 at `start + lenAt`. An entry over 65535 bytes fails with
 * "`what` of N bytes exceeds 65535".
 */
export function closeEntry(w: Writer, start: number, lenAt: number, align: number, what: string, fail: Fail, code?: number): void {
  if (align > 1) w.padTo(start, align);
  const len = w.pos - start;
  if (len > 0xffff) fail(`${what} of ${len} bytes exceeds 65535`, code);
  w.patchU16(start + lenAt, len);
}

/** Run `decode` with the reader's window ending at `end` (an entry's end); the outer end comes back even when it throws. */
export function within<T>(r: Reader, end: number, decode: (r: Reader) => T): T {
  const outerEnd = r.end;
  r.end = end;
  try {
    return decode(r);
  } finally {
    r.end = outerEnd;
  }
}
