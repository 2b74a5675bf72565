/**
 * Hand-built OpenFlow 1.3 bytes for the capture tool. Deliberately independent of protocol/:
 * the fixtures test the codec, so the tool that records them must not depend on it.
 */

export const OFPT = {
  HELLO: 0, ERROR: 1, ECHO_REQUEST: 2, ECHO_REPLY: 3, FEATURES_REQUEST: 5, FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7, GET_CONFIG_REPLY: 8, SET_CONFIG: 9, PACKET_IN: 10, FLOW_REMOVED: 11,
  PORT_STATUS: 12, PACKET_OUT: 13, FLOW_MOD: 14, GROUP_MOD: 15, PORT_MOD: 16, TABLE_MOD: 17,
  MULTIPART_REQUEST: 18, MULTIPART_REPLY: 19, BARRIER_REQUEST: 20, BARRIER_REPLY: 21,
  QUEUE_GET_CONFIG_REQUEST: 22, QUEUE_GET_CONFIG_REPLY: 23, ROLE_REQUEST: 24, ROLE_REPLY: 25,
  GET_ASYNC_REQUEST: 26, GET_ASYNC_REPLY: 27, SET_ASYNC: 28, METER_MOD: 29,
} as const;

export const OFPMP = {
  DESC: 0, FLOW: 1, AGGREGATE: 2, TABLE: 3, PORT_STATS: 4, QUEUE: 5, GROUP: 6, GROUP_DESC: 7,
  GROUP_FEATURES: 8, METER: 9, METER_CONFIG: 10, METER_FEATURES: 11, TABLE_FEATURES: 12, PORT_DESC: 13,
} as const;

/** An OpenFlow 1.3 message: 8-byte header + body, length filled in. */
export function ofMsg(type: number, xid: number, body: Buffer = Buffer.alloc(0), version = 4): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt8(version, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(8 + body.length, 2);
  h.writeUInt32BE(xid >>> 0, 4);
  return Buffer.concat([h, body]);
}

/** HELLO advertising OpenFlow 1.3 only (version bitmap element). */
export function hello(xid: number): Buffer {
  return ofMsg(OFPT.HELLO, xid, Buffer.from('0001000800000010', 'hex'));
}

/** ofp_multipart_request: type, flags, pad(4), body. */
export function mpRequest(mpType: number, xid: number, body: Buffer = Buffer.alloc(0), flags = 0): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(mpType, 0);
  h.writeUInt16BE(flags, 2);
  return ofMsg(OFPT.MULTIPART_REQUEST, xid, Buffer.concat([h, body]));
}

/** ofp_multipart_reply with the given body (for the fake switch). */
export function mpReply(mpType: number, xid: number, body: Buffer = Buffer.alloc(0), flags = 0): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(mpType, 0);
  h.writeUInt16BE(flags, 2);
  return ofMsg(OFPT.MULTIPART_REPLY, xid, Buffer.concat([h, body]));
}

export function u32s(...vals: number[]): Buffer {
  const b = Buffer.alloc(4 * vals.length);
  vals.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** An empty ofp_match (OXM type, length 4, padded to 8). */
export const EMPTY_MATCH = Buffer.from('0001000400000000', 'hex');

/** ofp_flow_stats_request body for all tables/ports/groups/cookies. */
export function flowStatsRequestBody(): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt8(0xff, 0); // table_id: OFPTT_ALL
  b.writeUInt32BE(0xffffffff, 4); // out_port: ANY
  b.writeUInt32BE(0xffffffff, 8); // out_group: ANY
  return Buffer.concat([b, EMPTY_MATCH]);
}

/** ofp_port (64 bytes) for the fake switch's PORT_DESC and FEATURES. */
export function ofpPort(portNo: number, mac: string, name: string): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(portNo, 0);
  Buffer.from(mac.replace(/:/g, ''), 'hex').copy(b, 8);
  b.write(name, 16, 15, 'latin1');
  b.writeUInt32BE(0x2040, 40); // curr: 10GB_FD | COPPER
  b.writeUInt32BE(10_000_000, 56); // curr_speed kbps
  return b;
}

/** Splits a byte stream into whole messages (the tool's own framer, see file comment). */
export class MiniFramer {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt16BE(2);
      if (len < 8) throw new Error(`bad OpenFlow length ${len}`);
      if (this.buf.length < len) break;
      out.push(Buffer.from(this.buf.subarray(0, len)));
      this.buf = this.buf.subarray(len);
    }
    return out;
  }
}
