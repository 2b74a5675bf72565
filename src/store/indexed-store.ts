/**
 * What the memory and file stores share: reads, single-key writes and watches answered from one
 * in-memory KvIndex. Each store says how a transaction is made durable (`txn`) and how it closes.
 */
import type { Entry } from './file-format.js';
import { KvIndex } from './kv-index.js';
import type { PreparedPuts } from './prepared-puts.js';
import type { Compare, KeyValue, ListResult, StateStore, TxnOp, TxnResult, WatchListener } from './store.js';

export abstract class IndexedStore implements StateStore {
  abstract readonly description: string;

  constructor(protected readonly index: KvIndex = new KvIndex()) {}

  /** The committed entries by key, read in place (Mirror over an embedded store); never written through. */
  get committed(): ReadonlyMap<string, Entry> {
    return this.index.entries;
  }

  get revision(): number {
    return this.index.revision;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    return this.index.get(key);
  }

  async list(prefix: string): Promise<ListResult> {
    return { revision: this.index.revision, items: this.index.list(prefix) };
  }

  async put(key: string, value: unknown): Promise<number> {
    return (await this.txn([], [{ type: 'put', key, value }])).revision;
  }

  async delete(key: string): Promise<number> {
    return (await this.txn([], [{ type: 'delete', key }])).revision;
  }

  watch(prefix: string, listener: WatchListener, opts: { fromRevision?: number } = {}): () => void {
    return this.index.watch(prefix, listener, opts.fromRevision);
  }

  abstract txn(compare: readonly Compare[], ops: readonly TxnOp[], prepared?: PreparedPuts): Promise<TxnResult>;
  abstract prepare(estimate?: number): PreparedPuts;
  abstract close(): Promise<void>;
}
