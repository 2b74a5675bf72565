/**
 * When the file store rewrites its snapshot: once at least half of the bytes on disk (snapshot
 * plus log) are superseded, i.e. belong to a value since overwritten or deleted, or are a
 * delete. A rewrite then costs about the bytes written since the last one, so it is paid for
 * by the writes that made it necessary, and a restart replays about twice the live data at
 * most. A log of new keys only (the first bulk of 100k flows) holds nothing superseded and is
 * not rewritten: the snapshot would be the same data again.
 *
 * Bytes are counted per operation as its JSON text in the log (string length: close enough for
 * a trigger). The value a put replaces is counted as the size of the put itself (no size is
 * kept per key): over a key's history that differs from the truth by its first and last
 * sizes at most, so the estimate errs by about the live data, never by what was written.
 */
import type { LogRecord } from './file-format.js';

export class LogAccounting {
  /** Superseded bytes in the snapshot and log (estimated). */
  dead = 0;

  /** A snapshot was written: nothing is superseded. */
  reset(): void {
    this.dead = 0;
  }

  add(bytes: number): void {
    this.dead += bytes;
  }

  /**
   * A record replayed at open, `lineBytes` long, before it is applied; `live(key)` says whether
   * the key is live before it. Each operation counts as an equal share of the line.
   */
  replayed(rec: LogRecord, lineBytes: number, live: (key: string) => boolean): void {
    const share = lineBytes / Math.max(1, rec.o.length);
    for (const op of rec.o) {
      if (op[0] === 'd') this.dead += live(op[1]) ? 2 * share : share;
      else if (live(op[1])) this.dead += share;
    }
  }

  /** Whether the snapshot should be rewritten now. */
  due(logBytes: number, snapshotBytes: number, minLogBytes: number): boolean {
    return logBytes > minLogBytes && 2 * this.dead >= logBytes + snapshotBytes;
  }
}
