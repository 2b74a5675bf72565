/**
 * Rate limiting for log lines that a peer can trigger at will (a MAC flood, relayed LLDP, an app
 * failing on every packet-in): at most one line per key per interval, and at most `maxLines`
 * lines per interval over all keys, so a flood of distinct keys cannot flood the log either.
 * Suppressed lines are counted; the next line of a key that gets through reports how many of
 * its lines were suppressed since its last one. The clock is passed in: no timers.
 */

export interface LogLimiterOptions {
  /** One line per key per this many ms (default 10 s). */
  intervalMs?: number;
  /** Lines per interval over all keys (default 20). */
  maxLines?: number;
  /** Keys remembered (default 1024): beyond it lines for new keys are suppressed. */
  maxKeys?: number;
}

interface KeyState {
  /** When the key last got a line through. */
  at: number;
  /** Lines of the key suppressed since then. */
  suppressed: number;
}

export class LogLimiter {
  readonly #intervalMs: number;
  readonly #maxLines: number;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, KeyState>();
  #windowAt = -Infinity;
  #windowLines = 0;
  #suppressed = 0;

  constructor(opts: LogLimiterOptions = {}) {
    this.#intervalMs = opts.intervalMs ?? 10_000;
    this.#maxLines = opts.maxLines ?? 20;
    this.#maxKeys = opts.maxKeys ?? 1024;
  }

  /** Lines suppressed so far, all keys (for a counter in /metrics). */
  get suppressed(): number {
    return this.#suppressed;
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
    if (k !== undefined && now - k.at < this.#intervalMs) return this.#suppress(k);
    if (this.#windowLines >= this.#maxLines) return this.#suppress(k);
    if (k === undefined) {
      if (this.#keys.size >= this.#maxKeys) return this.#suppress(undefined);
      k = { at: now, suppressed: 0 };
      this.#keys.set(key, k);
    }
    const before = k.suppressed;
    k.at = now;
    k.suppressed = 0;
    this.#windowLines++;
    return before;
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
      const idle = now - k.at;
      if (idle >= this.#intervalMs && (k.suppressed === 0 || idle >= 6 * this.#intervalMs)) this.#keys.delete(key);
    }
  }
}
