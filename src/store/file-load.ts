/**
 * Opening the file store's directory: the lock against a second weft on the same directory,
 * orphaned temporary files, the snapshot and the log replayed into memory, a torn last log
 * line dropped, and the format version checked and migrated. Every problem is a StoreOpenError
 * naming the file: weft never starts empty over a store it cannot read.
 */
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLogRecord, LOCK_FILE, LOG_FILE, logHeader, parseLogLine, parseSnapshot, SNAPSHOT_FILE, snapshotText } from './file-format.js';
import type { Migration } from './file-format.js';
import { KvIndex } from './kv-index.js';
import { LogAccounting } from './log-accounting.js';
import { StoreOpenError } from './store.js';

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EROFS') return 'read-only file system';
  return code ?? (e as Error).message;
};

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Directories this process holds open (a second open in one process is refused too). */
const held = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Take the directory's lock file (created if need be); returns its release. */
export async function lockStateDir(dir: string): Promise<() => Promise<void>> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new StoreOpenError(dir, `cannot create the state directory (${reason(e)})`);
  }
  const file = join(dir, LOCK_FILE);
  if (held.has(file)) throw new StoreOpenError(dir, 'already open in this process');
  let other: number | undefined;
  try {
    other = Number.parseInt(await readFile(file, 'utf8'), 10);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreOpenError(file, `cannot read the lock file (${reason(e)})`);
  }
  // A lock left by a process that died (kill -9) is taken over; one held by a live process is not.
  if (other !== undefined && Number.isInteger(other) && other !== process.pid && alive(other)) {
    throw new StoreOpenError(dir, `in use by another weft (pid ${other}, lock file ${LOCK_FILE})`);
  }
  try {
    await writeFile(file, `${process.pid}\n`);
  } catch (e) {
    throw new StoreOpenError(file, `cannot write the lock file (${reason(e)})`);
  }
  held.add(file);
  return async () => {
    held.delete(file);
    await rm(file, { force: true });
  };
}

export interface Loaded {
  index: KvIndex;
  logSize: number;
  snapshotSize: number;
  /** What of snapshot and log is superseded (when to rewrite the snapshot). */
  accounting: LogAccounting;
  /** The store was migrated to the current version in memory: write it back. */
  migrated: boolean;
}

async function readOrMissing(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreOpenError(file, `cannot read it (${reason(e)})`);
  }
}

export async function loadStateDir(dir: string, version: number, migrations: Readonly<Record<number, Migration>>, notice?: (msg: string) => void): Promise<Loaded> {
  const snapFile = join(dir, SNAPSHOT_FILE);
  const logFile = join(dir, LOG_FILE);
  try {
    // Temporary files of a write that a crash interrupted: never renamed, so never part of the store.
    for (const name of await readdir(dir)) {
      if ((name.startsWith(`${SNAPSHOT_FILE}.tmp-`) || name.startsWith(`${LOG_FILE}.tmp-`))) await rm(join(dir, name), { force: true });
    }
  } catch (e) {
    throw new StoreOpenError(dir, `cannot list the state directory (${reason(e)})`);
  }
  let snapText = await readOrMissing(snapFile);
  let logBuf = await readOrMissing(logFile);
  if (snapText === undefined) {
    if (logBuf !== undefined) throw new StoreOpenError(snapFile, `missing, but ${LOG_FILE} exists (restore the snapshot or move both away)`);
    snapText = Buffer.from(snapshotText(version, 0, []));
    try {
      await writeFile(snapFile, snapText, { flush: true });
    } catch (e) {
      throw new StoreOpenError(snapFile, `cannot create it (${reason(e)})`);
    }
  }
  let snap;
  try {
    snap = parseSnapshot(snapText.toString('utf8'));
  } catch (problem) {
    throw new StoreOpenError(snapFile, typeof problem === 'string' ? problem : String(problem));
  }
  if (snap.version > version) throw new StoreOpenError(snapFile, `format version ${snap.version} was written by a newer weft (this one reads up to ${version})`);
  if (snap.version < version) {
    for (let v = snap.version; v < version; v++) if (!migrations[v]) throw new StoreOpenError(snapFile, `format version ${snap.version} cannot be migrated (no migration from version ${v})`);
  }
  if (logBuf === undefined) {
    if (snap.revision !== 0 || snap.entries.size > 0) throw new StoreOpenError(logFile, `missing, but ${SNAPSHOT_FILE} holds data (restore the log or move both away)`);
    logBuf = logHeader(snap.version);
    try {
      await writeFile(logFile, logBuf, { flush: true });
      await syncDir(dir);
    } catch (e) {
      throw new StoreOpenError(logFile, `cannot create it (${reason(e)})`);
    }
  }
  const index = new KvIndex();
  for (const e of snap.entries.values()) index.entries.set(e[0], e);
  index.revision = snap.revision;
  const accounting = new LogAccounting();
  const logSize = replayLog(logFile, logBuf, snap.version, index, accounting, notice);
  if (logSize < logBuf.length) {
    try {
      const fh = await open(logFile, 'r+');
      await fh.truncate(logSize);
      await fh.sync();
      await fh.close();
    } catch (e) {
      throw new StoreOpenError(logFile, `cannot cut off its torn last line (${reason(e)})`);
    }
  }
  let migrated = false;
  for (let v = snap.version; v < version; v++) {
    migrations[v]!(index.entries);
    notice?.(`state store migrated from format version ${v} to ${v + 1}`);
    migrated = true;
  }
  return { index, logSize, snapshotSize: snapText.length, accounting, migrated };
}

/** Apply the log's records after the snapshot; returns the length of its whole lines. */
function replayLog(file: string, buf: Buffer, version: number, index: KvIndex, accounting: LogAccounting, notice?: (msg: string) => void): number {
  let pos = 0;
  let line = 0;
  while (pos < buf.length) {
    line++;
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    const parsed = parseLogLine(buf.subarray(pos, end));
    if (!parsed.ok || nl < 0) {
      const problem = parsed.ok ? 'incomplete' : parsed.problem;
      // Only the last line can be torn: a write cut short before its sync, never acknowledged.
      if (nl < 0 || nl === buf.length - 1) {
        if (line === 1) throw new StoreOpenError(file, `line 1 (the header): ${problem}`);
        notice?.(`state store ${file}: dropped a torn last line (${problem}), a write that never completed`);
        return pos;
      }
      throw new StoreOpenError(file, `line ${line}: ${problem} (the log is damaged)`);
    }
    const o = parsed.json as { format?: unknown; version?: unknown };
    if (line === 1) {
      if (o?.format !== 'weft-state-log') throw new StoreOpenError(file, 'line 1: not a weft state log header');
      if (o.version !== version) throw new StoreOpenError(file, `format version ${String(o.version)} differs from the snapshot's ${version}`);
    } else {
      if (!isLogRecord(parsed.json)) throw new StoreOpenError(file, `line ${line}: not a transaction record`);
      const rec = parsed.json;
      if (rec.r > index.revision) {
        if (rec.r !== index.revision + 1) throw new StoreOpenError(file, `line ${line}: revision ${rec.r} follows ${index.revision} (records are missing)`);
        accounting.replayed(rec, end - pos + 1, (k) => index.entries.has(k));
        index.apply(rec);
      } else accounting.add(end - pos + 1);
    }
    pos = end + 1;
  }
  return pos;
}
