import { decode, encode, OfCodecError } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import type { Test } from 'tap';

type Assert = Pick<Test, 'equal' | 'strictSame' | 'ok' | 'fail'>;

/**
 * Hex written field by field: whitespace is ignored and `#` starts a comment that runs to the
 * end of the line, so a vector can be laid out like the spec's struct.
 */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/#.*$/gm, '').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex vector: ${clean}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function toHexString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Byte arrays (Buffer or Uint8Array views) compared by content, everything else as is. */
export function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${toHexString(v)}`;
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalize(x);
    return out;
  }
  return v;
}

/**
 * The golden-vector check, three ways: bytes -> object equals `expected`; that object -> the same
 * bytes; `expected` (written by hand, no lengths or padding) -> the same bytes.
 */
export function checkVector(t: Assert, bytes: Uint8Array, expected: OfMessage): OfMessage {
  const got = decode(bytes);
  t.strictSame(normalize(got), normalize(expected), 'decode equals the expected object');
  t.equal(toHexString(encode(got)), toHexString(bytes), 'encode(decode(bytes)) equals the bytes');
  t.equal(toHexString(encode(expected)), toHexString(bytes), 'encode(expected) equals the bytes');
  return got;
}

/** Decoding must throw OfCodecError with this type and code. */
export function expectCodecError(t: Assert, bytes: Uint8Array, errType: number, code: number, what: string): void {
  try {
    decode(bytes);
  } catch (e) {
    t.ok(e instanceof OfCodecError, `${what}: throws OfCodecError (got ${(e as Error).name}: ${(e as Error).message})`);
    if (e instanceof OfCodecError) {
      t.equal(e.errType, errType, `${what}: error type`);
      t.equal(e.code, code, `${what}: error code (${e.message})`);
    }
    return;
  }
  t.fail(`${what}: decoded without error`);
}

/** Copy of `bytes` with the header length rewritten to the actual size (for truncated variants). */
export function withLength(bytes: Uint8Array, n = bytes.length): Uint8Array {
  const out = Uint8Array.from(bytes);
  new DataView(out.buffer).setUint16(2, n);
  return out;
}

/** The first n bytes with the header length fixed up to n, so only the body is short. */
export function truncated(bytes: Uint8Array, n: number): Uint8Array {
  return withLength(bytes.subarray(0, n), n);
}

/** The bytes plus `extra` trailing zero bytes, header length fixed up to match. */
export function extended(bytes: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(bytes.length + extra);
  out.set(bytes);
  return withLength(out);
}
