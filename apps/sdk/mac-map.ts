/**
 * A map keyed by MAC addresses as 48-bit numbers (Ethernet#srcNum/dstNum, macToNumber): open
 * addressing with linear probing over a Float64Array of keys. Why not a Map keyed by the MAC
 * string: a packet-in's MACs are fresh strings, so every lookup first hashes 17 characters, and
 * a miss in a large Map walks a chain of entries whose key strings sit elsewhere in memory. A
 * MAC flood is all misses (new MACs the caps refuse), and those lookups were the largest cost
 * left per packet-in. Here a lookup is a multiply and, nearly always, one cache line of keys.
 *
 * Deleting shifts the entries after it back (no tombstones), and the table shrinks again when
 * it is mostly empty, so its memory follows its size after a flood is gone.
 */
const EMPTY = -1;
const MIN_CAPACITY = 16;
const TWO_32 = 0x100000000;

export class MacMap<V> {
  #keys: Float64Array;
  #vals: (V | undefined)[];
  #mask: number;
  #size = 0;

  constructor() {
    this.#keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.#vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.#mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.#size;
  }

  get(mac: number): V | undefined {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = slot(mac, mask); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === mac) return this.#vals[i];
      if (k === EMPTY) return undefined;
    }
  }

  has(mac: number): boolean {
    return this.#find(mac) >= 0;
  }

  set(mac: number, value: V): void {
    if (!isMacNumber(mac)) throw new RangeError(`MacMap: ${mac} is not a 48-bit MAC number`);
    const keys = this.#keys;
    const mask = this.#mask;
    let i = slot(mac, mask);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === mac) {
        this.#vals[i] = value;
        return;
      }
      if (k === EMPTY) break;
    }
    keys[i] = mac;
    this.#vals[i] = value;
    // At most half full: a miss then probes ~1.5 slots on average.
    if (++this.#size * 2 > keys.length) this.#resize(keys.length * 2);
  }

  delete(mac: number): boolean {
    let i = this.#find(mac);
    if (i < 0) return false;
    const keys = this.#keys;
    const vals = this.#vals;
    const mask = this.#mask;
    // Backward shift: move later entries of the run into the hole when their home slot allows.
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = slot(keys[j]!, mask);
      // j's entry may fill the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        keys[i] = keys[j]!;
        vals[i] = vals[j];
        i = j;
      }
    }
    keys[i] = EMPTY;
    vals[i] = undefined;
    this.#size--;
    if (keys.length > MIN_CAPACITY && this.#size * 8 < keys.length) this.#resize(keys.length / 2);
    return true;
  }

  clear(): void {
    this.#keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.#vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.#mask = MIN_CAPACITY - 1;
    this.#size = 0;
  }

  /** Entries in no particular order; do not change the map while iterating. */
  *entries(): IterableIterator<[number, V]> {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) yield [keys[i]!, this.#vals[i] as V];
  }

  /** Slots the table has now (for tests of its shrinking). */
  get capacity(): number {
    return this.#keys.length;
  }

  #find(mac: number): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = slot(mac, mask); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === EMPTY) return -1;
      if (k === mac) return i;
    }
  }

  #resize(capacity: number): void {
    const oldKeys = this.#keys;
    const oldVals = this.#vals;
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#vals = new Array<V | undefined>(capacity).fill(undefined);
    const mask = (this.#mask = capacity - 1);
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === EMPTY) continue;
      let i = slot(k, mask);
      while (this.#keys[i] !== EMPTY) i = (i + 1) & mask;
      this.#keys[i] = k;
      this.#vals[i] = oldVals[j];
    }
  }
}

export function isMacNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffffffff;
}

/** Home slot: both halves of the MAC mixed (the low bytes alone vary little in some floods). */
function slot(mac: number, mask: number): number {
  const lo = mac >>> 0;
  const hi = (mac / TWO_32) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2f), 0x9e3779b1);
  h ^= h >>> 16;
  return h & mask;
}
