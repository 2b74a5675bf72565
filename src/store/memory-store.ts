/**
 * The store kept in memory only (`state.dir: null`): the same semantics as the file store
 * (revisions, txn compares, watch), nothing survives the process. For embedders and tests.
 */
import { KvIndex } from './kv-index.js';
import { StoreError } from './store.js';
import type { Compare, KeyValue, ListResult, StateStore, TxnOp, TxnResult, WatchListener } from './store.js';

export class MemoryStore implements StateStore {
  readonly description = 'memory store (not persisted)';
  #index = new KvIndex();
  #closed = false;

  async get(key: string): Promise<KeyValue | undefined> {
    return this.#index.get(key);
  }

  async list(prefix: string): Promise<ListResult> {
    return { revision: this.#index.revision, items: this.#index.list(prefix) };
  }

  async put(key: string, value: unknown): Promise<number> {
    return (await this.txn([], [{ type: 'put', key, value }])).revision;
  }

  async delete(key: string): Promise<number> {
    return (await this.txn([], [{ type: 'delete', key }])).revision;
  }

  async txn(compare: readonly Compare[], ops: readonly TxnOp[]): Promise<TxnResult> {
    if (this.#closed) throw new StoreError('closed', 'the state store is closed');
    const s = this.#index.stage(compare, ops);
    if (s.record) this.#index.commit([s.record]);
    return { succeeded: s.succeeded, revision: s.revision };
  }

  watch(prefix: string, listener: WatchListener, opts: { fromRevision?: number } = {}): () => void {
    return this.#index.watch(prefix, listener, opts.fromRevision);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
