/**
 * Ports (or ICMP echo ids) an outside address lends to masqueraded connections, per
 * (address, protocol). The inside port is kept when it is free (as Linux does, so most
 * connections keep their source port); otherwise the next free one after a moving cursor.
 * Exhaustion returns undefined: the caller refuses the connection.
 */
export class PortPool {
  readonly #used = new Map<string, Set<number>>();
  readonly #cursor = new Map<string, number>();

  constructor(
    readonly min: number,
    readonly max: number,
  ) {}

  allocate(key: string, wanted: number): number | undefined {
    let used = this.#used.get(key);
    if (!used) this.#used.set(key, (used = new Set()));
    const size = this.max - this.min + 1;
    if (used.size >= size) return undefined;
    if (wanted >= this.min && wanted <= this.max && !used.has(wanted)) {
      used.add(wanted);
      return wanted;
    }
    let p = this.#cursor.get(key) ?? this.min;
    for (let i = 0; i < size; i++, p = p >= this.max ? this.min : p + 1) {
      if (!used.has(p)) {
        used.add(p);
        this.#cursor.set(key, p >= this.max ? this.min : p + 1);
        return p;
      }
    }
    return undefined;
  }

  /** Mark a port used (a session restored from a switch's flows keeps its port). */
  reserve(key: string, port: number): void {
    let used = this.#used.get(key);
    if (!used) this.#used.set(key, (used = new Set()));
    used.add(port);
  }

  free(key: string, port: number): void {
    this.#used.get(key)?.delete(port);
  }

  inUse(key: string): number {
    return this.#used.get(key)?.size ?? 0;
  }
}
