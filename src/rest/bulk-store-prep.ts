/**
 * The store operations of a persistent bulk ADD, prepared while the switch works through the
 * flows already sent. After the last flow is sent weft mostly waits (the socket drains at the
 * rate the switch reads, barriers come back at the rate it applies), and the store phase
 * (decode each flow back, its REST form, its identity digest) used to start only after the
 * last barrier. Now the send loop calls step() whenever it would wait, and finish() does what
 * is left after the last barrier, then drops the flows the switch refused. The result is what
 * flowOps gives for the accepted flows: a put per storable flow (persistentAddPut), in their
 * order, and flowOps itself, at the end, for the others (an ADD with a timeout may delete a
 * stored flow: that reads the store, so it is not done early).
 * test/rest/persist.test.ts compares a bulk with the same flows written one by one.
 */
import { decode } from '../../protocol/index.js';
import type { FlowMod } from '../../protocol/index.js';
import type { PreparedPuts } from '../store/prepared-puts.js';
import type { TxnOp } from '../store/store.js';
import { storePutFast } from './flow-store-fast.js';
import { flowOps, persistentAddPut } from './persist.js';
import type { RestState } from './persist.js';

/** Flows prepared per step (~0.3-1 ms: the send loop's waits stay short). */
const STEP = 250;

export class BulkStorePrep {
  /** Per flow: its put, or null when flowOps decides at the end. */
  readonly #ops: (TxnOp | null)[] = [];
  /**
   * The store's own work on these puts, done in the same waits (src/store/prepared-puts.ts):
   * without it the transaction spent ~250-350 ms on 100k flows after the switch's last reply.
   */
  readonly prepared: PreparedPuts | undefined;

  constructor(
    private readonly state: RestState,
    private readonly dpid: string,
    private n: number,
    /** Flow k's FLOW_MOD bytes, as sent. */
    private readonly message: (k: number) => Uint8Array,
  ) {
    // The log text is ~260 bytes a bench flow; the buffer doubles from there as needed.
    this.prepared = state.store.prepare?.(Math.min(n, 4096) * 256);
  }

  /**
   * The flow count, once the body is all there: a prep made while the body arrives starts from
   * an upper bound (its callers step it only over flows already encoded).
   */
  setCount(n: number): void {
    this.n = n;
  }

  /** Prepare up to `count` more flows; false when every flow is prepared. */
  step(count = STEP): boolean {
    const from = this.#ops.length;
    if (from >= this.n) return false;
    for (let k = from; k < Math.min(from + count, this.n); k++) {
      const bytes = this.message(k);
      // The common shape straight from its bytes (flow-store-fast.ts), else decoded back.
      const op = storePutFast(this.dpid, bytes) ?? persistentAddPut(this.dpid, decode(bytes) as FlowMod) ?? null;
      this.#ops.push(op);
      if (op) this.prepared?.add(op);
      else this.prepared?.drop();
    }
    return true;
  }

  /** After the last barrier: the operations for the flows `accepted(k)`, in order. */
  async finish(accepted: (k: number) => boolean, pause: () => Promise<void>, slice: number): Promise<TxnOp[]> {
    while (this.step(slice)) await pause();
    const ops: TxnOp[] = [];
    for (let k = 0; k < this.n; k++) {
      if (!accepted(k)) continue;
      const op = this.#ops[k];
      if (op) ops.push(op);
      else for (const o of flowOps(this.state, this.dpid, [decode(this.message(k)) as FlowMod], true)) ops.push(o);
    }
    return ops;
  }
}

/**
 * Wait for `p`, preparing store operations meanwhile (a step, then a turn of the event loop so
 * the switch's replies are read, and again until `p` settles or nothing is left to prepare).
 */
export async function waitPreparing<T>(p: Promise<T>, prep: BulkStorePrep | undefined, pause: () => Promise<void>): Promise<T> {
  if (prep) {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && prep.step()) await pause();
  }
  return p;
}
