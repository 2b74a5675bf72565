/**
 * A synchronous copy of everything under one prefix of the store, kept current by a watch:
 * what apps read in their handlers (which cannot wait) and what the switch-up path and the
 * reconciliation read as the desired state. Loaded before apps start, so reads at init see
 * the persisted configuration.
 *
 * Over an embedded store (file or memory: its index is in this process and committed before a
 * write resolves) the mirror reads that index instead of keeping a copy: a persistent bulk of
 * 100k flows no longer builds a second map of them (~40-60 ms and ~10 MB per 100k).
 */
import type { Entry } from './file-format.js';
import { IndexedStore } from './indexed-store.js';
import type { StateStore, WatchEvent } from './store.js';

interface Held {
  value: unknown;
  modRevision: number;
}

export class Mirror {
  #items = new Map<string, Held>();
  /** An embedded store's committed entries, read in place (then #items stays empty). */
  #view: ReadonlyMap<string, Entry> | undefined;
  #listeners = new Set<(events: readonly WatchEvent[]) => void>();
  #stop: () => void = () => undefined;

  private constructor(readonly prefix: string) {}

  static async open(store: StateStore, prefix: string): Promise<Mirror> {
    const m = new Mirror(prefix);
    if (store instanceof IndexedStore) {
      m.#view = store.committed;
      m.#stop = store.watch(prefix, (events) => m.#tell(events));
      return m;
    }
    const listed = await store.list(prefix);
    for (const kv of listed.items) m.#items.set(kv.key, { value: kv.value, modRevision: kv.modRevision });
    m.#stop = store.watch(prefix, (events) => m.#apply(events), { fromRevision: listed.revision + 1 });
    return m;
  }

  #apply(events: readonly WatchEvent[]): void {
    for (const e of events) this.note(e.key, e.type === 'put' ? e.value : undefined, e.modRevision);
    this.#tell(events);
  }

  #tell(events: readonly WatchEvent[]): void {
    for (const l of this.#listeners) l(events);
  }

  /**
   * Record a change the caller knows is durable (a watch may report it later; older news is
   * ignored). A view has it already: the store's index is committed before the write resolves.
   */
  note(key: string, value: unknown, modRevision: number): void {
    if (this.#view) return;
    const cur = this.#items.get(key);
    if (cur && cur.modRevision > modRevision) return;
    if (value === undefined) this.#items.delete(key);
    else if (cur) {
      // In place: a bulk that rewrites 100k flows allocates nothing here.
      cur.value = value;
      cur.modRevision = modRevision;
    } else this.#items.set(key, { value, modRevision });
  }

  get(key: string): unknown {
    if (this.#view) return key.startsWith(this.prefix) ? this.#view.get(key)?.[1] : undefined;
    return this.#items.get(key)?.value;
  }

  /** The keys held (a view: every key of the store, filtered by the caller). */
  #keys(): IterableIterator<string> {
    return this.#view ? this.#view.keys() : this.#items.keys();
  }

  /** [key, value] under a prefix (full keys), sorted by key. */
  entries(prefix = this.prefix): [string, unknown][] {
    // The keys alone, sorted by the built-in order (UTF-16 code units, as `<` compares): ~40%
    // faster than a comparator over pairs for the 100k flows a reconciliation reads.
    const keys: string[] = [];
    for (const k of this.#keys()) if (k.startsWith(prefix) && k.startsWith(this.prefix)) keys.push(k);
    keys.sort();
    const out = new Array<[string, unknown]>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, this.get(keys[i]!)];
    return out;
  }

  /** Whether anything is held under a prefix (without listing it). */
  any(prefix = this.prefix): boolean {
    for (const k of this.#keys()) if (k.startsWith(prefix) && k.startsWith(this.prefix)) return true;
    return false;
  }

  onChange(listener: (events: readonly WatchEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  close(): void {
    this.#stop();
    this.#listeners.clear();
  }
}
