/**
 * Repeated log lines by key (a peer address and a reason), with a summary: the SDK's LogLimiter
 * decides (at most `perWindow` lines per key and window, counted), and a timer calls the key's
 * `summary(n)` once when its window ends with lines left out, so the log still says how many.
 * A thousand garbage connects from one address then cost a handful of lines, not a thousand.
 * Keys are bounded (`maxKeys`): lines for new keys beyond it are left out and counted.
 */
import { LogLimiter as Limiter } from '../apps/sdk/log-limiter.js';

export interface LogLimiterOptions {
  /** Lines let through per key and window (default 5). */
  perWindow?: number;
  /** Window length in ms (default 10000). */
  windowMs?: number;
  /** Keys tracked at most (default 1024). */
  maxKeys?: number;
}

export class LogLimiter {
  private readonly limiter: Limiter;
  private readonly summaries = new Map<string, (suppressed: number) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: LogLimiterOptions = {}, private readonly now: () => number = Date.now) {
    this.limiter = new Limiter({ intervalMs: opts.windowMs ?? 10_000, perKey: opts.perWindow ?? 5, maxLines: Number.POSITIVE_INFINITY, maxKeys: opts.maxKeys ?? 1024 });
  }

  /** Lines left out so far, all keys together. */
  get suppressedTotal(): number {
    return this.limiter.suppressed;
  }

  /**
   * May a line with this key be logged now? `summary` is what to call at the end of the window
   * if lines were left out (the latest one given for the key is used).
   */
  allow(key: string, summary: (suppressed: number) => void): boolean {
    const owed = this.limiter.take(key, this.now());
    // A window that ended before the sweep saw it: its summary goes out before the new line.
    if (owed !== undefined && owed > 0) summary(owed);
    if (this.limiter.has(key)) {
      this.summaries.set(key, summary);
      this.arm();
    }
    return owed !== undefined;
  }

  /** End every window now (summaries included); for shutdown and tests. */
  flush(): void {
    this.sweep(Number.POSITIVE_INFINITY);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(this.now()), Math.max(1, Math.ceil(this.limiter.intervalMs / 2)));
    this.timer.unref();
  }

  private sweep(now: number): void {
    for (const [key, n] of this.limiter.drain(now)) {
      const summary = this.summaries.get(key);
      if (summary) summary(n);
    }
    for (const key of this.summaries.keys()) if (!this.limiter.has(key)) this.summaries.delete(key);
    if (this.limiter.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
