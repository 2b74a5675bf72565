/**
 * The loop hold's trigger (docs/TOPOLOGY.md, "Loop hold"): the same broadcast or multicast frame
 * arriving on one port again and again. Flooded on a tree, a frame enters each switch once; a
 * copy that comes back, byte for byte, on the same port has gone round a loop. Hosts repeat
 * frames too (ARP retries a second apart, a burst of five gratuitous ARPs on a VRRP failover),
 * so it takes REPEAT_LIMIT arrivals within REPEAT_WINDOW_MS: a loop brings a copy round every few
 * milliseconds to a few hundred.
 */
export const REPEAT_LIMIT = 8;
export const REPEAT_WINDOW_MS = 2_000;
/** Distinct frames tracked per port; past this the port's counts start over (a flood of distinct frames is no loop). */
const MAX_TRACKED = 64;

/** FNV-1a over the frame's bytes: cheap, and only group-addressed packet-ins pay it. */
export function fingerprint(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/** Arrivals of each recent frame on one port. */
export class RepeatCounter {
  readonly #seen = new Map<number, { since: number; n: number }>();

  /** One more arrival of the frame `fp`: true when it is the REPEAT_LIMIT-th within the window. */
  note(fp: number, now: number): boolean {
    let e = this.#seen.get(fp);
    if (e === undefined || now - e.since > REPEAT_WINDOW_MS) {
      if (e === undefined && this.#seen.size >= MAX_TRACKED) this.#seen.clear();
      this.#seen.set(fp, (e = { since: now, n: 0 }));
    }
    return ++e.n === REPEAT_LIMIT;
  }

  clear(): void {
    this.#seen.clear();
  }
}
