/**
 * A synchronous copy of everything under one prefix of the store, kept current by a watch:
 * what apps read in their handlers (which cannot wait) and what the switch-up path and the
 * reconciliation read as the desired state. Loaded before apps start, so reads at init see
 * the persisted configuration.
 */
import type { StateStore, WatchEvent } from './store.js';

interface Held {
  value: unknown;
  modRevision: number;
}

export class Mirror {
  #items = new Map<string, Held>();
  #listeners = new Set<(events: readonly WatchEvent[]) => void>();
  #stop: () => void = () => undefined;

  private constructor(readonly prefix: string) {}

  static async open(store: StateStore, prefix: string): Promise<Mirror> {
    const m = new Mirror(prefix);
    const listed = await store.list(prefix);
    for (const kv of listed.items) m.#items.set(kv.key, { value: kv.value, modRevision: kv.modRevision });
    m.#stop = store.watch(prefix, (events) => m.#apply(events), { fromRevision: listed.revision + 1 });
    return m;
  }

  #apply(events: readonly WatchEvent[]): void {
    for (const e of events) this.note(e.key, e.type === 'put' ? e.value : undefined, e.modRevision);
    for (const l of this.#listeners) l(events);
  }

  /** Record a change the caller knows is durable (a watch may report it later; older news is ignored). */
  note(key: string, value: unknown, modRevision: number): void {
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
    return this.#items.get(key)?.value;
  }

  /** [key, value] under a prefix (full keys), sorted by key. */
  entries(prefix = this.prefix): [string, unknown][] {
    // The keys alone, sorted by the built-in order (UTF-16 code units, as `<` compares): ~40%
    // faster than a comparator over pairs for the 100k flows a reconciliation reads.
    const keys: string[] = [];
    for (const k of this.#items.keys()) if (k.startsWith(prefix)) keys.push(k);
    keys.sort();
    const out = new Array<[string, unknown]>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, this.#items.get(keys[i]!)!.value];
    return out;
  }

  /** Whether anything is held under a prefix (without listing it). */
  any(prefix = this.prefix): boolean {
    for (const k of this.#items.keys()) if (k.startsWith(prefix)) return true;
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
