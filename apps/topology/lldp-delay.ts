/**
 * The LLDP delay weft sees right now, as the reference for the slow-link check (TopoGuard's
 * latency test). The delay of a frame (signed send time to its PACKET_IN being handled) is
 * mostly weft's own scheduling when weft is loaded: its write queue, the switches' PACKET_IN
 * queues, the event loop. A fixed limit then refuses real cables. So a new link is refused as
 * slow only when its delay exceeds lldpMaxDelayMs plus `factor` times the median of the recent
 * delays.
 *
 * The median is over the latest delay of each source port (one entry per port weft sent the
 * frame out of, at most MAX_SOURCES, oldest dropped): a relay replaying one frame many times,
 * or relaying on a few ports, moves only its own entries, and cannot raise the median while
 * most of the network's frames travel over cables.
 */
const MAX_SOURCES = 1024;

export class LldpDelayBaseline {
  readonly #latest = new Map<string, number>();
  #median: number | undefined;

  /** A verified frame sent out of `source` took `delayMs`. */
  note(source: string, delayMs: number): void {
    this.#latest.delete(source);
    this.#latest.set(source, Math.max(0, delayMs));
    if (this.#latest.size > MAX_SOURCES) this.#latest.delete(this.#latest.keys().next().value!);
    this.#median = undefined;
  }

  /** The median of the latest delays (0 with none yet). Computed when a new link is checked: rarely. */
  median(): number {
    if (this.#median !== undefined) return this.#median;
    const xs = [...this.#latest.values()].sort((a, b) => a - b);
    const n = xs.length;
    this.#median = n === 0 ? 0 : n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
    return this.#median;
  }

  /** The delay above which a new link is refused (Infinity: no check). */
  limit(maxDelayMs: number, factor: number): number {
    return maxDelayMs > 0 ? maxDelayMs + factor * this.median() : Infinity;
  }

  get size(): number {
    return this.#latest.size;
  }
}
