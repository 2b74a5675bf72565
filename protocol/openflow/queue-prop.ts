import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u16, u32 } from '../wire/struct.js';
import { OFPQT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBRC, OFPET } from './error-codes.js';
import type { PacketQueue, QueueProperty } from './types.js';

/** ofp_queue_prop_header (8 bytes), then the property body. */
const propHeader = struct('ofp_queue_prop_header', 8, [['property', u16], ['len', u16], pad(4)]);
/** ofp_queue_prop_min_rate / max_rate body: rate in 1/10 of a percent. */
const rateBody = struct('ofp_queue_prop_rate body', 8, [['rate', u16], pad(6)]);
const experimenterBody = struct('ofp_queue_prop_experimenter body', 8, [['experimenter', u32], pad(4)]);
/** ofp_packet_queue without its properties. */
const packetQueue = struct('ofp_packet_queue', 16, [['queueId', u32], ['port', u32], ['len', u16], pad(6)]);
const RATE_LEN = 16;

/** There is no length code under OFPET_QUEUE_OP_FAILED, so lengths use BAD_REQUEST/BAD_LEN. */
function badLen(detail: string): never {
  throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, detail);
}

/** Decode the queue properties filling the reader's window. */
export function decodeQueueProps(r: Reader): QueueProperty[] {
  const out: QueueProperty[] = [];
  while (r.pos < r.end) {
    const left = r.end - r.pos;
    if (left < propHeader.size) badLen(`queue property needs 8 bytes at offset ${r.pos}, ${left} left`);
    const start = r.pos;
    const type = r.dv.getUint16(start);
    const len = r.dv.getUint16(start + 2);
    const isRate = type === OFPQT.MIN_RATE || type === OFPQT.MAX_RATE;
    const min = isRate || type === OFPQT.EXPERIMENTER ? RATE_LEN : propHeader.size;
    if (len < min || len % 8 !== 0 || len > left || (isRate && len !== RATE_LEN)) {
      badLen(`queue property type ${type} length ${len} is invalid (a multiple of 8, at least ${min}, at most the ${left} bytes left)`);
    }
    const end = start + len;
    propHeader.decode(r);
    if (isRate) {
      out.push({ type: type === OFPQT.MIN_RATE ? 'minRate' : 'maxRate', rate: rateBody.decode(r).rate });
    } else if (type === OFPQT.EXPERIMENTER) {
      const { experimenter } = experimenterBody.decode(r);
      out.push({ type: 'experimenter', experimenter, data: r.bytes(end - r.pos) });
    } else {
      out.push({ type: 'unknown', propType: type, data: r.bytes(end - r.pos) });
    }
  }
  return out;
}

function badValue(detail: string): never {
  throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, detail);
}

function checkUint(what: string, v: unknown, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) badValue(`queue ${what} ${JSON.stringify(v)} is not an integer in 0..${max}`);
}

function checkBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) badValue('queue property data must be a Uint8Array');
  return v;
}

/** Encode queue properties, each padded to 8 bytes. */
export function encodeQueueProps(w: Writer, props: readonly QueueProperty[]): void {
  for (const p of props) {
    const start = w.pos;
    switch (p.type) {
      case 'minRate':
      case 'maxRate':
        checkUint('rate', p.rate, 0xffff);
        propHeader.encode(w, { property: p.type === 'minRate' ? OFPQT.MIN_RATE : OFPQT.MAX_RATE, len: RATE_LEN });
        rateBody.encode(w, p);
        break;
      case 'experimenter':
        checkUint('experimenter', p.experimenter, 0xffffffff);
        propHeader.encode(w, { property: OFPQT.EXPERIMENTER, len: 0 });
        experimenterBody.encode(w, p);
        w.bytes(checkBytes(p.data));
        break;
      case 'unknown':
        checkUint('property type', p.propType, 0xffff);
        propHeader.encode(w, { property: p.propType, len: 0 });
        w.bytes(checkBytes(p.data));
        break;
      default:
        badValue(`unknown queue property type ${JSON.stringify((p as { type: unknown }).type)}`);
    }
    w.padTo(start, 8);
    const len = w.pos - start;
    if (len > 0xffff) badLen(`queue property of ${len} bytes exceeds 65535`);
    w.patchU16(start + 2, len);
  }
}

/** Decode the ofp_packet_queue list filling the reader's window (queue-get-config reply). */
export function decodePacketQueues(r: Reader): PacketQueue[] {
  const out: PacketQueue[] = [];
  while (r.pos < r.end) {
    const left = r.end - r.pos;
    if (left < packetQueue.size) badLen(`packet queue needs ${packetQueue.size} bytes at offset ${r.pos}, ${left} left`);
    const start = r.pos;
    const len = r.dv.getUint16(start + 8);
    if (len < packetQueue.size || len > left) {
      badLen(`packet queue length ${len} is invalid (at least ${packetQueue.size}, at most the ${left} bytes left)`);
    }
    const h = packetQueue.decode(r);
    const outerEnd = r.end;
    r.end = start + len;
    let properties: QueueProperty[];
    try {
      properties = decodeQueueProps(r);
    } finally {
      r.end = outerEnd;
    }
    out.push({ queueId: h.queueId, port: h.port, properties });
  }
  return out;
}

export function encodePacketQueues(w: Writer, queues: readonly PacketQueue[]): void {
  for (const q of queues) {
    checkUint('id', q.queueId, 0xffffffff);
    checkUint('port', q.port, 0xffffffff);
    const start = w.pos;
    packetQueue.encode(w, { queueId: q.queueId, port: q.port, len: 0 });
    encodeQueueProps(w, q.properties);
    const len = w.pos - start;
    if (len > 0xffff) badLen(`packet queue of ${len} bytes exceeds 65535`);
    w.patchU16(start + 8, len);
  }
}
