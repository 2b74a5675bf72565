import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u16, u32 } from '../wire/struct.js';
import { checkBytes, checkUint, closeEntry, within } from '../wire/tlv.js';
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

/** Encode queue properties, each padded to 8 bytes. */
export function encodeQueueProps(w: Writer, props: readonly QueueProperty[]): void {
  for (const p of props) {
    const start = w.pos;
    switch (p.type) {
      case 'minRate':
      case 'maxRate':
        checkUint('queue rate', p.rate, 0xffff, badValue);
        propHeader.encode(w, { property: p.type === 'minRate' ? OFPQT.MIN_RATE : OFPQT.MAX_RATE, len: RATE_LEN });
        rateBody.encode(w, p);
        break;
      case 'experimenter':
        checkUint('queue experimenter', p.experimenter, 0xffffffff, badValue);
        propHeader.encode(w, { property: OFPQT.EXPERIMENTER, len: 0 });
        experimenterBody.encode(w, p);
        w.bytes(checkBytes('queue property data', p.data, badValue));
        break;
      case 'unknown':
        checkUint('queue property type', p.propType, 0xffff, badValue);
        propHeader.encode(w, { property: p.propType, len: 0 });
        w.bytes(checkBytes('queue property data', p.data, badValue));
        break;
      default:
        badValue(`unknown queue property type ${JSON.stringify((p as { type: unknown }).type)}`);
    }
    closeEntry(w, start, 2, 8, 'queue property', badLen);
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
    const properties = within(r, start + len, decodeQueueProps);
    out.push({ queueId: h.queueId, port: h.port, properties });
  }
  return out;
}

export function encodePacketQueues(w: Writer, queues: readonly PacketQueue[]): void {
  for (const q of queues) {
    checkUint('queue id', q.queueId, 0xffffffff, badValue);
    checkUint('queue port', q.port, 0xffffffff, badValue);
    const start = w.pos;
    packetQueue.encode(w, { queueId: q.queueId, port: q.port, len: 0 });
    encodeQueueProps(w, q.properties);
    closeEntry(w, start, 8, 1, 'packet queue', badLen);
  }
}
