import { OFPHET_VERSIONBITMAP, OFPT } from '../constants.js';
import { emptyCodec, messageCodec } from '../registry.js';
import type { HelloElement } from '../types.js';

/** HELLO with its elements (OFPHET_VERSIONBITMAP; unknown elements kept as bytes). */
export const hello = messageCodec({
  ofpType: OFPT.HELLO,
  name: 'hello',
  ofpName: 'OFPT_HELLO',
  minLength: 8,
  decode(r, xid) {
    const elements: HelloElement[] = [];
    while (r.remaining >= 4) {
      const start = r.pos;
      const elemType = r.u16();
      const len = r.u16();
      if (len < 4) r.fail(`hello element length ${len} is under 4`);
      const body = r.sub(len - 4);
      if (elemType === OFPHET_VERSIONBITMAP) {
        if (body.remaining % 4 !== 0) r.fail(`version bitmap length ${len - 4} is not a multiple of 4`);
        const bitmaps: number[] = [];
        while (body.remaining > 0) bitmaps.push(body.u32());
        elements.push({ type: 'versionBitmap', bitmaps });
      } else {
        elements.push({ type: 'unknown', elemType, data: body.rest() });
      }
      // Elements are padded to 8 bytes; a final element may end the message without padding.
      const padded = start + Math.ceil(len / 8) * 8;
      r.pos = Math.min(padded, r.end);
    }
    // Bytes too few for an element header are ignored, as the spec asks of unknown trailers.
    r.pos = r.end;
    return { type: 'hello', xid, elements };
  },
  encode(w, msg) {
    for (const e of msg.elements) {
      const start = w.pos;
      if (e.type === 'versionBitmap') {
        w.u16(OFPHET_VERSIONBITMAP);
        w.u16(4 + 4 * e.bitmaps.length);
        for (const b of e.bitmaps) w.u32(b);
      } else {
        w.u16(e.elemType);
        w.u16(4 + e.data.length);
        w.bytes(e.data);
      }
      w.padTo(start, 8);
    }
  },
});

export const echoRequest = messageCodec({
  ofpType: OFPT.ECHO_REQUEST,
  name: 'echoRequest',
  ofpName: 'OFPT_ECHO_REQUEST',
  minLength: 8,
  decode: (r, xid) => ({ type: 'echoRequest', xid, data: r.rest() }),
  encode: (w, msg) => w.bytes(msg.data),
});

export const echoReply = messageCodec({
  ofpType: OFPT.ECHO_REPLY,
  name: 'echoReply',
  ofpName: 'OFPT_ECHO_REPLY',
  minLength: 8,
  decode: (r, xid) => ({ type: 'echoReply', xid, data: r.rest() }),
  encode: (w, msg) => w.bytes(msg.data),
});

export const featuresRequest = emptyCodec(OFPT.FEATURES_REQUEST, 'featuresRequest', 'OFPT_FEATURES_REQUEST');
export const getConfigRequest = emptyCodec(OFPT.GET_CONFIG_REQUEST, 'getConfigRequest', 'OFPT_GET_CONFIG_REQUEST');
export const barrierRequest = emptyCodec(OFPT.BARRIER_REQUEST, 'barrierRequest', 'OFPT_BARRIER_REQUEST');
export const barrierReply = emptyCodec(OFPT.BARRIER_REPLY, 'barrierReply', 'OFPT_BARRIER_REPLY');
export const getAsyncRequest = emptyCodec(OFPT.GET_ASYNC_REQUEST, 'getAsyncRequest', 'OFPT_GET_ASYNC_REQUEST');

export const codecs = [hello, echoRequest, echoReply, featuresRequest, getConfigRequest, barrierRequest, barrierReply, getAsyncRequest];
