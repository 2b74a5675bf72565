import type { OfMessage } from '../../protocol/index.js';

/** A datapath id as 16 lowercase hex digits (the form SwitchView.dpid has). */
export type Dpid = string;

/** True when `s` is already 16 lowercase hex digits: the usual case (a SwitchView's dpid). */
function isCanonicalDpid(s: string): boolean {
  if (s.length !== 16) return false;
  for (let i = 0; i < 16; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Normalize a datapath id given as a bigint or hex text (colons allowed) to 16 hex digits. */
export function toDpid(id: bigint | string): Dpid {
  if (typeof id === 'bigint') {
    if (id < 0n || id > 0xffff_ffff_ffff_ffffn) throw new RangeError(`datapath id ${id} does not fit in 64 bits`);
    return id.toString(16).padStart(16, '0');
  }
  // Apps address the switch of the event they handle (sw.dpid) for nearly every message: no
  // regular expressions and no new string for a dpid that is canonical already.
  if (isCanonicalDpid(id)) return id;
  const hex = id.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(hex)) throw new RangeError(`datapath id ${JSON.stringify(id)} is not hex`);
  return hex.padStart(16, '0');
}

export interface SwitchBatch {
  readonly dpid: Dpid;
  readonly messages: OfMessage[];
}

/** Switches an Outbox looks up by scanning; past this many it builds a Map index. */
const SCAN_MAX = 8;

/**
 * Messages for one or more switches, in the order the app wants them (the host still puts
 * deletes before adds, see docs/APPS.md). Handlers for one switch may return a plain array
 * instead; tick() and command handlers use an Outbox to address switches.
 *
 * Apps make one per packet-in, usually for one switch: so it is two parallel arrays (switch
 * order = first-queued order) looked up by scanning, with a Map index only for many switches.
 */
export class Outbox {
  readonly #dpids: Dpid[] = [];
  readonly #lists: OfMessage[][] = [];
  #index: Map<Dpid, number> | undefined;

  /** Queue messages for a switch. */
  to(dpid: bigint | string, ...messages: OfMessage[]): this {
    const list = this.#listFor(toDpid(dpid));
    for (let i = 0; i < messages.length; i++) list.push(messages[i]!);
    return this;
  }

  /** Queue the same messages for several switches. */
  toEach(dpids: Iterable<bigint | string>, ...messages: OfMessage[]): this {
    for (const d of dpids) this.to(d, ...messages);
    return this;
  }

  get size(): number {
    let n = 0;
    for (const list of this.#lists) n += list.length;
    return n;
  }

  batches(): SwitchBatch[] {
    return this.#dpids.map((dpid, i) => ({ dpid, messages: this.#lists[i]! }));
  }

  /** Switches addressed (batches() without making it: the app host reads an Outbox per event). */
  get switchCount(): number {
    return this.#dpids.length;
  }

  /** The dpid of the i-th switch addressed (0 <= i < switchCount). */
  dpidAt(i: number): Dpid {
    return this.#dpids[i]!;
  }

  /** The messages queued for the i-th switch addressed, not copied. */
  messagesAt(i: number): OfMessage[] {
    return this.#lists[i]!;
  }

  #listFor(key: Dpid): OfMessage[] {
    const dpids = this.#dpids;
    let i = -1;
    if (this.#index) i = this.#index.get(key) ?? -1;
    else {
      for (let k = 0; k < dpids.length; k++) {
        if (dpids[k] === key) {
          i = k;
          break;
        }
      }
    }
    if (i >= 0) return this.#lists[i]!;
    const list: OfMessage[] = [];
    dpids.push(key);
    this.#lists.push(list);
    if (this.#index) this.#index.set(key, dpids.length - 1);
    else if (dpids.length > SCAN_MAX) this.#index = new Map(dpids.map((d, k) => [d, k]));
    return list;
  }
}

/** What an event handler returns: messages for the event's switch, an Outbox, or nothing. */
export type Out = OfMessage[] | Outbox | void | undefined;
