/**
 * What apps hand to ctx.defer() while an event is being handled, in the order deferred, until
 * the host takes it into that event's batch (docs/APPS.md, "Deferred messages").
 */
import { Outbox } from '../../apps/sdk/index.js';

/** An Outbox, or a function that fills one when the host takes the batch. */
export type DeferredOut = Outbox | ((out: Outbox) => void);

export class DeferredQueue<E> {
  readonly #items: { entry: E; out: DeferredOut }[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(entry: E, out: DeferredOut): void {
    if (!(out instanceof Outbox) && typeof out !== 'function') throw new TypeError('defer() takes an Outbox or a function that fills one');
    this.#items.push({ entry, out });
  }

  /**
   * Hand every item's Outbox to `take`, in order, calling fill functions first (one that throws
   * goes to `fail` instead). What is deferred meanwhile (a fill function may defer) is taken too.
   */
  drain(take: (entry: E, out: Outbox) => void, fail: (entry: E, err: unknown) => void): void {
    const items = this.#items;
    for (let i = 0; i < items.length; i++) {
      const { entry, out } = items[i]!;
      if (out instanceof Outbox) {
        take(entry, out);
        continue;
      }
      const filled = new Outbox();
      try {
        out(filled);
      } catch (err) {
        fail(entry, err);
        continue;
      }
      take(entry, filled);
    }
    items.length = 0;
  }
}
