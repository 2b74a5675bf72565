/**
 * A transaction's puts worked on before the transaction, while the writer waits for something
 * else: the bulk route adds each flow's put while the switch applies the flows, and commits
 * once the switch has accepted them. What does not depend on the store's state is done here:
 * each value's text and the value kept (adopted or copied, as KvIndex.stage does), the key's
 * JSON, the log line's operations, and the key -> position map (which also hashes each key
 * once, so the later map inserts find the hash cached). Staging it then only looks up each key's
 * current entry and writes the revision.
 *
 * It helps only a transaction of exactly these operations, in this order, each key once; any
 * other transaction (a flow refused by the switch, a key twice, a delete) is staged as usual
 * and gives the same result. test/store/prepared-puts.test.ts compares the two.
 */
import { LogLineWriter } from './file-format.js';
import { putValue } from './plain-json.js';
import type { TxnOp } from './store.js';

export class PreparedPuts {
  /** The operations added, in order. */
  readonly ops: TxnOp[] = [];
  readonly keys: string[] = [];
  /** The value each key keeps (the put's own, adopted, or a copy parsed from its text). */
  readonly values: unknown[] = [];
  /** Key -> position. */
  readonly at = new Map<string, number>();
  /** Per key: the log bytes its put supersedes when the key is live (log-accounting.ts). */
  readonly sizes: number[] = [];
  #line: LogLineWriter | undefined;
  #usable = true;

  /** `log`: build the log line too (the file store); `estimate`: its length, about. */
  constructor(log: boolean, estimate = 0) {
    if (log) this.#line = new LogLineWriter(estimate);
  }

  /** The next operation of the transaction. One that cannot be prepared ends the preparation. */
  add(op: TxnOp): void {
    if (!this.#usable) return;
    if (op.type !== 'put' || this.at.has(op.key)) return this.drop();
    let put: { text: string; value: unknown };
    try {
      put = putValue(op);
    } catch {
      // The transaction's own staging reports it.
      return this.drop();
    }
    const kj = JSON.stringify(op.key);
    this.at.set(op.key, this.keys.length);
    this.ops.push(op);
    this.keys.push(op.key);
    this.values.push(put.value);
    this.sizes.push(kj.length + put.text.length + 8);
    this.#line?.op(kj, put.text);
  }

  /** Give up: the transaction is staged as usual, and the memory goes now. */
  drop(): void {
    // Once taken, the arrays are the staged transaction's.
    if (!this.#usable) return;
    this.#usable = false;
    this.#line = undefined;
    this.ops.length = 0;
    this.keys.length = 0;
    this.values.length = 0;
    this.sizes.length = 0;
    this.at.clear();
  }

  /** Whether this holds exactly `ops`, in their order, and is still unused. */
  covers(ops: readonly TxnOp[]): boolean {
    if (!this.#usable || ops.length === 0 || ops.length !== this.ops.length) return false;
    for (let i = 0; i < ops.length; i++) if (ops[i] !== this.ops[i]) return false;
    return true;
  }

  /** The log line at `revision` (undefined without `log`); the preparation is used up. */
  take(revision: number): Buffer | undefined {
    this.#usable = false;
    const line = this.#line?.line(revision);
    this.#line = undefined;
    return line;
  }
}
