/**
 * Apps' writes for switches mastered by another instance, on their way to that master
 * (docs/CLUSTER.md, "Apps' writes"). Messages are encoded at once and queued per switch; the
 * queue is written to etcd once per event-loop turn, one transaction for every switch touched
 * in that turn (a packet-in that installs a path over six switches of two other masters is one
 * etcd round trip, not six). Bounded: past `maxQueued` messages waiting, more are dropped and
 * counted (etcd is slow or gone; the switches' masters handle the next packet-in themselves).
 */
import { encode } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';

/** One switch's share of a flush: base64 messages in send order. */
export interface WriteBatch {
  dpid: string;
  msgs: string[];
}

export interface ForwardQueueOptions {
  /** Write the batches (one etcd transaction); rejects when etcd refused or timed out. */
  put(batches: readonly WriteBatch[]): Promise<void>;
  /** Messages waiting at most (default 10,000). */
  maxQueued?: number;
  /** Switches per transaction at most (etcd's --max-txn-ops is 128 by default). */
  maxPerTxn?: number;
  onError(err: Error, messages: number): void;
}

export interface ForwardCounters {
  /** Messages handed to etcd for another master. */
  forwarded: number;
  /** Messages dropped: the queue was full, or etcd refused the write. */
  dropped: number;
  /** Transactions written. */
  transactions: number;
}

export class ForwardQueue {
  readonly #opts: ForwardQueueOptions;
  readonly #max: number;
  #queued = new Map<string, string[]>();
  #size = 0;
  #scheduled = false;
  #flushing = false;
  readonly counters: ForwardCounters = { forwarded: 0, dropped: 0, transactions: 0 };

  constructor(opts: ForwardQueueOptions) {
    this.#opts = opts;
    this.#max = opts.maxQueued ?? 10_000;
  }

  /** Queue messages for a switch's master; false (counted) when the queue is full. */
  push(dpid: string, msgs: readonly OfMessage[]): boolean {
    if (this.#size + msgs.length > this.#max) {
      this.counters.dropped += msgs.length;
      return false;
    }
    let list = this.#queued.get(dpid);
    if (!list) this.#queued.set(dpid, (list = []));
    for (const m of msgs) list.push(encode({ ...m, xid: 0 } as OfMessage).toString('base64'));
    this.#size += msgs.length;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    }
    return true;
  }

  /**
   * One transaction in flight at a time, so a switch's writes reach etcd (and its master) in
   * the order they were made; what is queued meanwhile goes in the next one.
   */
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queued.size > 0) {
        const per = this.#opts.maxPerTxn ?? 100;
        const part: WriteBatch[] = [];
        for (const [dpid, msgs] of this.#queued) {
          if (part.length >= per) break;
          part.push({ dpid, msgs });
        }
        let n = 0;
        for (const b of part) {
          this.#queued.delete(b.dpid);
          n += b.msgs.length;
        }
        this.#size -= n;
        this.counters.transactions++;
        try {
          await this.#opts.put(part);
          this.counters.forwarded += n;
        } catch (err) {
          this.counters.dropped += n;
          this.#opts.onError(err as Error, n);
        }
      }
    } finally {
      this.#flushing = false;
      this.#scheduled = false;
    }
  }
}
