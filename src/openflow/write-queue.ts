import type { Socket } from 'node:net';
import { encodeInto, onf, OFPT, Writer } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';

/** A batch buffer up to this size is reused once the socket has written it. */
const REUSE_MAX = 256 * 1024;

/**
 * The write path of one connection. Messages are encoded straight into one growing buffer and
 * written with a single socket.write per batch: at the end of the event-loop turn
 * (setImmediate), or earlier when the connection calls flush() after handling an input chunk.
 * A socket.write per message costs microseconds, a batch costs one. The queue is bounded: when what we hold plus
 * what the socket could not yet hand to the kernel exceeds `maxQueuedBytes`, `onOverflow` is
 * called (the connection closes: a switch that stops reading must not grow our memory).
 */
export class WriteQueue {
  private w: Writer;
  private scheduled = false;
  private disposed = false;
  private readonly flushCb = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly socket: Socket,
    private readonly maxQueuedBytes: number,
    private readonly onOverflow: (queuedBytes: number) => void,
    /** Optional per-ofp_type counts of messages pushed (OpenFlowStats.tx). */
    private readonly counts?: Float64Array,
  ) {
    this.w = new Writer(2048);
  }

  /** Bytes encoded but not yet handed to the socket. */
  get queuedBytes(): number {
    return this.w.pos;
  }

  /** Bytes held by us and by the socket's own buffer. */
  get totalQueuedBytes(): number {
    return this.w.pos + this.socket.writableLength;
  }

  /**
   * Encode `msg` into the batch, under `xid` when given (written into the encoded header, so
   * the caller need not copy the message to change its xid). A message that cannot be encoded
   * throws OfCodecError and leaves the batch as it was.
   */
  push(msg: OfMessage, xid?: number): void {
    if (this.disposed) return;
    const start = this.w.pos;
    // Appends in place without making a Buffer view per message; on error the batch is unchanged.
    encodeInto(msg, this.w);
    if (xid !== undefined && xid !== msg.xid) {
      this.w.dv.setUint32(start + 4, xid >>> 0);
      this.#sameInnerXid(start, xid);
    }
    this.#queued(start);
  }

  /** A message now sits at `start`: count it, schedule the flush, enforce the bound. */
  #queued(start: number): void {
    if (this.counts) this.counts[this.w.buf[start + 1]!]!++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushCb);
    }
    const total = this.w.pos + this.socket.writableLength;
    if (total > this.maxQueuedBytes) this.onOverflow(total);
  }

  /** Append one message encoded already, with `xid` written into our copy of its header. */
  pushEncoded(bytes: Uint8Array, xid: number): void {
    if (this.disposed) return;
    const start = this.w.pos;
    this.w.ensure(bytes.length);
    this.w.buf.set(bytes, start);
    this.w.pos = start + bytes.length;
    this.w.dv.setUint32(start + 4, xid >>> 0);
    this.#sameInnerXid(start, xid);
    this.#queued(start);
  }

  /** A bundle add's inner message must carry the outer xid (EXT-230): give it the one just written. */
  #sameInnerXid(start: number, xid: number): void {
    const b = this.w.buf;
    if (b[start + 1] !== OFPT.EXPERIMENTER) return;
    const at = onf.bundleAddInnerXidAt(b, start, this.w.pos);
    if (at >= 0) this.w.dv.setUint32(start + at, xid >>> 0);
  }

  /** Hand the batch to the socket now. */
  flush(): void {
    if (this.disposed || this.w.pos === 0) return;
    if (this.socket.destroyed || !this.socket.writable) {
      this.w.pos = 0;
      return;
    }
    const out = this.w.finish();
    this.socket.write(out);
    if (this.socket.writableLength === 0 && this.w.buf.length <= REUSE_MAX) {
      // Written to the kernel already (Node keeps no reference to a buffer it wrote at once,
      // and counts every byte it still holds in writableLength): reuse the buffer rather than
      // allocate one per turn, which the garbage collector would then have to free.
      this.w.pos = 0;
    } else {
      // The socket keeps a reference to `out` until it is written: start a fresh buffer, sized
      // like this batch so a busy connection does not regrow it every turn.
      this.w = new Writer(Math.min(Math.max(2048, out.length), 1 << 20));
    }
  }

  /** Drop anything queued and ignore later pushes. */
  dispose(): void {
    this.disposed = true;
    this.w.pos = 0;
  }
}
