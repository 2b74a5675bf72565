/**
 * Where l2-learning's code puts the messages it produces. An Outbox is one; a Collector is the
 * cheaper one a packet-in handler uses: while every message goes to the packet-in's switch
 * (nearly always) it keeps a plain array, which the host sends as it is, and it turns into an
 * Outbox, keeping the order of what it holds, once another switch is addressed.
 */
import type { OfMessage } from '../../protocol/index.js';
import type { Dpid, Out } from '../sdk/index.js';
import { Outbox } from '../sdk/index.js';

export interface Sink {
  to(dpid: Dpid, ...messages: OfMessage[]): unknown;
}

export class Collector implements Sink {
  readonly #dpid: Dpid;
  #msgs: OfMessage[] | undefined;
  #box: Outbox | undefined;

  /** Messages for `dpid` (the event's switch); `box`, if given, is added to from the start. */
  constructor(dpid: Dpid, box?: Outbox) {
    this.#dpid = dpid;
    this.#box = box;
  }

  to(dpid: Dpid, ...messages: OfMessage[]): this {
    if (this.#box) {
      this.#box.to(dpid, ...messages);
    } else if (dpid === this.#dpid) {
      if (this.#msgs) this.#msgs.push(...messages);
      else this.#msgs = messages;
    } else {
      const box = (this.#box = new Outbox());
      if (this.#msgs) box.to(this.#dpid, ...this.#msgs);
      this.#msgs = undefined;
      box.to(dpid, ...messages);
    }
    return this;
  }

  /** What the handler returns: the array, the Outbox, or nothing. */
  result(): Out {
    if (this.#box) return this.#box.size > 0 ? this.#box : undefined;
    return this.#msgs;
  }
}
