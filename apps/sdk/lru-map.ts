/**
 * A bounded map in least-recently-used order: a Map to nodes that also form a doubly linked
 * list, coldest first. Unlike lru-cache, a plain get() does not count as a use: the caller
 * says when one does (use(), set()). Making an entry the newest relinks two nodes (no hashing
 * beyond the lookup, no allocation), so it is cheap enough for every packet-in; lru-cache's
 * get() was a good part of the host table's cost. Adding past `max` drops the coldest entries,
 * telling `onEvict` after each is gone.
 */
interface Node<K, V> {
  readonly key: K;
  value: V;
  prev: Node<K, V> | undefined;
  next: Node<K, V> | undefined;
}

export class LruMap<K, V> {
  readonly #map = new Map<K, Node<K, V>>();
  readonly #max: number;
  readonly #onEvict: ((value: V, key: K) => void) | undefined;
  #head: Node<K, V> | undefined;
  #tail: Node<K, V> | undefined;
  /**
   * The node get() last found: a use() of the same key right after (the host table's "look
   * up, then count the sighting") skips the second lookup. Cleared when its node leaves.
   */
  #lastGot: Node<K, V> | undefined;

  constructor(max: number, onEvict?: (value: V, key: K) => void) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`LruMap max ${max} is not a positive integer`);
    this.#max = max;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#map.size;
  }

  get max(): number {
    return this.#max;
  }

  /** The value, without counting as a use. */
  get(key: K): V | undefined {
    const n = this.#map.get(key);
    if (n === undefined) return undefined;
    this.#lastGot = n;
    return n.value;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** The value, as a use: the entry becomes the newest. */
  use(key: K): V | undefined {
    const last = this.#lastGot;
    const n = last !== undefined && last.key === key ? last : this.#map.get(key);
    if (n === undefined) return undefined;
    this.#toTail(n);
    return n.value;
  }

  /** Insert or replace, as the newest entry; then drop the coldest while above max. */
  set(key: K, value: V): void {
    const old = this.#map.get(key);
    if (old !== undefined) {
      old.value = value;
      this.#toTail(old);
      return;
    }
    const n: Node<K, V> = { key, value, prev: this.#tail, next: undefined };
    if (this.#tail) this.#tail.next = n;
    else this.#head = n;
    this.#tail = n;
    this.#map.set(key, n);
    while (this.#map.size > this.#max) {
      const cold = this.#head!;
      this.#unlink(cold);
      this.#map.delete(cold.key);
      this.#onEvict?.(cold.value, cold.key);
    }
  }

  /** Remove without telling onEvict. */
  delete(key: K): boolean {
    const n = this.#map.get(key);
    if (n === undefined) return false;
    this.#unlink(n);
    this.#map.delete(key);
    return true;
  }

  clear(): void {
    this.#map.clear();
    this.#head = this.#tail = this.#lastGot = undefined;
  }

  /** Coldest first. */
  *entries(): IterableIterator<[K, V]> {
    // `next` is read before yielding, so the caller may delete the entry it was given.
    for (let n = this.#head; n; ) {
      const next = n.next;
      yield [n.key, n.value];
      n = next;
    }
  }

  /** Coldest first. */
  *values(): IterableIterator<V> {
    for (let n = this.#head; n; ) {
      const next = n.next;
      yield n.value;
      n = next;
    }
  }

  /** Newest first. */
  *valuesNewestFirst(): IterableIterator<V> {
    for (let n = this.#tail; n; ) {
      const prev = n.prev;
      yield n.value;
      n = prev;
    }
  }

  #toTail(n: Node<K, V>): void {
    if (n === this.#tail) return;
    this.#unlink(n);
    n.prev = this.#tail;
    this.#tail!.next = n;
    this.#tail = n;
    this.#head ??= n;
  }

  /** Out of the list (callers take it out of the map too). */
  #unlink(n: Node<K, V>): void {
    if (n === this.#lastGot) this.#lastGot = undefined;
    if (n.prev) n.prev.next = n.next;
    else this.#head = n.next;
    if (n.next) n.next.prev = n.prev;
    else this.#tail = n.prev;
    n.prev = n.next = undefined;
  }
}
