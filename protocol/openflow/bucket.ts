import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u16, u32 } from '../wire/struct.js';
import { decodeActions, encodeActions } from './actions.js';
import { OfCodecError } from './error.js';
import { OFPET } from './error-codes.js';
import type { Bucket } from './types.js';

/** ofp_bucket without its action list (16 bytes). */
const bucketHeader = struct('ofp_bucket', 16, [['len', u16], ['weight', u16], ['watchPort', u32], ['watchGroup', u32], pad(4)]);

/** OFPGMFC codes (not in error-codes.ts's short list). */
const OFPGMFC_BAD_BUCKET = 12;
const OFPGMFC_BAD_WATCH = 13;

function badBucket(detail: string, code = OFPGMFC_BAD_BUCKET): never {
  throw new OfCodecError(OFPET.GROUP_MOD_FAILED, code, detail);
}

/** Decode the buckets filling the reader's window (group-mod, group-desc). */
export function decodeBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.pos < r.end) {
    const left = r.end - r.pos;
    if (left < bucketHeader.size) badBucket(`bucket needs ${bucketHeader.size} bytes at offset ${r.pos}, ${left} left`);
    const start = r.pos;
    const len = r.dv.getUint16(start);
    if (len < bucketHeader.size || len % 8 !== 0 || len > left) {
      badBucket(`bucket length ${len} is not a multiple of 8 between ${bucketHeader.size} and the ${left} bytes left`);
    }
    const h = bucketHeader.decode(r);
    const outerEnd = r.end;
    r.end = start + len;
    let actions;
    try {
      actions = decodeActions(r);
    } finally {
      r.end = outerEnd;
    }
    out.push({ weight: h.weight, watchPort: h.watchPort, watchGroup: h.watchGroup, actions });
  }
  return out;
}

function checkUint(what: string, v: unknown, max: number, code?: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    badBucket(`bucket ${what} ${JSON.stringify(v)} is not an integer in 0..${max}`, code);
  }
}

export function encodeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    checkUint('weight', b.weight, 0xffff);
    checkUint('watch port', b.watchPort, 0xffffffff, OFPGMFC_BAD_WATCH);
    checkUint('watch group', b.watchGroup, 0xffffffff, OFPGMFC_BAD_WATCH);
    const start = w.pos;
    bucketHeader.encode(w, { len: 0, weight: b.weight, watchPort: b.watchPort, watchGroup: b.watchGroup });
    encodeActions(w, b.actions);
    const len = w.pos - start;
    if (len > 0xffff) badBucket(`bucket of ${len} bytes exceeds 65535`);
    w.patchU16(start, len);
  }
}
