import { struct, pad, u32 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { decodePacketQueues, encodePacketQueues } from '../queue-prop.js';
import { messageCodec } from '../registry.js';

/** ofp_queue_get_config_request / _reply up to the reply's queues. */
const head = struct('ofp_queue_get_config', 8, [['port', u32], pad(4)]);

export const queueGetConfigRequest = messageCodec({
  ofpType: OFPT.QUEUE_GET_CONFIG_REQUEST,
  name: 'queueGetConfigRequest',
  ofpName: 'OFPT_QUEUE_GET_CONFIG_REQUEST',
  minLength: 8 + head.size,
  decode: (r, xid) => ({ type: 'queueGetConfigRequest', xid, ...head.decode(r) }),
  encode: (w, msg) => head.encode(w, msg),
});

export const queueGetConfigReply = messageCodec({
  ofpType: OFPT.QUEUE_GET_CONFIG_REPLY,
  name: 'queueGetConfigReply',
  ofpName: 'OFPT_QUEUE_GET_CONFIG_REPLY',
  minLength: 8 + head.size,
  decode(r, xid) {
    const { port } = head.decode(r);
    return { type: 'queueGetConfigReply', xid, port, queues: decodePacketQueues(r) };
  },
  encode(w, msg) {
    head.encode(w, msg);
    encodePacketQueues(w, msg.queues);
  },
});

export const codecs = [queueGetConfigRequest, queueGetConfigReply];
