/**
 * Rate limiting for log lines that a peer can trigger at will (a MAC flood, relayed LLDP, an app
 * failing on every packet-in, garbage connects, failed TLS handshakes): at most `perKey` lines
 * per key per interval, and at most `maxLines` lines per interval over all keys, so a flood of
 * distinct keys cannot flood the log either. Suppressed lines are counted; the next line of a
 * key that gets through reports how many of its lines were suppressed since its last one, or
 * `drain()` hands out those counts once a key's interval is over (for a summary line). The
 * clock is passed in: no timers here (src/log-limiter.ts adds one for its summaries).
 */

export interface LogLimiterOptions {
  /** The interval in ms (default 10 s). */
  intervalMs?: number;
  /** Lines per key per interval (default 1). */
  perKey?: number;
  /** Lines per interval over all keys (default 20). */
  maxLines?: number;
  /** Keys remembered (default 1024): beyond it lines for new keys are suppressed. */
  maxKeys?: number;
}

interface KeyState {
  /** When the key's current interval began (its first line in it). */
  start: number;
  /** Lines let through in that interval. */
  lines: number;
  /** Lines of the key suppressed and not yet reported. */
  suppressed: number;
}

export class LogLimiter {
  readonly #intervalMs: number;
  readonly #perKey: number;
  readonly #maxLines: number;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, KeyState>();
  #windowAt = -Infinity;
  #windowLines = 0;
  #suppressed = 0;

  constructor(opts: LogLimiterOptions = {}) {
    this.#intervalMs = opts.intervalMs ?? 10_000;
    this.#perKey = opts.perKey ?? 1;
    this.#maxLines = opts.maxLines ?? 20;
    this.#maxKeys = opts.maxKeys ?? 1024;
  }

  /** Lines suppressed so far, all keys (for a counter in /metrics). */
  get suppressed(): number {
    return this.#suppressed;
  }

  /** Count `n` lines the caller suppressed itself (it keeps its own per-source count). */
  skip(n = 1): void {
    this.#suppressed += n;
  }

  /** The interval in ms. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /**
   * Whether a line for `key` may go out at `now`: undefined to suppress it (counted), or the
   * number of the key's lines suppressed since its last line (0 usually; log it when not).
   */
  take(key: string, now: number): number | undefined {
    if (now - this.#windowAt >= this.#intervalMs) {
      this.#windowAt = now;
      this.#windowLines = 0;
      this.#forgetIdle(now);
    }
    let k = this.#keys.get(key);
    if (k !== undefined && now - k.start >= this.#intervalMs) {
      k.start = now;
      k.lines = 0;
    }
    if (k !== undefined && k.lines >= this.#perKey) return this.#suppress(k);
    if (this.#windowLines >= this.#maxLines) return this.#suppress(k);
    if (k === undefined) {
      if (this.#keys.size >= this.#maxKeys) return this.#suppress(undefined);
      k = { start: now, lines: 0, suppressed: 0 };
      this.#keys.set(key, k);
    }
    const before = k.suppressed;
    k.lines++;
    k.suppressed = 0;
    this.#windowLines++;
    return before;
  }

  /**
   * Keys whose interval has ended with lines suppressed, and how many (reported once: the count
   * is reset). `now` = Infinity ends every interval.
   */
  drain(now: number): [key: string, suppressed: number][] {
    const out: [string, number][] = [];
    for (const [key, k] of this.#keys) {
      if (now - k.start < this.#intervalMs) continue;
      if (k.suppressed > 0) out.push([key, k.suppressed]);
      this.#keys.delete(key);
    }
    return out;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#keys.size;
  }

  /** Whether `key` is remembered (its interval is running or it owes a count). */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  #suppress(k: KeyState | undefined): undefined {
    this.#suppressed++;
    if (k !== undefined) k.suppressed++;
    return undefined;
  }

  /**
   * Keys whose interval has passed are forgotten, so the map stays small; one that still owes
   * a count of suppressed lines is kept a few intervals longer, for its next line to report it.
   */
  #forgetIdle(now: number): void {
    for (const [key, k] of this.#keys) {
      const idle = now - k.start;
      if (idle >= this.#intervalMs && (k.suppressed === 0 || idle >= 6 * this.#intervalMs)) this.#keys.delete(key);
    }
  }
}
