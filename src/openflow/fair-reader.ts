import type { Socket } from 'node:net';
import { sharedTurnScheduler } from './turn-scheduler.js';
import type { Drainable, TurnScheduler } from './turn-scheduler.js';

/** Bytes of one connection's input handled at a time (a slice) while it has a backlog. */
export const SLICE_BYTES = 4 * 1024;

/**
 * A connection that has consumed at most this much in a turn has a chunk this small consumed at
 * once even when the turn's budget is spent: an ECHO_REQUEST, a BARRIER_REPLY or a quiet
 * switch's PACKET_IN costs microseconds, and making it wait a turn is what made echo round trips
 * long under load. Busy switches' reads are kilobytes, so they do not qualify.
 */
export const SMALL_BYTES = 256;

/**
 * Backlog above which the socket is paused. Pausing and resuming a socket costs a trip through
 * Node's stream machinery (a nextTick, a read(0), a readStop/readStart), which under load was
 * ~10% of weft's CPU when done at every backlog; below this much a backlog just waits in memory
 * for its slices (Node reads at most 64 KB per chunk, so a connection holds at most about
 * this plus one chunk). Above it, TCP pushes back on the switch.
 */
export const PAUSE_ABOVE_BYTES = 128 * 1024;

/**
 * Fairness between connections. Node hands a socket's input over in chunks of up to 64 KB, and
 * one poll phase may read several chunks from every ready socket before any timer, echo request
 * or HTTP request is looked at. A busy switch's 64 KB of PACKET_INs is several milliseconds of
 * app work; sixteen of them kept a quiet switch's ECHO_REQUEST (and GET /health) waiting for
 * most of a second, long enough for the emulated switches to give up on their own answers.
 *
 * So input is consumed a slice (about SLICE_BYTES, cut at a message boundary where it can
 * tell, see `cut`) at a time: as it arrives, at most one slice per connection per turn, and
 * only while the turn's time budget (TurnScheduler, shared by every connection) lasts; what
 * goes beyond waits in a backlog (with the socket paused once the backlog passes
 * PAUSE_ABOVE_BYTES: TCP pushes back on the switch), and
 * the scheduler's drain hands out further slices, one per connection in turn, until the
 * budget is spent. A quiet connection's chunk is consumed at once, and a few
 * hundred bytes (SMALL_BYTES) per connection and turn are consumed at once even past the budget.
 */
export class FairReader implements Drainable {
  #backlog: Buffer[] = [];
  #backlogBytes = 0;
  /** Bytes consumed as input arrived in the scheduler's turn `#turn`. */
  #turnBytes = 0;
  #turn = -1;
  #paused = false;
  /** Bytes of the message in progress that the next chunk starts with (the echo scan's place). */
  #skip = 0;
  /** A message header split between chunks: its first bytes, kept until the rest arrives. */
  #hdr: number[] = [];
  /** The scan met a length below 8: the framer will close the connection, stop looking. */
  #lost = false;

  constructor(
    private readonly socket: Socket,
    /** Consume bytes (feed the framer). */
    private readonly consume: (bytes: Buffer) => void,
    /** True once the connection is closed: the backlog is dropped. */
    private readonly dead: () => boolean,
    private readonly scheduler: TurnScheduler = sharedTurnScheduler,
    /** Pause the socket while the backlog is above this many bytes. */
    private readonly pauseAboveBytes: number = PAUSE_ABOVE_BYTES,
    /**
     * Offered every whole ECHO_REQUEST (OpenFlow 1.3) that has to wait in the backlog, as it
     * arrives; true if it was answered (the connection then skips its reply when the framer
     * reaches it). Echo replies carry no state, so answering one ahead of the PACKET_INs read
     * before it changes nothing else; a switch behind a backlog of them otherwise waits for
     * its liveness answer until they are all handled.
     */
    private readonly earlyEcho?: (frame: Buffer) => boolean,
  ) {}

  /** Bytes read but not yet consumed. */
  get backlogBytes(): number {
    return this.#backlogBytes;
  }

  push(chunk: Buffer): void {
    if (this.#backlog.length > 0) {
      // Behind already (and queued): keep the order, the scheduler's drain takes it from here.
      if (this.earlyEcho) this.#scan(chunk, 0);
      this.#backlog.push(chunk);
      this.#backlogBytes += chunk.length;
      if (this.#backlogBytes > this.pauseAboveBytes) this.#pause();
      return;
    }
    const sched = this.scheduler;
    if (this.#turn !== sched.turn) {
      this.#turn = sched.turn;
      this.#turnBytes = 0;
    }
    const room = SLICE_BYTES - this.#turnBytes;
    let n = 0;
    if (room > 0 && (sched.mayConsumeNow || this.#turnBytes + chunk.length <= SMALL_BYTES)) n = chunk.length <= room ? chunk.length : cut(chunk, room);
    if (this.earlyEcho) this.#scan(chunk, n < chunk.length ? n : chunk.length);
    if (n < chunk.length) {
      const rest = n > 0 ? chunk.subarray(n) : chunk;
      this.#backlog.push(rest);
      this.#backlogBytes = rest.length;
      if (this.#backlogBytes > this.pauseAboveBytes) this.#pause();
      sched.enqueue(this, n > 0);
    }
    if (n > 0) {
      this.#turnBytes += n;
      const t0 = sched.now();
      this.consume(n === chunk.length ? chunk : chunk.subarray(0, n));
      sched.spent(sched.now() - t0);
    }
  }

  /**
   * Walk the message headers of `chunk` (every chunk, in order, to keep the place) and offer
   * the ECHO_REQUESTs that start at or after `from` (the part that waits in the backlog) and
   * lie whole within the chunk. A few byte reads per message; one split across chunks is left
   * to the ordinary path.
   */
  #scan(chunk: Buffer, from: number): void {
    if (this.#lost) return;
    let off = 0;
    if (this.#hdr.length > 0) {
      // Complete the header split at the last chunk's end, for its length.
      const need = 8 - this.#hdr.length;
      if (chunk.length < need) {
        for (let i = 0; i < chunk.length; i++) this.#hdr.push(chunk[i]!);
        return;
      }
      for (let i = 0; i < need; i++) this.#hdr.push(chunk[i]!);
      const len = (this.#hdr[2]! << 8) | this.#hdr[3]!;
      const had = this.#hdr.length - need;
      this.#hdr = [];
      if (len < 8) {
        this.#lost = true;
        return;
      }
      this.#skip = len - had;
    }
    if (this.#skip > 0) {
      if (this.#skip >= chunk.length) {
        this.#skip -= chunk.length;
        return;
      }
      off = this.#skip;
      this.#skip = 0;
    }
    const end = chunk.length;
    while (off + 8 <= end) {
      const len = (chunk[off + 2]! << 8) | chunk[off + 3]!;
      if (len < 8) {
        this.#lost = true;
        return;
      }
      if (off + len > end) {
        this.#skip = off + len - end;
        return;
      }
      // OFPT_ECHO_REQUEST is type 2 in OpenFlow 1.3.
      if (chunk[off + 1] === 2 && chunk[off] === 4 && off >= from) this.earlyEcho!(chunk.subarray(off, off + len));
      off += len;
    }
    for (; off < end; off++) this.#hdr.push(chunk[off]!);
  }

  /** The scheduler's turn for this reader: one slice of the backlog. */
  drainSlice(): boolean {
    if (this.dead()) {
      this.#backlog = [];
      this.#backlogBytes = 0;
      return false;
    }
    const head = this.#backlog[0];
    if (head === undefined) return this.#caughtUp();
    if (head.length <= SLICE_BYTES) {
      this.#backlog.shift();
      this.#backlogBytes -= head.length;
      this.consume(head);
    } else {
      const n = cut(head, SLICE_BYTES);
      this.#backlog[0] = head.subarray(n);
      this.#backlogBytes -= n;
      this.consume(head.subarray(0, n));
    }
    if (this.dead()) {
      this.#backlog = [];
      this.#backlogBytes = 0;
      return false;
    }
    return this.#backlog.length > 0 || this.#caughtUp();
  }

  /** Backlog empty: read again. Always false (nothing left for the scheduler). */
  #caughtUp(): boolean {
    if (this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
    return false;
  }

  #pause(): void {
    if (!this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }
}

/**
 * Where to cut `buf` to consume at most about `max` bytes: the end of the last whole OpenFlow
 * message within `max` when `buf` starts at a message boundary (it then never splits a message,
 * so the framer copies nothing), or `max` itself when no message ends there (a message longer
 * than `max`, or a chunk starting mid-message: the framer copes with any split).
 */
export function cut(buf: Buffer, max: number): number {
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = (buf[off + 2]! << 8) | buf[off + 3]!;
    if (len < 8 || off + len > max) break;
    off += len;
  }
  return off > 0 ? off : Math.min(max, buf.length);
}
