/**
 * The state store's contract, shaped after etcd v3 so that an etcd backend implements it as is:
 * one revision counter for the whole store, raised by every write that changes something; each
 * key carries the revision that created it, the revision of its last change and a version (number
 * of changes since it was created); a transaction compares keys' mod revisions and applies its
 * operations all or nothing; a watch delivers every change under a prefix, in revision order.
 * Values are JSON values. Every write resolves only once it is durable.
 */
import type { PreparedPuts } from './prepared-puts.js';

export interface KeyValue {
  readonly key: string;
  readonly value: unknown;
  readonly createRevision: number;
  readonly modRevision: number;
  /** Changes since the key was created (1 after the first put). */
  readonly version: number;
}

export type TxnOp =
  | {
      readonly type: 'put';
      readonly key: string;
      readonly value: unknown;
      /**
       * The caller hands `value` over: plain JSON data (objects, arrays, strings, finite
       * numbers, booleans, null) that it never touches again. The embedded stores then keep it
       * (deeply frozen) instead of a copy; a value that is not plain JSON is copied as without
       * the flag. Other backends may ignore it.
       */
      readonly owned?: boolean;
      /**
       * With `owned`: JSON.stringify(value), when the caller has it already (the bulk route
       * makes it while the switch is busy); written to the log instead of serializing again.
       */
      readonly json?: string;
    }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'deletePrefix'; readonly prefix: string };

/** Holds when the key's mod revision equals `modRevision`; 0 means "the key does not exist". */
export interface Compare {
  readonly key: string;
  readonly modRevision: number;
}

export interface TxnResult {
  /** False when a compare failed: nothing was written. */
  readonly succeeded: boolean;
  /** The store's revision after the transaction (unchanged when it wrote nothing). */
  readonly revision: number;
}

export interface WatchEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** The new value (put only). */
  readonly value?: unknown;
  readonly prevValue?: unknown;
  readonly modRevision: number;
}

/** Called once per committed transaction with its events under the watched prefix. */
export type WatchListener = (events: readonly WatchEvent[], revision: number) => void;

export interface ListResult {
  /** The store's revision the listing was taken at (watch from revision + 1 to miss nothing). */
  readonly revision: number;
  /** Sorted by key. */
  readonly items: readonly KeyValue[];
}

export interface StateStore {
  /** One line for logs and /api/v1/state: backend and location. */
  readonly description: string;
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string): Promise<ListResult>;
  /** Resolves with the store's revision once the write is durable. */
  put(key: string, value: unknown): Promise<number>;
  delete(key: string): Promise<number>;
  /**
   * All of `ops` if every compare holds, else nothing; durable when it resolves. `prepared`:
   * this store's prepare() holding these operations (work done ahead; same result without).
   */
  txn(compare: readonly Compare[], ops: readonly TxnOp[], prepared?: PreparedPuts): Promise<TxnResult>;
  /**
   * Start preparing a transaction's puts while the writer waits for something else
   * (src/store/prepared-puts.ts); stores that gain nothing from it do not have it.
   */
  prepare?(estimate?: number): PreparedPuts;
  /**
   * Changes under `prefix` after they are durable. With `fromRevision`, changes from that
   * revision on are replayed first (a StoreError 'compacted' when they are no longer known).
   * Returns the function that stops the watch.
   */
  watch(prefix: string, listener: WatchListener, opts?: { fromRevision?: number }): () => void;
  close(): Promise<void>;
}

export type StoreErrorCode = 'compacted' | 'closed' | 'write_failed' | 'bad_value';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(readonly code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The state store at start could not be used: one line naming the file and the problem. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(readonly file: string, readonly problem: string) {
    super(`state store ${file}: ${problem}`);
  }
}

/** The end of the key range of a prefix, as etcd's range_end for a prefix query. */
export function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}
