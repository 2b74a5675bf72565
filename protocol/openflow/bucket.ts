import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u16, u32 } from '../wire/struct.js';
import { checkUint, closeEntry, within } from '../wire/tlv.js';
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
    const actions = within(r, start + len, decodeActions);
    out.push({ weight: h.weight, watchPort: h.watchPort, watchGroup: h.watchGroup, actions });
  }
  return out;
}

export function encodeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    checkUint('bucket weight', b.weight, 0xffff, badBucket);
    checkUint('bucket watch port', b.watchPort, 0xffffffff, badBucket, OFPGMFC_BAD_WATCH);
    checkUint('bucket watch group', b.watchGroup, 0xffffffff, badBucket, OFPGMFC_BAD_WATCH);
    const start = w.pos;
    bucketHeader.encode(w, { len: 0, weight: b.weight, watchPort: b.watchPort, watchGroup: b.watchGroup });
    encodeActions(w, b.actions);
    closeEntry(w, start, 0, 1, 'bucket', badBucket);
  }
}
