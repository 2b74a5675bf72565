/**
 * Data apps share between cluster instances (ctx.cluster, apps/sdk/cluster.ts), in etcd under
 * `<prefix>shared/`:
 * - `secret`: 32 random bytes drawn by the first instance (create-if-absent), the same for all;
 * - `apps/<app>/<instance>/<key>`: one instance's entries, on its lease, so a dead instance's
 *   entries go when its lease expires (the TTL).
 * Writes are coalesced per key (only the latest value is written) and flushed every interval,
 * at most `maxOpsPerFlush` keys per flush: an app may publish on every change without turning
 * each into an etcd write. Both sides are bounded: keys an app publishes, value size, and the
 * other instances' entries this instance keeps. A new lease (rejoin after a lost membership)
 * gets every entry written again.
 */
import { randomBytes } from 'node:crypto';
import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import type { AppCluster, SharedChange } from '../../apps/sdk/index.js';
import { rangeEnd } from '../store/etcd-store.js';

export interface SharedOptions {
  client: Etcd3;
  /** The cluster's key prefix, e.g. 'weft/'. */
  prefix: string;
  name: string;
  /** The lease to put entries on (undefined while not a member). */
  leaseId: () => string | undefined;
  timeoutMs: number;
  /** Told of other instances' changes, per app, in commit order. */
  onChange: (app: string, changes: SharedChange[]) => void;
  log: { warn(o: unknown, m?: string): void };
  /** Flush interval (ms), default 200. */
  intervalMs?: number;
  maxOpsPerFlush?: number;
  maxKeysPerApp?: number;
  maxValueBytes?: number;
  /** Other instances' entries kept at most, all apps together. */
  maxRemote?: number;
}

export interface SharedCounters {
  /** Keys written (puts and deletes). */
  written: number;
  /** publish() refused: key cap or value size. */
  refused: number;
  /** Other instances' entries not kept: the cap. */
  remoteRefused: number;
  flushErrors: number;
}

const TXN_OPS = 100;

export class SharedData {
  readonly secret: Uint8Array;
  readonly counters: SharedCounters = { written: 0, refused: 0, remoteRefused: 0, flushErrors: 0 };
  readonly #o: Required<SharedOptions>;
  readonly #root: string;
  /** Our entries as last published (JSON text), per app. */
  readonly #mine = new Map<string, Map<string, string>>();
  /** Keys to write next ("app\0key"); the value is read from #mine (absent: delete). */
  #dirty = new Set<string>();
  /** Other instances' entries: "app/instance/key" -> value. */
  readonly #remote = new Map<string, SharedChange & { app: string }>();
  #lease: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #watcher: Watcher | undefined;
  #flushing = false;

  private constructor(opts: SharedOptions, secret: Uint8Array) {
    this.#o = { intervalMs: 200, maxOpsPerFlush: 500, maxKeysPerApp: 50_000, maxValueBytes: 4096, maxRemote: 200_000, ...opts };
    this.#root = `${opts.prefix}shared/`;
    this.secret = secret;
  }

  static async open(opts: SharedOptions): Promise<SharedData> {
    const secret = await sharedSecret(opts.client, `${opts.prefix}shared/secret`, opts.timeoutMs);
    const s = new SharedData(opts, secret);
    const apps = Buffer.from(`${s.#root}apps/`);
    const res = await opts.client.kv.range({ key: apps, range_end: rangeEnd(apps) }, { deadline: Date.now() + opts.timeoutMs });
    s.#apply((res.kvs as IKeyValue[]).map((kv) => ({ kv, put: true })));
    s.#watcher = await opts.client.watch().prefix(apps.toString()).startRevision(String(Number(res.header.revision) + 1)).create();
    s.#watcher.on('data', (w: IWatchResponse) => s.#apply(w.events.map((e) => ({ kv: e.kv, put: e.type === 'Put' }))));
    s.#watcher.on('error', (err: Error) => opts.log.warn({ err: err.message }, 'cluster: watch of shared app data failed'));
    s.#timer = setInterval(() => void s.#flush(), s.#o.intervalMs);
    s.#timer.unref();
    return s;
  }

  /** ctx.cluster for one app. */
  forApp(app: string): AppCluster {
    return {
      instance: this.#o.name,
      secret: this.secret,
      publish: (key, value) => this.publish(app, key, value),
      entries: () => [...this.#remote.values()].filter((e) => e.app === app).map(({ instance, key, value }) => ({ instance, key, value })),
    };
  }

  publish(app: string, key: string, value: unknown): boolean {
    let mine = this.#mine.get(app);
    if (!mine) this.#mine.set(app, (mine = new Map()));
    if (value === undefined) {
      if (!mine.delete(key)) return true;
      this.#dirty.add(`${app}\0${key}`);
      return true;
    }
    const text = JSON.stringify(value);
    if (text.length > this.#o.maxValueBytes || key.length === 0 || key.length > 512 || (!mine.has(key) && mine.size >= this.#o.maxKeysPerApp)) {
      this.counters.refused++;
      return false;
    }
    if (mine.get(key) === text) return true;
    mine.set(key, text);
    this.#dirty.add(`${app}\0${key}`);
    return true;
  }

  /** Keys published by this instance, all apps. */
  get publishedCount(): number {
    let n = 0;
    for (const m of this.#mine.values()) n += m.size;
    return n;
  }

  get remoteCount(): number {
    return this.#remote.size;
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    const lease = this.#o.leaseId();
    if (lease === undefined) return;
    if (lease !== this.#lease) {
      // A new lease: the entries on the old one are gone (or going); write them all again.
      this.#lease = lease;
      for (const [app, m] of this.#mine) for (const key of m.keys()) this.#dirty.add(`${app}\0${key}`);
    }
    if (this.#dirty.size === 0) return;
    this.#flushing = true;
    const taken: string[] = [];
    for (const d of this.#dirty) {
      if (taken.length >= this.#o.maxOpsPerFlush) break;
      taken.push(d);
    }
    for (const d of taken) this.#dirty.delete(d);
    try {
      for (let i = 0; i < taken.length; i += TXN_OPS) {
        const ops = taken.slice(i, i + TXN_OPS).map((d) => {
          const [app, key] = d.split('\0') as [string, string];
          const k = Buffer.from(`${this.#root}apps/${app}/${this.#o.name}/${key}`);
          const text = this.#mine.get(app)?.get(key);
          return text === undefined ? { request_delete_range: { key: k } } : { request_put: { key: k, value: Buffer.from(text), lease } };
        });
        await this.#o.client.kv.txn({ compare: [], success: ops, failure: [] }, { deadline: Date.now() + this.#o.timeoutMs });
        this.counters.written += ops.length;
      }
    } catch (e) {
      // Written again next time (a newer value, if any, is what goes).
      for (const d of taken) this.#dirty.add(d);
      if (this.counters.flushErrors++ % 50 === 0) this.#o.log.warn({ err: (e as Error).message, keys: taken.length }, 'cluster: shared app data not written (retried)');
    } finally {
      this.#flushing = false;
    }
  }

  #apply(events: readonly { kv: IKeyValue; put: boolean }[]): void {
    const byApp = new Map<string, SharedChange[]>();
    const base = `${this.#root}apps/`;
    for (const { kv, put } of events) {
      const rel = kv.key.toString().slice(base.length);
      const a = rel.indexOf('/');
      const b = rel.indexOf('/', a + 1);
      if (a <= 0 || b <= a + 1 || b === rel.length - 1) continue;
      const app = rel.slice(0, a);
      const instance = rel.slice(a + 1, b);
      const key = rel.slice(b + 1);
      if (instance === this.#o.name) continue;
      let value: unknown;
      if (put) {
        try {
          value = JSON.parse(kv.value.toString());
        } catch {
          continue;
        }
        if (!this.#remote.has(rel) && this.#remote.size >= this.#o.maxRemote) {
          this.counters.remoteRefused++;
          continue;
        }
        this.#remote.set(rel, { app, instance, key, value });
      } else if (!this.#remote.delete(rel)) continue;
      let list = byApp.get(app);
      if (!list) byApp.set(app, (list = []));
      list.push({ instance, key, value });
    }
    for (const [app, changes] of byApp) {
      try {
        this.#o.onChange(app, changes);
      } catch (e) {
        this.#o.log.warn({ app, err: (e as Error).message }, 'cluster: shared app data not delivered');
      }
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#watcher?.cancel().catch(() => undefined);
  }
}

/** The cluster's shared secret: created by the first instance, read by every other one. */
async function sharedSecret(client: Etcd3, key: string, timeoutMs: number): Promise<Uint8Array> {
  const k = Buffer.from(key);
  const mine = randomBytes(32).toString('base64');
  const deadline = () => ({ deadline: Date.now() + timeoutMs });
  await client.kv.txn({ compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }], success: [{ request_put: { key: k, value: Buffer.from(mine) } }], failure: [] }, deadline());
  const res = await client.kv.range({ key: k }, deadline());
  const text = (res.kvs as IKeyValue[])[0]?.value.toString();
  const bytes = Buffer.from(text ?? '', 'base64');
  if (bytes.length < 16) throw new Error(`etcd key ${key}: not a shared secret (${bytes.length} bytes)`);
  return new Uint8Array(bytes);
}
