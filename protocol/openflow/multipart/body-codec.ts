import type { Reader } from '../../wire/reader.js';
import type { Struct } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { OfCodecError } from '../error.js';
import { OFPBRC, OFPET } from '../error-codes.js';
import type { MultipartKind, MultipartReplyBody, MultipartRequestBody } from '../types.js';

export type RequestOf<K extends MultipartKind> = Extract<MultipartRequestBody, { kind: K }>;
export type ReplyOf<K extends MultipartKind> = Extract<MultipartReplyBody, { kind: K }>;

/**
 * How the body of one multipart type (after the 16-byte multipart header) is decoded and
 * encoded, for both directions. Decoders get a reader over the body and must consume all of it.
 */
export interface MultipartBodyCodec<K extends MultipartKind = MultipartKind> {
  /** ofp_multipart_type number. */
  readonly mpType: number;
  readonly kind: K;
  decodeRequest(r: Reader): RequestOf<K>;
  encodeRequest(w: Writer, body: RequestOf<K>): void;
  decodeReply(r: Reader): ReplyOf<K>;
  encodeReply(w: Writer, body: ReplyOf<K>): void;
}

/** Define a body codec with its kind checked against its functions. */
export function bodyCodec<K extends MultipartKind>(c: MultipartBodyCodec<K>): MultipartBodyCodec<K> {
  return c;
}

/** A request body that is empty (DESC, TABLE, PORT_DESC, ...): any bytes are left over and fail. */
export function emptyRequest<K extends MultipartKind>(kind: K): Pick<MultipartBodyCodec<K>, 'decodeRequest' | 'encodeRequest'> {
  return {
    decodeRequest: () => ({ kind }) as RequestOf<K>,
    encodeRequest: () => {},
  };
}

/** An array of fixed-size structs filling the reader's window; a ragged tail is a length error. */
export function decodeFixedArray<T>(r: Reader, s: Struct<T>): T[] {
  if (r.remaining % s.size !== 0) r.fail(`${s.name} array of ${r.remaining} bytes is not a multiple of ${s.size}`);
  const n = r.remaining / s.size;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = s.decode(r);
  return out;
}

export function encodeFixedArray<T>(w: Writer, s: Struct<T>, items: readonly T[]): void {
  w.ensure(items.length * s.size);
  for (const it of items) s.encode(w, it);
}

/**
 * Decode entries that carry their own u16 length at `lenOffset` (flow stats, group stats, meter
 * config ...). Each entry is decoded with the reader's window narrowed to the entry, rather than
 * a sub-reader, so a 1000-entry reply allocates no Reader or DataView per entry. A length under
 * `minLen` (zero included: no endless loop) or past the body is an error with the given type/code;
 * the entry decoder must consume its whole window.
 */
export function decodeLengthPrefixed<T>(
  r: Reader,
  what: string,
  minLen: number,
  lenOffset: number,
  errType: number,
  errCode: number,
  decodeOne: (r: Reader) => T,
): T[] {
  const out: T[] = [];
  const outerEnd = r.end;
  while (r.pos < outerEnd) {
    const start = r.pos;
    if (outerEnd - start < minLen) {
      throw new OfCodecError(errType, errCode, `${what}: ${outerEnd - start} trailing bytes are shorter than an entry (${minLen})`);
    }
    const len = r.dv.getUint16(start + lenOffset);
    if (len < minLen || len > outerEnd - start) {
      throw new OfCodecError(errType, errCode, `${what}: entry length ${len} at offset ${start} is under ${minLen} or past the ${outerEnd - start} bytes left`);
    }
    r.end = start + len;
    out.push(decodeOne(r));
    if (r.pos !== r.end) {
      throw new OfCodecError(errType, errCode, `${what}: entry at offset ${start} left ${r.end - r.pos} of its ${len} bytes undecoded`);
    }
    r.end = outerEnd;
  }
  return out;
}

/** Encode entries whose u16 length at `lenOffset` is patched in after each is written. */
export function encodeLengthPrefixed<T>(w: Writer, items: readonly T[], lenOffset: number, encodeOne: (w: Writer, item: T) => void): void {
  for (const it of items) {
    const start = w.pos;
    encodeOne(w, it);
    w.patchU16(start + lenOffset, w.pos - start);
  }
}

/** The entry type of a reply that is `{ kind, stats: Entry[] }`. */
export type StatsEntryOf<K extends MultipartKind> = ReplyOf<K> extends { stats: readonly (infer T)[] } ? T : never;

/**
 * The reply half of a codec whose reply is a list of length-prefixed entries under `stats`
 * (flow stats, group stats/desc, meter stats/config); a lying length is OFPBRC_BAD_LEN.
 */
export function lengthPrefixedReply<K extends MultipartKind>(
  kind: K,
  what: string,
  minLen: number,
  lenOffset: number,
  decodeOne: (r: Reader) => StatsEntryOf<K>,
  encodeOne: (w: Writer, item: StatsEntryOf<K>) => void,
): Pick<MultipartBodyCodec<K>, 'decodeReply' | 'encodeReply'> {
  return {
    decodeReply: (r) =>
      ({ kind, stats: decodeLengthPrefixed(r, what, minLen, lenOffset, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, decodeOne) }) as unknown as ReplyOf<K>,
    encodeReply: (w, b) => encodeLengthPrefixed(w, (b as unknown as { stats: StatsEntryOf<K>[] }).stats, lenOffset, encodeOne),
  };
}
