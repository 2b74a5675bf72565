import type { Reader } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { OFPT } from '../constants.js';
import { OfCodecError } from '../error.js';
import { OFPBRC, OFPET } from '../error-codes.js';
import type { MultipartBodyCodec } from '../multipart/body-codec.js';
import { multipartBodies } from '../multipart/index.js';
import { messageCodec } from '../registry.js';
import type { MultipartKind } from '../types.js';

/** Header (8) + ofp_multipart_request/reply fixed part: type u16, flags u16, pad 4. */
const MULTIPART_MIN_LENGTH = 16;

const byType = new Map<number, MultipartBodyCodec<any>>();
const byKind = new Map<MultipartKind, MultipartBodyCodec<any>>();
for (const c of multipartBodies) {
  if (byType.has(c.mpType) || byKind.has(c.kind)) throw new Error(`multipart type ${c.kind} registered twice`);
  byType.set(c.mpType, c);
  byKind.set(c.kind, c);
}

/** Read the multipart type/flags/pad and find the body codec; unknown types are OFPBRC_BAD_MULTIPART. */
function readHead(r: Reader): { body: MultipartBodyCodec<any>; flags: number } {
  const mpType = r.u16();
  const flags = r.u16();
  r.skip(4);
  const body = byType.get(mpType);
  if (!body) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_MULTIPART, `unknown multipart type ${mpType}`);
  return { body, flags };
}

function writeHead(w: Writer, kind: MultipartKind, flags: number): MultipartBodyCodec<any> {
  const body = byKind.get(kind);
  if (!body) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_MULTIPART, `cannot encode unknown multipart kind ${JSON.stringify(kind)}`);
  w.u16(body.mpType);
  w.u16(flags);
  w.zeros(4);
  return body;
}

export const multipartRequest = messageCodec({
  ofpType: OFPT.MULTIPART_REQUEST,
  name: 'multipartRequest',
  ofpName: 'OFPT_MULTIPART_REQUEST',
  minLength: MULTIPART_MIN_LENGTH,
  decode(r, xid) {
    const { body, flags } = readHead(r);
    return { type: 'multipartRequest', xid, flags, body: body.decodeRequest(r) };
  },
  encode(w, msg) {
    writeHead(w, msg.body.kind, msg.flags).encodeRequest(w, msg.body);
  },
});

export const multipartReply = messageCodec({
  ofpType: OFPT.MULTIPART_REPLY,
  name: 'multipartReply',
  ofpName: 'OFPT_MULTIPART_REPLY',
  minLength: MULTIPART_MIN_LENGTH,
  decode(r, xid) {
    const { body, flags } = readHead(r);
    return { type: 'multipartReply', xid, flags, body: body.decodeReply(r) };
  },
  encode(w, msg) {
    writeHead(w, msg.body.kind, msg.flags).encodeReply(w, msg.body);
  },
});

export const codecs = [multipartRequest, multipartReply];
