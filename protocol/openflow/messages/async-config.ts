import { struct, u32 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';
import type { AsyncConfig } from '../types.js';

/**
 * ofp_async_config after the header: each mask is an array of two u32, [0] for the
 * master/equal role and [1] for the slave role.
 */
const body = struct('ofp_async_config', 24, [
  ['packetIn0', u32],
  ['packetIn1', u32],
  ['portStatus0', u32],
  ['portStatus1', u32],
  ['flowRemoved0', u32],
  ['flowRemoved1', u32],
]);

type Flat = Parameters<typeof body.encode>[1];

function toPairs(f: Flat): AsyncConfig {
  return {
    packetInMask: [f.packetIn0, f.packetIn1],
    portStatusMask: [f.portStatus0, f.portStatus1],
    flowRemovedMask: [f.flowRemoved0, f.flowRemoved1],
  };
}

function toFlat(c: AsyncConfig): Flat {
  return {
    packetIn0: c.packetInMask[0],
    packetIn1: c.packetInMask[1],
    portStatus0: c.portStatusMask[0],
    portStatus1: c.portStatusMask[1],
    flowRemoved0: c.flowRemovedMask[0],
    flowRemoved1: c.flowRemovedMask[1],
  };
}

export const getAsyncReply = messageCodec({
  ofpType: OFPT.GET_ASYNC_REPLY,
  name: 'getAsyncReply',
  ofpName: 'OFPT_GET_ASYNC_REPLY',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'getAsyncReply', xid, ...toPairs(body.decode(r)) }),
  encode: (w, msg) => body.encode(w, toFlat(msg)),
});

export const setAsync = messageCodec({
  ofpType: OFPT.SET_ASYNC,
  name: 'setAsync',
  ofpName: 'OFPT_SET_ASYNC',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'setAsync', xid, ...toPairs(body.decode(r)) }),
  encode: (w, msg) => body.encode(w, toFlat(msg)),
});

export const codecs = [getAsyncReply, setAsync];
