/**
 * The store kept in memory only (`state.dir: null`): the same semantics as the file store
 * (revisions, txn compares, watch), nothing survives the process. For embedders and tests.
 */
import { IndexedStore } from './indexed-store.js';
import { PreparedPuts } from './prepared-puts.js';
import { StoreError } from './store.js';
import type { Compare, TxnOp, TxnResult } from './store.js';

export class MemoryStore extends IndexedStore {
  readonly description = 'memory store (not persisted)';
  #closed = false;

  async txn(compare: readonly Compare[], ops: readonly TxnOp[], prepared?: PreparedPuts): Promise<TxnResult> {
    if (this.#closed) throw new StoreError('closed', 'the state store is closed');
    const s = this.index.stage(compare, ops, false, prepared);
    this.index.commit([s]);
    return { succeeded: s.succeeded, revision: s.revision };
  }

  prepare(): PreparedPuts {
    return new PreparedPuts(false);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
