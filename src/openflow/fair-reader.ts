import type { Socket } from 'node:net';

/** Bytes of one connection's input handled per event-loop turn while it has a backlog. */
export const SLICE_BYTES = 4 * 1024;

/**
 * Fairness between connections. Node hands a socket's input over in chunks of up to 64 KB, and
 * one poll phase may read several chunks from every ready socket before any timer, echo request
 * or HTTP request is looked at. A busy switch's 64 KB of PACKET_INs is several milliseconds of
 * app work; sixteen of them kept a quiet switch's ECHO_REQUEST (and GET /health) waiting for
 * most of a second, long enough for the emulated switches to give up on their own answers.
 *
 * So input is consumed at most about SLICE_BYTES per connection per event-loop turn: what goes
 * beyond is cut off (at a message boundary where it can tell, see `cut`) and waits in a backlog
 * with the socket paused (TCP pushes back on the switch); each later turn (setImmediate) takes
 * the next slice. A connection within its budget has its chunks consumed at once, as before.
 */
export class FairReader {
  #backlog: Buffer[] = [];
  /** Bytes consumed since the last turn began (a drain). */
  #turnBytes = 0;
  #scheduled = false;
  #paused = false;
  readonly #drainCb = (): void => {
    this.#scheduled = false;
    this.#drain();
  };

  constructor(
    private readonly socket: Socket,
    /** Consume bytes (feed the framer). */
    private readonly consume: (bytes: Buffer) => void,
    /** True once the connection is closed: the backlog is dropped. */
    private readonly dead: () => boolean,
  ) {}

  /** Bytes read but not yet consumed. */
  get backlogBytes(): number {
    let n = 0;
    for (const b of this.#backlog) n += b.length;
    return n;
  }

  push(chunk: Buffer): void {
    if (this.#backlog.length > 0) {
      // Behind already: keep the order, the scheduled drain takes it from here.
      this.#backlog.push(chunk);
      return;
    }
    const room = SLICE_BYTES - this.#turnBytes;
    const n = chunk.length <= room ? chunk.length : room > 0 ? cut(chunk, room) : 0;
    if (n < chunk.length) {
      this.#backlog.push(n > 0 ? chunk.subarray(n) : chunk);
      this.#pause();
    }
    if (n > 0) this.#take(n === chunk.length ? chunk : chunk.subarray(0, n));
  }

  #take(bytes: Buffer): void {
    this.#turnBytes += bytes.length;
    // The next turn starts a fresh budget (and takes the next slice of a backlog).
    this.#schedule();
    this.consume(bytes);
  }

  #drain(): void {
    this.#turnBytes = 0;
    if (this.dead()) {
      this.#backlog = [];
      return;
    }
    while (this.#backlog.length > 0 && this.#turnBytes < SLICE_BYTES) {
      const head = this.#backlog[0]!;
      const room = SLICE_BYTES - this.#turnBytes;
      if (head.length <= room) {
        this.#backlog.shift();
        this.#take(head);
      } else {
        const n = cut(head, room);
        this.#backlog[0] = head.subarray(n);
        this.#take(head.subarray(0, n));
      }
      if (this.dead()) return;
    }
    if (this.#backlog.length === 0 && this.#paused) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  #pause(): void {
    if (!this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#drainCb);
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
