/** Milliseconds of switch input consumed per event-loop turn, in total, by default. */
export const TURN_BUDGET_MS = 2;

/** What the scheduler drives: a FairReader with a backlog. */
export interface Drainable {
  /**
   * Consume one slice of the backlog. Returns true while a backlog remains (the reader wants
   * another turn), false once it caught up or its connection closed.
   */
  drainSlice(): boolean;
}

/**
 * The per-turn time budget shared by every connection of a server. FairReader bounds what ONE
 * connection consumes per turn (a slice); this bounds what ALL of them consume together, so a
 * turn stays short however many switches are busy and an ECHO_REQUEST or an HTTP request
 * waits a few milliseconds, not the 16 slices x app cost of everyone else's packet-ins.
 *
 * Input is consumed in two places, each with its own budget per turn:
 * - as it arrives (the poll phase): a reader with no backlog consumes a slice at once while the
 *   time spent so far outside the drain is under budget; the rest of its chunk waits;
 * - in the drain (one setImmediate per turn for all connections): readers with a backlog take
 *   one slice each in turn until the budget is spent; those left over go first next turn.
 * A reader whose input had to wait without consuming anything (it arrived after the budget
 * was spent) is queued ahead of the readers already behind: it has been served least, and it
 * is typically the quiet connection whose ECHO_REQUEST must not wait a whole round.
 */
export class TurnScheduler {
  /** Readers that waited without being served, then the round-robin of the rest. */
  #fresh: Drainable[] = [];
  #queue: Drainable[] = [];
  #scheduled = false;
  /** Time spent consuming since the last drain ended (outside the drain). */
  #spentOutside = 0;
  /** Increments at every drain: readers reset their per-turn byte count when it changes. */
  turn = 0;
  readonly #drainCb = (): void => this.#drain();

  constructor(
    readonly budgetMs: number = TURN_BUDGET_MS,
    /** The clock (ms), injectable for tests. */
    readonly now: () => number = () => performance.now(),
  ) {
    if (!(budgetMs > 0)) throw new Error(`turn budget must be above 0 ms, got ${budgetMs}`);
  }

  /** May a reader without a backlog consume a slice right now? */
  get mayConsumeNow(): boolean {
    return this.#spentOutside < this.budgetMs;
  }

  /** Readers waiting for a turn. */
  get waiting(): number {
    return this.#fresh.length + this.#queue.length;
  }

  /** Account time spent consuming as input arrived; a turn end (which resets it) will come. */
  spent(ms: number): void {
    this.#spentOutside += ms;
    this.#schedule();
  }

  /** `r` has a backlog now. `served`: it consumed a slice just now (it goes last). */
  enqueue(r: Drainable, served: boolean): void {
    (served ? this.#queue : this.#fresh).push(r);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#drainCb);
    }
  }

  #drain(): void {
    this.#scheduled = false;
    this.turn++;
    const start = this.now();
    // Fresh readers first, then one slice each round robin, until the budget is spent. A
    // reader is taken off before its slice, so one that closes meanwhile is simply not put back.
    while (this.#fresh.length + this.#queue.length > 0) {
      const r = this.#fresh.length > 0 ? this.#fresh.shift()! : this.#queue.shift()!;
      if (r.drainSlice()) this.#queue.push(r);
      if (this.now() - start >= this.budgetMs) break;
    }
    this.#spentOutside = 0;
    if (this.#fresh.length + this.#queue.length > 0) this.#schedule();
  }
}

/** The scheduler of connections made without one (tests, a lone connection). */
export const sharedTurnScheduler = new TurnScheduler();
