/**
 * Flows a switch refused during reconciliation, per switch: retried with exponential backoff a
 * bounded number of times, never re-pushed forever. A failure is remembered by the flow's whole
 * semantic form, so a flow its owner changes is a new flow with a fresh count.
 */
export interface FailedFlow {
  /** The app or source that wants the flow. */
  owner: string;
  /** One line: table, priority, match and cookie (for REST and logs). */
  flow: string;
  /** The switch's error (type/code). */
  error: string;
  attempts: number;
  firstFailedAt: number;
  lastFailedAt: number;
  /** When the next attempt may be made; null once attempts reached the cap. */
  nextRetryAt: number | null;
}

export interface RetryPolicy {
  /** Attempts in all (the first included). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time. */
  backoffMs: number;
  /** Cap of one wait. */
  maxBackoffMs: number;
}

export class FailedFlows {
  readonly #bySwitch = new Map<string, Map<string, FailedFlow>>();

  constructor(readonly policy: RetryPolicy) {}

  /** Whether a desired flow must wait (it failed, and its retry is not due or will not come). */
  blocked(dpid: string, key: string, now: number): boolean {
    const f = this.#bySwitch.get(dpid)?.get(key);
    return f !== undefined && (f.nextRetryAt === null || now < f.nextRetryAt);
  }

  fail(dpid: string, key: string, owner: string, flow: string, error: string, now: number): FailedFlow {
    let m = this.#bySwitch.get(dpid);
    if (!m) this.#bySwitch.set(dpid, (m = new Map()));
    const old = m.get(key);
    const attempts = (old?.attempts ?? 0) + 1;
    const p = this.policy;
    const wait = Math.min(p.maxBackoffMs, p.backoffMs * 2 ** (attempts - 1));
    const f: FailedFlow = { owner, flow, error, attempts, firstFailedAt: old?.firstFailedAt ?? now, lastFailedAt: now, nextRetryAt: attempts >= p.maxAttempts ? null : now + wait };
    m.set(key, f);
    return f;
  }

  succeeded(dpid: string, key: string): void {
    this.#bySwitch.get(dpid)?.delete(key);
  }

  /** Forget failures of flows no longer wanted on the switch. */
  retain(dpid: string, wanted: ReadonlySet<string>): void {
    const m = this.#bySwitch.get(dpid);
    if (!m) return;
    for (const k of m.keys()) if (!wanted.has(k)) m.delete(k);
    if (m.size === 0) this.#bySwitch.delete(dpid);
  }

  list(dpid: string): FailedFlow[] {
    return [...(this.#bySwitch.get(dpid)?.values() ?? [])];
  }

  /** The earliest retry due on a switch, if any. */
  nextRetry(dpid: string): number | undefined {
    let next: number | undefined;
    for (const f of this.#bySwitch.get(dpid)?.values() ?? []) if (f.nextRetryAt !== null && (next === undefined || f.nextRetryAt < next)) next = f.nextRetryAt;
    return next;
  }

  get size(): number {
    let n = 0;
    for (const m of this.#bySwitch.values()) n += m.size;
    return n;
  }

  dropSwitch(dpid: string): void {
    this.#bySwitch.delete(dpid);
  }
}
