import type { OfMessage } from '../../protocol/index.js';

/** A datapath id as 16 lowercase hex digits (the form SwitchView.dpid has). */
export type Dpid = string;

/** Normalize a datapath id given as a bigint or hex text (colons allowed) to 16 hex digits. */
export function toDpid(id: bigint | string): Dpid {
  if (typeof id === 'bigint') {
    if (id < 0n || id > 0xffff_ffff_ffff_ffffn) throw new RangeError(`datapath id ${id} does not fit in 64 bits`);
    return id.toString(16).padStart(16, '0');
  }
  const hex = id.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(hex)) throw new RangeError(`datapath id ${JSON.stringify(id)} is not hex`);
  return hex.padStart(16, '0');
}

export interface SwitchBatch {
  readonly dpid: Dpid;
  readonly messages: OfMessage[];
}

/**
 * Messages for one or more switches, in the order the app wants them (the host still puts
 * deletes before adds, see docs/APPS.md). Handlers for one switch may return a plain array
 * instead; tick() and command handlers use an Outbox to address switches.
 */
export class Outbox {
  readonly #batches = new Map<Dpid, OfMessage[]>();

  /** Queue messages for a switch. */
  to(dpid: bigint | string, ...messages: OfMessage[]): this {
    const key = toDpid(dpid);
    let list = this.#batches.get(key);
    if (!list) this.#batches.set(key, (list = []));
    list.push(...messages);
    return this;
  }

  /** Queue the same messages for several switches. */
  toEach(dpids: Iterable<bigint | string>, ...messages: OfMessage[]): this {
    for (const d of dpids) this.to(d, ...messages);
    return this;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#batches.values()) n += list.length;
    return n;
  }

  batches(): SwitchBatch[] {
    return [...this.#batches].map(([dpid, messages]) => ({ dpid, messages }));
  }
}

/** What an event handler returns: messages for the event's switch, an Outbox, or nothing. */
export type Out = OfMessage[] | Outbox | void | undefined;
