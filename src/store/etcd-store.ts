/**
 * The state store on etcd v3 (docs/CLUSTER.md): the same contract as the embedded stores, with
 * etcd's own revisions, compares and watches. Every key lives under a root prefix (one etcd can
 * hold several weft clusters); values are JSON text. Every unary call carries a deadline, so a
 * lost or leaderless etcd fails a write with a clear error instead of stalling it.
 */
import { Etcd3 } from 'etcd3';
import type { IKeyValue, IRequestOp, IWatchResponse } from 'etcd3';
import { StoreError } from './store.js';
import type { Compare, KeyValue, ListResult, StateStore, TxnOp, TxnResult, WatchEvent, WatchListener } from './store.js';

/** Keys fetched per range call when listing (a listing is consistent: later pages use the first page's revision). */
const PAGE = 1000;

export interface EtcdStoreOptions {
  /** Client URLs, e.g. ['http://127.0.0.1:2379']. */
  endpoints: readonly string[];
  /** Prefix of every key of this store in etcd, e.g. 'weft/state/'. */
  root: string;
  /** Deadline of every unary call (ms). */
  timeoutMs: number;
  /** A watch that etcd ended (compaction, cancel): the watcher is gone; the owner decides. */
  onWatchError?: (prefix: string, err: Error) => void;
}

/** The end of the byte range of keys starting with `prefix` (etcd's range_end for a prefix). */
export function rangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

const num = (s: string | number | undefined): number => Number(s ?? 0);

function jsonText(key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new StoreError('bad_value', `${key}: value is not JSON (${(e as Error).message})`);
  }
  if (text === undefined) throw new StoreError('bad_value', `${key}: value is not JSON`);
  return text;
}

export class EtcdStore implements StateStore {
  readonly description: string;
  readonly client: Etcd3;
  #closed = false;
  #stops = new Set<() => void>();

  constructor(readonly opts: EtcdStoreOptions) {
    this.description = `etcd store at ${opts.endpoints.join(',')} (prefix ${opts.root})`;
    this.client = new Etcd3({
      hosts: [...opts.endpoints],
      dialTimeout: opts.timeoutMs,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + opts.timeoutMs }),
    });
  }

  #key(key: string): Buffer {
    return Buffer.from(this.opts.root + key);
  }

  #view(kv: IKeyValue): KeyValue {
    const key = kv.key.toString().slice(this.opts.root.length);
    return { key, value: JSON.parse(kv.value.toString()) as unknown, createRevision: num(kv.create_revision), modRevision: num(kv.mod_revision), version: num(kv.version) };
  }

  #open(): void {
    if (this.#closed) throw new StoreError('closed', 'the state store is closed');
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (/too many operations/.test((e as Error).message)) {
        throw new StoreError('write_failed', `etcd ${what} failed: the transaction has more operations than etcd's --max-txn-ops allows (docs/CLUSTER.md)`, { cause: e });
      }
      throw new StoreError('write_failed', `etcd ${what} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.#call('get', () => this.client.kv.range({ key: this.#key(key) }));
    return res.kvs[0] ? this.#view(res.kvs[0]) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    const start = this.#key(prefix);
    const end = rangeEnd(start);
    const items: KeyValue[] = [];
    let from = start;
    let revision: number | undefined;
    for (;;) {
      const rev = revision;
      const res = await this.#call('list', () => this.client.kv.range({ key: from, range_end: end, limit: PAGE, ...(rev ? { revision: rev } : {}) }));
      revision ??= num(res.header.revision);
      for (const kv of res.kvs) items.push(this.#view(kv));
      if (!res.more || res.kvs.length === 0) break;
      from = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
    return { revision, items };
  }

  async put(key: string, value: unknown): Promise<number> {
    return (await this.txn([], [{ type: 'put', key, value }])).revision;
  }

  async delete(key: string): Promise<number> {
    return (await this.txn([], [{ type: 'delete', key }])).revision;
  }

  async txn(compare: readonly Compare[], ops: readonly TxnOp[]): Promise<TxnResult> {
    this.#open();
    const success = this.#requests(ops);
    const res = await this.#call('write', () =>
      this.client.kv.txn({
        compare: compare.map((c) => ({ key: this.#key(c.key), target: 'Mod', result: 'Equal', mod_revision: c.modRevision })),
        success,
        failure: [],
      }),
    );
    return { succeeded: res.succeeded, revision: num(res.header.revision) };
  }

  /**
   * etcd refuses a transaction that touches one key twice; the contract applies operations in
   * order, so only the last operation on a key is kept (a prefix delete drops the operations
   * before it under its prefix). A put under a prefix deleted earlier in the same transaction
   * cannot be expressed in one etcd transaction and is refused.
   */
  #requests(ops: readonly TxnOp[]): IRequestOp[] {
    const last = new Map<string, TxnOp>();
    const prefixes: string[] = [];
    for (const op of ops) {
      if (op.type === 'deletePrefix') {
        for (const k of [...last.keys()]) if (k.startsWith(op.prefix)) last.delete(k);
        prefixes.push(op.prefix);
        continue;
      }
      const under = prefixes.some((p) => op.key.startsWith(p));
      if (under && op.type === 'put') throw new StoreError('bad_value', `${op.key}: a put under a prefix deleted in the same transaction is not supported by the etcd backend`);
      last.delete(op.key);
      if (!under) last.set(op.key, op);
    }
    const out: IRequestOp[] = [];
    for (const p of new Set(prefixes)) {
      const k = this.#key(p);
      out.push({ request_delete_range: { key: k, range_end: rangeEnd(k) } });
    }
    for (const op of last.values()) {
      if (op.type === 'put') out.push({ request_put: { key: this.#key(op.key), value: Buffer.from(jsonText(op.key, op.value)) } });
      else if (op.type === 'delete') out.push({ request_delete_range: { key: this.#key(op.key) } });
    }
    return out;
  }

  watch(prefix: string, listener: WatchListener, opts: { fromRevision?: number } = {}): () => void {
    this.#open();
    let b = this.client.watch().prefix(this.opts.root + prefix).withPreviousKV();
    if (opts.fromRevision !== undefined) b = b.startRevision(String(opts.fromRevision));
    const watcher = b.watcher();
    watcher.on('data', (res: IWatchResponse) => this.#deliver(res, listener));
    watcher.on('error', (err: Error) => {
      const e = /compact/i.test(err.message) ? new StoreError('compacted', `watch of ${prefix}: ${err.message}`, { cause: err }) : err;
      this.opts.onWatchError?.(prefix, e);
    });
    const stop = () => {
      this.#stops.delete(stop);
      void watcher.cancel().catch(() => undefined);
    };
    this.#stops.add(stop);
    return stop;
  }

  /** One listener call per revision, in order (a watch response may carry several). */
  #deliver(res: IWatchResponse, listener: WatchListener): void {
    let group: WatchEvent[] = [];
    let rev = 0;
    for (const ev of res.events) {
      const r = num(ev.kv.mod_revision);
      if (group.length > 0 && r !== rev) listener(group, rev);
      if (r !== rev) group = [];
      rev = r;
      const key = ev.kv.key.toString().slice(this.opts.root.length);
      const prev = ev.prev_kv ? { prevValue: JSON.parse(ev.prev_kv.value.toString()) as unknown } : {};
      if (ev.type === 'Put') group.push({ type: 'put', key, value: JSON.parse(ev.kv.value.toString()) as unknown, ...prev, modRevision: r });
      else group.push({ type: 'delete', key, ...prev, modRevision: r });
    }
    if (group.length > 0) listener(group, rev);
  }

  /** etcd's health as one line of facts: reachable, its revision and leader, or the error. */
  async health(): Promise<{ ok: boolean; revision?: number; leader?: string; error?: string }> {
    try {
      const s = await this.client.maintenance.status();
      return { ok: true, revision: num(s.header.revision), leader: s.leader };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of [...this.#stops]) stop();
    this.client.close();
  }
}
