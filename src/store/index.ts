/** The state store (docs/STATE.md): the interface, its backends and what is built on it. */
export type { Compare, KeyValue, ListResult, StateStore, TxnOp, TxnResult, WatchEvent, WatchListener } from './store.js';
export { StoreError, StoreOpenError } from './store.js';
export { FileStore } from './file-store.js';
export { MemoryStore } from './memory-store.js';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';
import type { StateStore } from './store.js';

/** The store for `state.dir`: the file store there, or a memory store for null. */
export async function openStateStore(dir: string | null, onNotice?: (msg: string) => void): Promise<StateStore> {
  return dir === null ? new MemoryStore() : FileStore.open(dir, { onNotice });
}
