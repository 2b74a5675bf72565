import { OfCodecError } from '../openflow/error.js';
import { OFPBRC, OFPET } from '../openflow/error-codes.js';

/**
 * Bounds-checked big-endian reader over a window [pos, end) of a byte array. It respects the
 * view's byteOffset and never reads past `end`: an overrun throws OfCodecError with the error
 * type/code given at construction (BAD_REQUEST/BAD_LEN unless a nested structure says otherwise).
 */
export class Reader {
  readonly dv: DataView;
  pos: number;
  end: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    end = buf.length,
    readonly errType: number = OFPET.BAD_REQUEST,
    readonly errCode: number = OFPBRC.BAD_LEN,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throw the reader's error unless n more bytes are available. */
  need(n: number, what = 'field'): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new OfCodecError(this.errType, this.errCode, `${what} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  /** Throw a length error naming `what`, with this reader's error type/code. */
  fail(detail: string): never {
    throw new OfCodecError(this.errType, this.errCode, detail);
  }

  u8(): number {
    this.need(1);
    return this.dv.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const v = (this.dv.getUint8(this.pos) << 16) | this.dv.getUint16(this.pos + 1);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.dv.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  /** A view (not a copy) of the next n bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** The rest of the window as a view. */
  rest(): Uint8Array {
    return this.bytes(this.end - this.pos);
  }
  /** A fixed-size, NUL-padded ASCII string field. */
  str(n: number): string {
    const b = this.bytes(n);
    let len = b.indexOf(0);
    if (len < 0) len = n;
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  /** 6 bytes as aa:bb:cc:dd:ee:ff. */
  mac(): string {
    const b = this.bytes(6);
    return macToString(b);
  }
  /**
   * A sub-reader over the next n bytes (advancing this one past them), for nested TLVs whose
   * length must not lie: n beyond this window is an error with the given type/code.
   */
  sub(n: number, errType = this.errType, errCode = this.errCode): Reader {
    if (n < 0 || this.pos + n > this.end) {
      throw new OfCodecError(errType, errCode, `nested length ${n} at offset ${this.pos} exceeds the ${this.end - this.pos} bytes left`);
    }
    const r = new Reader(this.buf, this.pos, this.pos + n, errType, errCode);
    this.pos += n;
    return r;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function macToString(b: Uint8Array, off = 0): string {
  return `${HEX[b[off]!]}:${HEX[b[off + 1]!]}:${HEX[b[off + 2]!]}:${HEX[b[off + 3]!]}:${HEX[b[off + 4]!]}:${HEX[b[off + 5]!]}`;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}
