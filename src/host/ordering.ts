/**
 * Per-switch ordering of one batch of app messages. A switch may reorder messages between
 * barriers (OpenFlow 1.3.5 section 6.2), so a delete followed by an add of an overlapping flow
 * could remove the new flow. The host sends deletes first, then (only if anything follows) a
 * barrier, then everything else. Within each part: flow deletes before group/meter deletes
 * (a group in use cannot be deleted cleanly), meters and groups before the flows that use them,
 * flow adds/modifies before packet-outs (so a packet sent to TABLE sees the new flows).
 * The order of messages within one rank is kept.
 */
import { OFPFC, OFPGC, OFPMC } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';

export function isDelete(msg: OfMessage): boolean {
  switch (msg.type) {
    case 'flowMod':
      return msg.command === OFPFC.DELETE || msg.command === OFPFC.DELETE_STRICT;
    case 'groupMod':
      return msg.command === OFPGC.DELETE;
    case 'meterMod':
      return msg.command === OFPMC.DELETE;
    default:
      return false;
  }
}

function rank(msg: OfMessage): number {
  switch (msg.type) {
    case 'flowMod':
      return isDelete(msg) ? 0 : 4;
    case 'groupMod':
      return isDelete(msg) ? 1 : 3;
    case 'meterMod':
      return isDelete(msg) ? 1 : 2;
    default:
      return 5;
  }
}

export interface OrderedBatch<T> {
  deletes: T[];
  /** True when a barrier must go between deletes and rest. */
  barrier: boolean;
  rest: T[];
}

/** Order items carrying a message (each item keeps whatever else the caller attached). */
export function orderBatch<T extends { msg: OfMessage }>(items: readonly T[]): OrderedBatch<T> {
  const ranked = items.map((item, i) => ({ item, i, r: rank(item.msg) }));
  ranked.sort((a, b) => a.r - b.r || a.i - b.i);
  const deletes: T[] = [];
  const rest: T[] = [];
  for (const { item, r } of ranked) (r <= 1 ? deletes : rest).push(item);
  return { deletes, barrier: deletes.length > 0 && rest.length > 0, rest };
}

/**
 * True when orderBatch() would return these messages unchanged and without a barrier: no
 * deletes, ranks already ascending. The app host's fast path (a packet-in's flow mod and
 * packet-out) checks this instead of sorting.
 */
export function inHostOrder(msgs: readonly OfMessage[]): boolean {
  let last = 2;
  for (let i = 0; i < msgs.length; i++) {
    const r = rank(msgs[i]!);
    if (r < last) return false;
    last = r;
  }
  return true;
}
