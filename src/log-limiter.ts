/**
 * Rate limit for repeated log lines, by key (a peer address and a reason): at most `perWindow`
 * lines per key and window; the rest are counted, and when the window of a key ends with lines
 * left out, `summary(n)` is called once so the log still says how many. A thousand garbage
 * connects from one address then cost a handful of lines, not a thousand.
 *
 * Keys are bounded (`maxKeys`): beyond that, new keys share one overflow key, so a flood from
 * many addresses cannot grow the table either.
 */
export interface LogLimiterOptions {
  /** Lines let through per key and window (default 5). */
  perWindow?: number;
  /** Window length in ms (default 10000). */
  windowMs?: number;
  /** Keys tracked at most (default 1024). */
  maxKeys?: number;
}

interface Slot {
  start: number;
  lines: number;
  suppressed: number;
  summary: (suppressed: number) => void;
}

const OVERFLOW_KEY = '\u0000overflow';

export class LogLimiter {
  /** Lines left out so far, all keys together. */
  suppressedTotal = 0;
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: LogLimiterOptions = {}, private readonly now: () => number = Date.now) {
    this.perWindow = opts.perWindow ?? 5;
    this.windowMs = opts.windowMs ?? 10_000;
    this.maxKeys = opts.maxKeys ?? 1024;
  }

  /**
   * May a line with this key be logged now? `summary` is what to call at the end of the window
   * if lines were left out (the latest one given for the key is used).
   */
  allow(key: string, summary: (suppressed: number) => void): boolean {
    let slot = this.slots.get(key);
    if (!slot) {
      if (this.slots.size >= this.maxKeys) return this.allow(OVERFLOW_KEY, summary);
      slot = { start: this.now(), lines: 0, suppressed: 0, summary };
      this.slots.set(key, slot);
      this.arm();
    }
    slot.summary = summary;
    if (++slot.lines <= this.perWindow) return true;
    slot.suppressed++;
    this.suppressedTotal++;
    return false;
  }

  /** End every window now (summaries included); for shutdown and tests. */
  flush(): void {
    this.sweep(Number.POSITIVE_INFINITY);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(this.now()), Math.max(1, Math.ceil(this.windowMs / 2)));
    this.timer.unref();
  }

  private sweep(now: number): void {
    for (const [key, slot] of this.slots) {
      if (now - slot.start < this.windowMs) continue;
      this.slots.delete(key);
      if (slot.suppressed > 0) slot.summary(slot.suppressed);
    }
    if (this.slots.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
