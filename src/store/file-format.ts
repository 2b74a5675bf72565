/**
 * The on-disk form of the file store, two files in the state directory:
 *
 * - `weft-state.json`, the snapshot: `{"format":"weft-state","version":V,"revision":R,
 *   "entries":[[key,value,createRevision,modRevision,version],...]}`, replaced only by writing a
 *   temporary file, fsyncing it and renaming it over the old one.
 * - `weft-state.log`, the changes after the snapshot, one transaction a line:
 *   `CRC32 {"r":revision,"o":[["p",key,value],["d",key],...]}`, after a header line
 *   `CRC32 {"format":"weft-state-log","version":V}`. The CRC (8 hex digits, over the JSON text)
 *   tells a torn last line (a write that never completed, so never acknowledged: dropped) from
 *   damage in the middle (the store is refused).
 *
 * FORMAT_VERSION numbers the meaning of keys and values; MIGRATIONS[v] turns a version-v store
 * into version v+1, run at open before anything reads the store.
 */
import * as zlib from 'node:zlib';

export const SNAPSHOT_FILE = 'weft-state.json';
export const LOG_FILE = 'weft-state.log';
export const LOCK_FILE = 'weft-state.lock';
export const FORMAT_VERSION = 1;

/** A stored entry: [key, value, createRevision, modRevision, version]. */
export type Entry = [string, unknown, number, number, number];

/** Rewrites a store's entries from one format version to the next (in place). */
export type Migration = (entries: Map<string, Entry>) => void;

/** MIGRATIONS[v]: version v -> v + 1. Empty while only version 1 exists. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export type LogOp = ['p', string, unknown] | ['d', string];
export interface LogRecord {
  r: number;
  o: LogOp[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib's) in JavaScript: the reference, and the fallback before Node 20.15. */
export function crc32Js(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// zlib's own crc32 (Node >= 20.15) is the same function, ~20x faster on a 15 MB bulk record.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export const crc32: (buf: Uint8Array) => number = nativeCrc32 ? (buf) => nativeCrc32(buf) : crc32Js;

/** One log line (with its newline) for a JSON text, in one buffer (no concatenation). */
export function logLine(json: string): Buffer {
  const n = Buffer.byteLength(json, 'utf8');
  const line = Buffer.allocUnsafe(9 + n + 1);
  line.write(json, 9, n, 'utf8');
  line.write(`${crc32(line.subarray(9, 9 + n)).toString(16).padStart(8, '0')} `, 0, 9, 'latin1');
  line[9 + n] = 0x0a;
  return line;
}

/**
 * A log record's line written piece by piece into one buffer, as the transaction is staged:
 * `CRC32 {"r":revision,"o":[op,op,...]}` and the newline, byte for byte what logLine makes of
 * JSON.stringify({ r, o }) of the record. A bulk of 100k flows used to keep 100k operation texts
 * (young-generation objects, copied by each scavenge), join them into a 26 MB string and encode
 * that into the line; now each text is encoded into the line once and can die at once.
 */
/** Room kept in front of a line's operations for `CRC32 {"r":revision,"o":[` (revisions up to 2^53). */
const HEAD = 9 + 32;

export class LogLineWriter {
  #buf: Buffer;
  #pos = HEAD;
  #ops = 0;

  /**
   * `estimate`: the record's length in characters, about (the buffer grows as needed). The
   * revision is written last (line()): a record prepared ahead of its transaction
   * (prepared-puts.ts) learns it only then.
   */
  constructor(estimate: number) {
    this.#buf = Buffer.allocUnsafe(HEAD + Math.max(64, estimate + 64));
  }

  #text(s: string): void {
    // Room for the worst case (3 UTF-8 bytes per UTF-16 unit), so a write is never cut short.
    if (this.#buf.length - this.#pos < 3 * s.length + 4) {
      const next = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, this.#pos + 3 * s.length + 64));
      this.#buf.copy(next, 0, 0, this.#pos);
      this.#buf = next;
    }
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /** The next operation: `["p",keyJson,valueJson]`, or `["d",keyJson]` without a value. */
  op(keyJson: string, valueJson: string | undefined): void {
    const sep = this.#ops++ === 0 ? '' : ',';
    // One write per operation (a short-lived joined text; a call per part cost more).
    this.#text(valueJson === undefined ? `${sep}["d",${keyJson}]` : `${sep}["p",${keyJson},${valueJson}]`);
  }

  /** The finished line of the record at `revision` (with its CRC and newline); once. */
  line(revision: number): Buffer {
    this.#text(']}\n');
    const head = `{"r":${revision},"o":[`;
    const start = HEAD - head.length;
    const b = this.#buf;
    b.write(head, start, 'latin1');
    b.write(`${crc32(b.subarray(start, this.#pos - 1)).toString(16).padStart(8, '0')} `, start - 9, 9, 'latin1');
    return b.subarray(start - 9, this.#pos);
  }
}

export function logHeader(version: number): Buffer {
  return logLine(JSON.stringify({ format: 'weft-state-log', version }));
}

export function snapshotText(version: number, revision: number, entries: Iterable<Entry>): string {
  const parts: string[] = [];
  for (const e of entries) parts.push(JSON.stringify(e));
  return `{"format":"weft-state","version":${version},"revision":${revision},"entries":[\n${parts.join(',\n')}\n]}\n`;
}

export interface Snapshot {
  version: number;
  revision: number;
  entries: Map<string, Entry>;
}

/** Parse a snapshot; a problem is thrown as a one-line string. */
export function parseSnapshot(text: string): Snapshot {
  if (text.length === 0) throw 'the file is empty';
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw `not valid JSON (${(e as Error).message})`;
  }
  const s = o as { format?: unknown; version?: unknown; revision?: unknown; entries?: unknown };
  if (typeof o !== 'object' || o === null || s.format !== 'weft-state') throw 'not a weft state snapshot (no "format":"weft-state")';
  if (typeof s.version !== 'number' || !Number.isInteger(s.version) || s.version < 1) throw `bad format version ${JSON.stringify(s.version)}`;
  if (typeof s.revision !== 'number' || !Number.isInteger(s.revision) || s.revision < 0) throw `bad revision ${JSON.stringify(s.revision)}`;
  if (!Array.isArray(s.entries)) throw 'no entries list';
  const entries = new Map<string, Entry>();
  s.entries.forEach((e: unknown, i) => {
    const ok =
      Array.isArray(e) && e.length === 5 && typeof e[0] === 'string' &&
      [e[2], e[3], e[4]].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= (s.revision as number) + 1e15);
    if (!ok) throw `entry ${i} is malformed`;
    entries.set(e[0] as string, e as Entry);
  });
  return { version: s.version, revision: s.revision, entries };
}

export type LineResult = { ok: true; json: unknown } | { ok: false; problem: string };

/** Check one log line (without its newline) against its CRC and parse its JSON. */
export function parseLogLine(line: Buffer): LineResult {
  if (line.length < 10 || line[8] !== 0x20) return { ok: false, problem: 'no checksum' };
  const want = Number.parseInt(line.subarray(0, 8).toString('latin1'), 16);
  const body = line.subarray(9);
  if (!Number.isFinite(want) || crc32(body) !== want) return { ok: false, problem: 'checksum mismatch' };
  try {
    return { ok: true, json: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    return { ok: false, problem: `not valid JSON (${(e as Error).message})` };
  }
}

export function isLogRecord(o: unknown): o is LogRecord {
  const r = o as LogRecord;
  return typeof o === 'object' && o !== null && Number.isInteger(r.r) && Array.isArray(r.o) &&
    r.o.every((op) => Array.isArray(op) && typeof op[1] === 'string' && ((op[0] === 'p' && op.length === 3) || (op[0] === 'd' && op.length === 2)));
}
