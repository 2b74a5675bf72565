import type { Test } from 'tap';
import { OfCodecError } from '../../protocol/openflow/error.js';
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { hex, toHexString } from '../support/vectors.js';

export { hex, toHexString };

/** Run an encoder into a fresh Writer and return the bytes as hex. */
export function enc(fn: (w: Writer) => void): string {
  const w = new Writer(16);
  fn(w);
  return toHexString(w.finish());
}

/** A reader over hex bytes (optionally a window) for a decoder. */
export function rd(h: string | Uint8Array, pos = 0, end?: number): Reader {
  const b = typeof h === 'string' ? hex(h) : h;
  return new Reader(b, pos, end ?? b.length);
}

/** Assert fn throws OfCodecError with this type/code (and message pattern when given). */
export function throwsCodec(t: Test, fn: () => unknown, errType: number, code: number, msg?: RegExp, what?: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof OfCodecError)) {
    t.fail(`${what ?? 'call'}: expected OfCodecError, got ${err === undefined ? 'no error' : String(err)}`);
    return;
  }
  t.equal(`${err.errType}/${err.code}`, `${errType}/${code}`, `${what ?? 'error'}: ${err.message}`);
  if (msg) t.match(err.message, msg, `${what ?? 'error'} message`);
}

/** Bytes as hex of a whole OpenFlow message: header (version 4, type, length, xid) + body. */
export function ofMessage(ofpType: number, xid: number, bodyHex: string): Uint8Array {
  const body = hex(bodyHex);
  const out = new Uint8Array(8 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, 4);
  dv.setUint8(1, ofpType);
  dv.setUint16(2, out.length);
  dv.setUint32(4, xid);
  out.set(body, 8);
  return out;
}
