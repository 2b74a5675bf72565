/**
 * The app watchdog: the host times every handler call and counts failures per app. An app over
 * its time budget `maxSlowCalls` times within `slowWindowMs`, or failing `maxFailures` calls in
 * a row, is disabled: the host stops calling it, so one spinning or broken app cannot starve
 * the others or fill the log. An operator re-enables it (REST POST /api/v1/apps/NAME/enable).
 */

export interface WatchdogOptions {
  /** A handler call longer than this (ms) is over budget. 0: no time budget. */
  budgetMs: number;
  /** Over-budget calls within slowWindowMs that disable an app. */
  maxSlowCalls: number;
  slowWindowMs: number;
  /** Consecutive failed calls (threw, or returned something unusable) that disable an app. 0: never. */
  maxFailures: number;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = { budgetMs: 100, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 10 };

export type AppState = 'enabled' | 'disabled';

export interface AppHealth {
  state: AppState;
  /** Why it was disabled (kept after re-enabling until the next disable, for the record). */
  reason?: string;
  disabledAt?: number;
  /** Calls over the budget, and disables, since start. */
  slowCalls: number;
  disables: number;
  consecutiveFailures: number;
  /** The slowest call seen (ms). */
  maxCallMs: number;
}

/** One app's watchdog state. */
export class AppWatch {
  readonly health: AppHealth = { state: 'enabled', slowCalls: 0, disables: 0, consecutiveFailures: 0, maxCallMs: 0 };
  /** When the most recent over-budget calls ended (at most maxSlowCalls, oldest first). */
  readonly #slowAt: number[] = [];
  readonly #opts: WatchdogOptions;

  constructor(opts: WatchdogOptions) {
    this.#opts = opts;
  }

  get enabled(): boolean {
    return this.health.state === 'enabled';
  }

  /**
   * A finished call of `ms` at `now`, `failed` or not: returns the reason to disable the app now,
   * or undefined. `cpuWaitMs` (asked only for a call over budget) is how long of it the thread
   * waited for a CPU.
   */
  record(handler: string, ms: number, failed: boolean, now: number, cpuWaitMs: () => number = () => 0): string | undefined {
    const h = this.health;
    if (ms > h.maxCallMs) h.maxCallMs = ms;
    if (failed) h.consecutiveFailures++;
    else h.consecutiveFailures = 0;
    const o = this.#opts;
    if (o.maxFailures > 0 && h.consecutiveFailures >= o.maxFailures) return `${h.consecutiveFailures} consecutive failures (last in ${handler})`;
    // Over budget only by the time weft had a CPU: waiting for one (an overloaded machine) is not the app's doing.
    if (o.budgetMs > 0 && ms > o.budgetMs && ms - cpuWaitMs() > o.budgetMs) {
      h.slowCalls++;
      const recent = this.#slowAt;
      recent.push(now);
      if (recent.length > o.maxSlowCalls) recent.shift();
      if (recent.length === o.maxSlowCalls && now - recent[0]! <= o.slowWindowMs) {
        return `${o.maxSlowCalls} calls over the ${o.budgetMs} ms budget within ${o.slowWindowMs} ms (last: ${handler}, ${Math.round(ms)} ms)`;
      }
    }
    return undefined;
  }

  disable(reason: string, now: number): void {
    Object.assign(this.health, { state: 'disabled', reason, disabledAt: now });
    this.health.disables++;
  }

  enable(): void {
    this.health.state = 'enabled';
    this.health.consecutiveFailures = 0;
    this.#slowAt.length = 0;
  }
}
