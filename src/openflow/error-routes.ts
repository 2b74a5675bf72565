import type { ErrorMsg } from '../../protocol/index.js';

/** Called when the switch answers a sent message's xid with an ERROR. */
export type SendErrorCallback = (err: ErrorMsg) => void;

const INITIAL = 64;

/**
 * The send() error callbacks of one connection, in send order: a ring of (xid, send sequence,
 * callback) in parallel arrays, so recording a send allocates nothing (this runs for
 * every FLOW_MOD and PACKET_OUT an app sends). It grows by doubling up to `max`; when full, the
 * oldest entry is dropped. A barrier reply drops everything sent before the barrier (the switch
 * has processed it, so no ERROR can follow). Lookups, on an ERROR only, scan from the newest.
 */
export class ErrorRoutes {
  #xids = new Uint32Array(INITIAL);
  #seqs = new Float64Array(INITIAL);
  #cbs: (SendErrorCallback | undefined)[] = new Array<SendErrorCallback | undefined>(INITIAL).fill(undefined);
  /** Index of the oldest entry, and the number of entries (cleared ones included). */
  #head = 0;
  #len = 0;
  #live = 0;

  constructor(private readonly max: number) {}

  /** Callbacks waiting (not yet claimed, pruned or dropped). */
  get size(): number {
    return this.#live;
  }

  add(xid: number, seq: number, cb: SendErrorCallback): void {
    if (this.#len >= this.max) this.#dropOldest();
    else if (this.#len === this.#xids.length) this.#grow();
    const i = (this.#head + this.#len) & (this.#xids.length - 1);
    this.#xids[i] = xid;
    this.#seqs[i] = seq;
    this.#cbs[i] = cb;
    this.#len++;
    this.#live++;
  }

  /** Take the newest callback for `xid` (and forget older ones for the same xid). */
  take(xid: number): SendErrorCallback | undefined {
    const mask = this.#xids.length - 1;
    let found: SendErrorCallback | undefined;
    for (let k = this.#len - 1; k >= 0; k--) {
      const i = (this.#head + k) & mask;
      const cb = this.#cbs[i];
      if (cb === undefined || this.#xids[i] !== xid) continue;
      found ??= cb;
      this.#clear(i);
    }
    return found;
  }

  /** Drop every entry sent at or before sequence number `seq`. */
  pruneUpTo(seq: number): void {
    while (this.#len > 0 && this.#seqs[this.#head]! <= seq) this.#dropOldest();
  }

  clear(): void {
    this.#cbs.fill(undefined);
    this.#head = 0;
    this.#len = 0;
    this.#live = 0;
  }

  #clear(i: number): void {
    if (this.#cbs[i] === undefined) return;
    this.#cbs[i] = undefined;
    this.#live--;
  }

  #dropOldest(): void {
    this.#clear(this.#head);
    this.#head = (this.#head + 1) & (this.#xids.length - 1);
    this.#len--;
  }

  #grow(): void {
    const n = this.#xids.length;
    const size = n * 2;
    const xids = new Uint32Array(size);
    const seqs = new Float64Array(size);
    const cbs = new Array<SendErrorCallback | undefined>(size).fill(undefined);
    for (let k = 0; k < this.#len; k++) {
      const i = (this.#head + k) & (n - 1);
      xids[k] = this.#xids[i]!;
      seqs[k] = this.#seqs[i]!;
      cbs[k] = this.#cbs[i];
    }
    this.#xids = xids;
    this.#seqs = seqs;
    this.#cbs = cbs;
    this.#head = 0;
  }
}
