import { OfCodecError } from '../openflow/error.js';
import { OFPBRC, OFPET } from '../openflow/error-codes.js';

/** Growable big-endian writer. `finish()` returns a Buffer of exactly the bytes written. */
export class Writer {
  buf: Buffer;
  dv: DataView;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.dv.setUint8(this.pos++, v);
  }
  u16(v: number): void {
    this.ensure(2);
    this.dv.setUint16(this.pos, v);
    this.pos += 2;
  }
  u24(v: number): void {
    this.ensure(3);
    this.dv.setUint8(this.pos, (v >>> 16) & 0xff);
    this.dv.setUint16(this.pos + 1, v & 0xffff);
    this.pos += 3;
  }
  u32(v: number): void {
    this.ensure(4);
    this.dv.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.dv.setBigUint64(this.pos, BigInt.asUintN(64, v));
    this.pos += 8;
  }
  zeros(n: number): void {
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    // Buffer#fill validates its arguments in JavaScript (~30 ns); pads are a few bytes.
    if (n <= 16) for (let i = p; i < p + n; i++) b[i] = 0;
    else b.fill(0, p, p + n);
    this.pos = p + n;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A fixed-size NUL-padded ASCII field; longer strings are an encoding error. */
  str(s: string, n: number): void {
    if (s.length > n) {
      throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `string "${s.slice(0, 20)}..." is longer than its ${n}-byte field`);
    }
    this.ensure(n);
    for (let i = 0; i < s.length; i++) this.buf[this.pos + i] = s.charCodeAt(i) & 0xff;
    this.buf.fill(0, this.pos + s.length, this.pos + n);
    this.pos += n;
  }
  mac(s: string): void {
    this.bytes(parseMac(s));
  }
  /** Zero-pad up to the next multiple of `align` measured from `start`. */
  padTo(start: number, align: number): void {
    const rem = (this.pos - start) % align;
    if (rem !== 0) this.zeros(align - rem);
  }
  /** Write a u16 at an earlier position (a length field filled in afterwards). */
  patchU16(at: number, v: number): void {
    this.dv.setUint16(at, v);
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Parse aa:bb:cc:dd:ee:ff; anything else is an encoding error naming the value. */
export function parseMac(s: string): Uint8Array {
  if (typeof s !== 'string' || !MAC_RE.test(s)) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `invalid MAC address ${JSON.stringify(s)}`);
  }
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(s.slice(i * 3, i * 3 + 2), 16);
  return out;
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `invalid hex string (${s.length} chars)`);
  }
  return Uint8Array.from(Buffer.from(s, 'hex'));
}
