/**
 * The embedded default backend (docs/STATE.md): the whole store in memory, a JSON snapshot and
 * an append-only log of transactions on disk (file-format.ts). Writes queued while a write is
 * on its way to the disk go out together as one append and one fdatasync (group commit), so
 * concurrent REST writes share the cost of a sync; each write resolves after its sync. Once at
 * least half of snapshot and log is superseded (log-accounting.ts), the snapshot is rewritten
 * (temporary file, fsync, rename, fsync of the directory) and the log starts over.
 */
import { open, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMAT_VERSION, LOG_FILE, logHeader, MIGRATIONS, SNAPSHOT_FILE, snapshotText } from './file-format.js';
import type { Migration } from './file-format.js';
import type { KvIndex, Staged } from './kv-index.js';
import type { LogAccounting } from './log-accounting.js';
import { IndexedStore } from './indexed-store.js';
import { PreparedPuts } from './prepared-puts.js';
import { loadStateDir, lockStateDir, syncDir } from './file-load.js';
import { StoreError } from './store.js';
import type { Compare, TxnOp, TxnResult } from './store.js';

export interface FileStoreOptions {
  /** The format version this weft writes (tests of the migration hook change it). */
  formatVersion?: number;
  migrations?: Readonly<Record<number, Migration>>;
  /**
   * Rewrite the snapshot once the log is larger than this (bytes; default 1 MiB) and at least
   * half of snapshot and log is superseded (log-accounting.ts).
   */
  compactBytes?: number;
  /** Told about a torn last log line that was dropped at open, and about migrations. */
  onNotice?: (msg: string) => void;
}

interface Pending {
  compare: readonly Compare[];
  ops: readonly TxnOp[];
  prepared: PreparedPuts | undefined;
  resolve: (r: TxnResult) => void;
  reject: (e: unknown) => void;
}

export class FileStore extends IndexedStore {
  readonly description: string;
  #log: FileHandle;
  #logSize: number;
  #snapshotSize: number;
  #accounting: LogAccounting;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #running = false;
  #closed = false;
  #broken: Error | undefined;

  private constructor(
    readonly dir: string,
    readonly formatVersion: number,
    private readonly opts: FileStoreOptions,
    private readonly unlock: () => Promise<void>,
    index: KvIndex,
    log: FileHandle,
    logSize: number,
    snapshotSize: number,
    accounting: LogAccounting,
  ) {
    super(index);
    this.description = `file store in ${dir} (format version ${formatVersion})`;
    this.#log = log;
    this.#logSize = logSize;
    this.#snapshotSize = snapshotSize;
    this.#accounting = accounting;
  }

  /** Open (or create) the store in `dir`; a StoreOpenError names the file and the problem. */
  static async open(dir: string, opts: FileStoreOptions = {}): Promise<FileStore> {
    const version = opts.formatVersion ?? FORMAT_VERSION;
    const unlock = await lockStateDir(dir);
    try {
      const loaded = await loadStateDir(dir, version, opts.migrations ?? MIGRATIONS, opts.onNotice);
      const log = await open(join(dir, LOG_FILE), 'r+');
      const store = new FileStore(dir, version, opts, unlock, loaded.index, log, loaded.logSize, loaded.snapshotSize, loaded.accounting);
      if (loaded.migrated) await store.#compact();
      return store;
    } catch (e) {
      await unlock();
      throw e;
    }
  }

  prepare(estimate?: number): PreparedPuts {
    return new PreparedPuts(true, estimate);
  }

  txn(compare: readonly Compare[], ops: readonly TxnOp[], prepared?: PreparedPuts): Promise<TxnResult> {
    if (this.#closed) return Promise.reject(new StoreError('closed', 'the state store is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise<TxnResult>((resolve, reject) => {
      this.#queue.push({ compare, ops, prepared, resolve, reject });
      if (!this.#running) this.#flushing = this.#flushAll();
    });
  }

  /** Write batches until the queue is empty; never rejects (errors go to the writers). */
  async #flushAll(): Promise<void> {
    this.#running = true;
    // Let the writes of this turn of the event loop join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      await this.#flushBatch(batch);
      if (this.#accounting.due(this.#logSize, this.#snapshotSize, this.opts.compactBytes ?? 1 << 20)) {
        try {
          await this.#compact();
        } catch (e) {
          this.#broken = new StoreError('write_failed', `state store ${this.dir}: rewriting the snapshot failed (${(e as Error).message})`, { cause: e });
        }
      }
    }
    // Synchronously after the last emptiness check: a txn queued from now on starts a new run.
    this.#running = false;
  }

  async #flushBatch(batch: Pending[]): Promise<void> {
    const results: { p: Pending; r?: TxnResult; err?: unknown }[] = [];
    const staged: Staged[] = [];
    const lines: Buffer[] = [];
    let superseded = 0;
    for (const p of batch) {
      try {
        const s = this.index.stage(p.compare, p.ops, true, p.prepared);
        if (s.changes) {
          staged.push(s);
          lines.push(s.line!);
          superseded += s.superseded;
        }
        results.push({ p, r: { succeeded: s.succeeded, revision: s.revision } });
      } catch (err) {
        results.push({ p, err });
      }
    }
    if (staged.length > 0) {
      // One bulk transaction is one line: written as it is, not copied into a batch buffer.
      const buf = lines.length === 1 ? lines[0]! : Buffer.concat(lines);
      try {
        if (this.#broken) throw this.#broken;
        await this.#log.write(buf, 0, buf.length, this.#logSize);
        await this.#log.datasync();
      } catch (e) {
        this.index.dropStaged();
        // Cut a partly written record off so later appends follow a whole line.
        await this.#log.truncate(this.#logSize).catch(() => {
          this.#broken ??= new StoreError('write_failed', `state store ${this.dir}: cannot repair the log after a failed write`);
        });
        const err = e instanceof StoreError ? e : new StoreError('write_failed', `state store ${this.dir}: write failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
        for (const x of results) (x.err ? x.p.reject(x.err) : x.p.reject(err));
        return;
      }
      this.#logSize += buf.length;
      this.#accounting.add(superseded);
      this.index.commit(staged);
    }
    for (const x of results) (x.err ? x.p.reject(x.err) : x.p.resolve(x.r!));
  }

  /** Write the snapshot of everything committed and start an empty log. */
  async #compact(): Promise<void> {
    const text = snapshotText(this.formatVersion, this.index.revision, this.index.entries.values());
    await writeDurably(this.dir, SNAPSHOT_FILE, text);
    await this.#log.close();
    await writeDurably(this.dir, LOG_FILE, logHeader(this.formatVersion));
    this.#log = await open(join(this.dir, LOG_FILE), 'r+');
    this.#snapshotSize = Buffer.byteLength(text);
    this.#logSize = (await this.#log.stat()).size;
    this.#accounting.reset();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing;
    await this.#log.close();
    await this.unlock();
  }
}

/** Replace `dir/name` atomically: a temporary file, fsynced, renamed over it, the directory fsynced. */
export async function writeDurably(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dir, `${name}.tmp-${process.pid}`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await syncDir(dir);
}
