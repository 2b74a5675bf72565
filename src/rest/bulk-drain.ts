/** Longest wait for the socket between two slices of sends (a switch that reads slowly still gets the rest, under the barrier window). */
const DRAIN_WAIT_MS = 200;
const pause = () => new Promise<void>((r) => setImmediate(r));

/**
 * Wait until the connection has handed everything it queued to the kernel (bounded: at most
 * DRAIN_WAIT_MS). The next slice then goes out in the write queue's reused buffer, where a
 * backed-up socket makes it allocate a new batch buffer per turn: ~10 MB for 100k flows that
 * only a garbage collection gives back. `step` is other work to do meanwhile (the store prep):
 * true when it did some.
 */
export async function drained(conn: { readonly closed: boolean; readonly queuedBytes?: number }, step: (() => boolean) | undefined): Promise<void> {
  const until = performance.now() + DRAIN_WAIT_MS;
  while (!conn.closed && (conn.queuedBytes ?? 0) > 0 && performance.now() < until) {
    // Work on the store's part while the switch reads, else sleep a millisecond.
    if (step?.()) await pause();
    else await new Promise((r) => setTimeout(r, 1));
  }
}

