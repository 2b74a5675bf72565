/**
 * The in-memory side of an embedded store: the entries by key, the revision, transactions staged
 * against them (compares checked, prefix deletes expanded, revisions assigned) before they are
 * durable, and the watchers that hear about each one after it is. Reads see only committed
 * (durable) transactions.
 */
import type { Entry, LogOp, LogRecord } from './file-format.js';
import { StoreError } from './store.js';
import type { Compare, KeyValue, TxnOp, WatchEvent, WatchListener } from './store.js';

/** Transactions kept for watches that start at an earlier revision. */
const HISTORY = 1024;

export interface Staged {
  record: LogRecord | undefined;
  succeeded: boolean;
  revision: number;
}

const view = (e: Entry): KeyValue => ({ key: e[0], value: e[1], createRevision: e[2], modRevision: e[3], version: e[4] });

export class KvIndex {
  revision = 0;
  readonly entries = new Map<string, Entry>();
  #watchers = new Set<{ prefix: string; listener: WatchListener }>();
  #history: { revision: number; events: WatchEvent[] }[] = [];
  #overlay = new Map<string, Entry | null>();
  #stagedRevision = 0;

  get(key: string): KeyValue | undefined {
    const e = this.entries.get(key);
    return e ? view(e) : undefined;
  }

  list(prefix: string): KeyValue[] {
    const out: KeyValue[] = [];
    for (const e of this.entries.values()) if (e[0].startsWith(prefix)) out.push(view(e));
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  #current(key: string): Entry | undefined {
    const o = this.#overlay.get(key);
    return o === null ? undefined : (o ?? this.entries.get(key));
  }

  /**
   * Check a transaction against the committed state plus what is staged before it; stage its
   * changes under the next revision. A transaction that changes nothing takes no revision.
   */
  stage(compare: readonly Compare[], ops: readonly TxnOp[]): Staged {
    if (this.#overlay.size === 0) this.#stagedRevision = this.revision;
    for (const c of compare) {
      if ((this.#current(c.key)?.[3] ?? 0) !== c.modRevision) return { record: undefined, succeeded: false, revision: this.#stagedRevision };
    }
    const rev = this.#stagedRevision + 1;
    const out: LogOp[] = [];
    const changes = new Map<string, Entry | null>();
    const cur = (k: string) => (changes.has(k) ? (changes.get(k) ?? undefined) : this.#current(k));
    for (const op of ops) {
      if (op.type === 'put') {
        let text: string | undefined;
        try {
          text = JSON.stringify(op.value);
        } catch (e) {
          throw new StoreError('bad_value', `${op.key}: value is not JSON (${(e as Error).message})`);
        }
        if (text === undefined) throw new StoreError('bad_value', `${op.key}: value is not JSON`);
        const prev = cur(op.key);
        changes.set(op.key, [op.key, JSON.parse(text) as unknown, prev?.[2] ?? rev, rev, (prev?.[4] ?? 0) + 1]);
      } else {
        const keys = op.type === 'delete' ? [op.key] : this.#keysUnder(op.prefix, changes);
        for (const k of keys) if (cur(k)) changes.set(k, null);
      }
    }
    for (const [k, e] of changes) out.push(e ? ['p', k, e[1]] : ['d', k]);
    if (out.length === 0) return { record: undefined, succeeded: true, revision: this.#stagedRevision };
    for (const [k, e] of changes) this.#overlay.set(k, e);
    this.#stagedRevision = rev;
    return { record: { r: rev, o: out }, succeeded: true, revision: rev };
  }

  #keysUnder(prefix: string, changes: Map<string, Entry | null>): string[] {
    const keys = new Set<string>();
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) keys.add(k);
    for (const k of this.#overlay.keys()) if (k.startsWith(prefix)) keys.add(k);
    for (const k of changes.keys()) if (k.startsWith(prefix)) keys.add(k);
    return [...keys];
  }

  /** Forget everything staged (the write failed). */
  dropStaged(): void {
    this.#overlay.clear();
    this.#stagedRevision = this.revision;
  }

  /** Apply durable records in order, then tell the watchers. */
  commit(records: readonly LogRecord[]): void {
    for (const rec of records) this.#notify(rec.r, this.apply(rec));
    this.#overlay.clear();
  }

  /** Apply one record to the committed state (also used when the log is replayed at open). */
  apply(rec: LogRecord): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (const op of rec.o) {
      const prev = this.entries.get(op[1]);
      if (op[0] === 'p') {
        this.entries.set(op[1], [op[1], op[2], prev?.[2] ?? rec.r, rec.r, (prev?.[4] ?? 0) + 1]);
        events.push({ type: 'put', key: op[1], value: op[2], ...(prev ? { prevValue: prev[1] } : {}), modRevision: rec.r });
      } else if (prev) {
        this.entries.delete(op[1]);
        events.push({ type: 'delete', key: op[1], prevValue: prev[1], modRevision: rec.r });
      }
    }
    this.revision = rec.r;
    return events;
  }

  #notify(revision: number, events: WatchEvent[]): void {
    this.#history.push({ revision, events });
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const w of [...this.#watchers]) this.#deliver(w, revision, events);
  }

  #deliver(w: { prefix: string; listener: WatchListener }, revision: number, events: readonly WatchEvent[]): void {
    const mine = events.filter((e) => e.key.startsWith(w.prefix));
    if (mine.length > 0) w.listener(mine, revision);
  }

  watch(prefix: string, listener: WatchListener, fromRevision?: number): () => void {
    const w = { prefix, listener };
    if (fromRevision !== undefined && fromRevision <= this.revision) {
      const oldest = this.#history[0]?.revision ?? this.revision + 1;
      if (fromRevision < oldest) throw new StoreError('compacted', `revision ${fromRevision} is no longer known (oldest kept: ${oldest})`);
      for (const h of this.#history) if (h.revision >= fromRevision) this.#deliver(w, h.revision, h.events);
    }
    this.#watchers.add(w);
    return () => void this.#watchers.delete(w);
  }
}
