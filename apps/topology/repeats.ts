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
/**
 * Distinct frames tracked per port, least recently seen dropped first: a storm's few circulating
 * frames stay while a stream of distinct ones (a scan, a MAC flood) cycles through. Bounds a
 * port's memory at a few KiB whatever arrives.
 */
export const MAX_TRACKED = 32;
/** Bytes of a frame that identify it: its headers and the start of its payload. */
const FINGERPRINT_BYTES = 256;

/** FNV-1a over the frame's length and first bytes: cheap, and only group-addressed packet-ins pay it. */
export function fingerprint(data: Uint8Array): number {
  let h = Math.imul(0x811c9dc5 ^ (data.length & 0xffff), 0x01000193);
  const n = Math.min(data.length, FINGERPRINT_BYTES);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/** Arrivals of each recent frame on one port. */
export class RepeatCounter {
  /** In order of last arrival, oldest first. */
  readonly #seen = new Map<number, { since: number; n: number }>();

  /** One more arrival of the frame `fp`: true when it is the REPEAT_LIMIT-th within the window. */
  note(fp: number, now: number): boolean {
    let e = this.#seen.get(fp);
    if (e !== undefined) this.#seen.delete(fp);
    if (e === undefined || now - e.since > REPEAT_WINDOW_MS) e = { since: now, n: 0 };
    this.#seen.set(fp, e);
    if (this.#seen.size > MAX_TRACKED) this.#seen.delete(this.#seen.keys().next().value!);
    return ++e.n === REPEAT_LIMIT;
  }

  get size(): number {
    return this.#seen.size;
  }

  clear(): void {
    this.#seen.clear();
  }
}
