/**
 * The in-memory side of an embedded store: the entries by key, the revision, transactions staged
 * against them (compares checked, prefix deletes expanded, revisions assigned) before they are
 * durable, and the watchers that hear about each one after it is. Reads see only committed
 * (durable) transactions.
 */
import { LogLineWriter } from './file-format.js';
import type { Entry, LogRecord } from './file-format.js';
import { putValue } from './plain-json.js';
import type { PreparedPuts } from './prepared-puts.js';
import { StoreError } from './store.js';
import type { Compare, KeyValue, TxnOp, WatchEvent, WatchListener } from './store.js';

/** Transactions kept for watches that start at an earlier revision. */
const HISTORY = 1024;

/** A staged transaction's changes: the last change of each key, in the order keys were first changed. */
interface Changes {
  /** Key -> index into keys/entries. */
  at: Map<string, number>;
  keys: string[];
  /** The key's entry after the transaction; null: deleted. */
  entries: (Entry | null)[];
}

export interface Staged {
  /** The record's log line (file-format.ts), when staged with `log`. */
  line: Buffer | undefined;
  /**
   * Log bytes this transaction supersedes (log-accounting.ts): a put over a live key counts
   * its own size for the value it replaces, a delete its own and the deleted value's.
   */
  superseded: number;
  succeeded: boolean;
  revision: number;
  /** The changes, for the log and commit (undefined: nothing to write). */
  changes: Changes | undefined;
}

const view = (e: Entry): KeyValue => ({ key: e[0], value: e[1], createRevision: e[2], modRevision: e[3], version: e[4] });

export class KvIndex {
  revision = 0;
  readonly entries = new Map<string, Entry>();
  #watchers = new Set<{ prefix: string; listener: WatchListener }>();
  #history: { revision: number; events: WatchEvent[] }[] = [];
  /** Transactions staged and not yet committed, oldest first. */
  #staged: Changes[] = [];
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

  /** The key's entry in the committed state plus everything staged. */
  #current(key: string): Entry | undefined {
    for (let s = this.#staged.length - 1; s >= 0; s--) {
      const c = this.#staged[s]!;
      const i = c.at.get(key);
      if (i !== undefined) return c.entries[i] ?? undefined;
    }
    return this.entries.get(key);
  }

  /**
   * Check a transaction against the committed state plus what is staged before it; stage its
   * changes under the next revision. A transaction that changes nothing takes no revision.
   * Each value is serialized once: that text goes into the log line (made here with `log`),
   * and the value kept is parsed back from it, or is the caller's own when handed over
   * (`owned`) as plain JSON. With `prepared` (prepared-puts.ts) holding exactly these
   * operations, that work was done ahead and is taken from there.
   */
  stage(compare: readonly Compare[], ops: readonly TxnOp[], log = true, prepared?: PreparedPuts): Staged {
    if (this.#staged.length === 0) this.#stagedRevision = this.revision;
    for (const c of compare) {
      if ((this.#current(c.key)?.[3] ?? 0) !== c.modRevision) return { line: undefined, superseded: 0, succeeded: false, revision: this.#stagedRevision, changes: undefined };
    }
    const rev = this.#stagedRevision + 1;
    if (prepared?.covers(ops)) return this.#stagePrepared(prepared, rev, log);
    const ch: Changes = { at: new Map(), keys: [], entries: [] };
    const texts: (string | undefined)[] = [];
    // Each changed key's entry before the transaction: the log keeps only a key's last change
    // in it, so its create revision and version follow from this one (as a replay computes them).
    const before: (Entry | undefined)[] = [];
    const change = (k: string, i: number | undefined, e: Entry | null, text: string | undefined, prev: Entry | undefined) => {
      if (i === undefined) {
        ch.at.set(k, ch.keys.length);
        ch.keys.push(k);
        ch.entries.push(e);
        texts.push(text);
        before.push(prev);
      } else {
        ch.entries[i] = e;
        texts[i] = text;
      }
    };
    for (const op of ops) {
      if (op.type === 'put') {
        const { text, value } = putValue(op);
        const i = ch.at.get(op.key);
        const prev = i !== undefined ? before[i] : this.#current(op.key);
        change(op.key, i, [op.key, value, prev?.[2] ?? rev, rev, (prev?.[4] ?? 0) + 1], text, prev);
      } else {
        const targets = op.type === 'delete' ? [op.key] : this.#keysUnder(op.prefix, ch.at);
        for (const k of targets) {
          const i = ch.at.get(k);
          const prev = i !== undefined ? (ch.entries[i] ?? undefined) : this.#current(k);
          if (prev) change(k, i, null, undefined, prev);
        }
      }
    }
    let superseded = 0;
    let estimate = 0;
    if (log) for (let i = 0; i < ch.keys.length; i++) estimate += ch.keys[i]!.length + (texts[i]?.length ?? 0) + 8;
    const w = log && ch.keys.length > 0 ? new LogLineWriter(estimate) : undefined;
    for (let i = 0; i < ch.keys.length; i++) {
      const kj = JSON.stringify(ch.keys[i]!);
      const e = ch.entries[i];
      // Sizes as the operation's text (`["p",key,value]`, `["d",key]`) has them.
      if (e) {
        w?.op(kj, texts[i]!);
        if (before[i] !== undefined) superseded += kj.length + texts[i]!.length + 8;
      } else {
        w?.op(kj, undefined);
        const piece = kj.length + 6;
        // The delete itself, and the value it removes (as its put would be about); a key put and
        // deleted in this same transaction was never written before.
        superseded += piece + 1;
        if (before[i] !== undefined) superseded += piece + (JSON.stringify(before[i]![1])?.length ?? 0);
      }
    }
    if (ch.keys.length === 0) return { line: undefined, superseded: 0, succeeded: true, revision: this.#stagedRevision, changes: undefined };
    this.#staged.push(ch);
    this.#stagedRevision = rev;
    return { line: w?.line(rev), superseded, succeeded: true, revision: rev, changes: ch };
  }

  /** Stage puts prepared ahead: each key once, so no change is overwritten within the transaction. */
  #stagePrepared(p: PreparedPuts, rev: number, log: boolean): Staged {
    const { keys, values, sizes } = p;
    const entries = new Array<Entry | null>(keys.length);
    let superseded = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const prev = this.#current(k);
      entries[i] = [k, values[i], prev?.[2] ?? rev, rev, (prev?.[4] ?? 0) + 1];
      if (prev !== undefined) superseded += sizes[i]!;
    }
    const ch: Changes = { at: p.at, keys, entries };
    const line = p.take(rev);
    this.#staged.push(ch);
    this.#stagedRevision = rev;
    return { line: log ? line : undefined, superseded, succeeded: true, revision: rev, changes: ch };
  }

  #keysUnder(prefix: string, changes: ReadonlyMap<string, unknown>): string[] {
    const keys = new Set<string>();
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) keys.add(k);
    for (const c of this.#staged) for (const k of c.at.keys()) if (k.startsWith(prefix)) keys.add(k);
    for (const k of changes.keys()) if (k.startsWith(prefix)) keys.add(k);
    return [...keys];
  }

  /** Forget everything staged (the write failed). */
  dropStaged(): void {
    this.#staged = [];
    this.#stagedRevision = this.revision;
  }

  /**
   * Apply staged transactions, now durable, in their order, then tell the watchers. The staged
   * entries are taken as they are: they were computed against this same state.
   */
  commit(staged: readonly Staged[]): void {
    for (const s of staged) {
      if (!s.changes) continue;
      const { keys, entries } = s.changes;
      const rev = s.revision;
      const events: WatchEvent[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const e = entries[i];
        const prev = this.entries.get(k);
        if (e) {
          this.entries.set(k, e);
          events[i] = prev ? { type: 'put', key: k, value: e[1], prevValue: prev[1], modRevision: rev } : { type: 'put', key: k, value: e[1], modRevision: rev };
        } else {
          // Staged against the state plus earlier staged ones: the key is live here.
          this.entries.delete(k);
          events[i] = { type: 'delete', key: k, prevValue: prev?.[1], modRevision: rev };
        }
      }
      this.revision = rev;
      this.#notify(rev, events);
    }
    this.#staged = [];
  }

  /** Apply one record to the committed state (the log replayed at open). */
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
    // Usually every event is under the prefix (a bulk of flows, and the flows' mirror): no copy then.
    let all = true;
    for (const e of events) {
      if (!e.key.startsWith(w.prefix)) {
        all = false;
        break;
      }
    }
    const mine = all ? events : events.filter((e) => e.key.startsWith(w.prefix));
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
