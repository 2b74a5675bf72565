/**
 * The bulk route's encoding of its flows, before anything is sent: every flow of the body as
 * FLOW_MOD bytes in one Writer (message k ends at ends[k]), or the first bad flow's 400 naming
 * flows[i]. Each flow is tried first by the byte reader (flow-bytes-fast.ts: no JSON.parse, no
 * objects); a flow it declines is parsed with JSON.parse and goes through the object shortcut
 * (flow-wire-fast.ts) or the general path (flowModFromFriendly + encode), which gives valid
 * flows their bytes and invalid ones today's error. Flows are taken in order and the first
 * error wins, so the answer to a bad body is the general path's whatever the shortcuts take.
 */
import { encodeInto } from '../../protocol/index.js';
import type { Writer } from '../../protocol/index.js';
import type { BulkBody } from './bulk-body.js';
import { prefixField, toHttpError } from './errors.js';
import { flowModFromFriendly } from './flow-json.js';
import type { FlowCommand } from './flow-json.js';
import { encodeFlowBytesFast } from './flow-bytes-fast.js';
import { encodeFlowModFast } from './flow-wire-fast.js';

/** Flows encoded between two pauses (~2-5 ms). */
export const SLICE = 1000;

/**
 * One parsed flow as FLOW_MOD bytes at w.pos: the object shortcut for the common shape, else
 * flowModFromFriendly + encode, which also gives invalid flows their 400.
 */
export function encodeBulkFlow(flow: unknown, command: FlowCommand, w: Writer): void {
  if (!encodeFlowModFast(flow, command, w)) encodeInto(flowModFromFriendly(flow, command), w);
}

/**
 * Flows [0, n) of `body` into `w`, ends[k] = w.pos after flow k; `pause` is awaited between
 * slices. A body still arriving may have fewer than `n` (then an upper bound): the flows it has
 * are encoded as they are located, and the count encoded is returned. Throws the first bad flow's HttpError with its field prefixed by flows[i].
 * `afterSlice(from, to)`, when given, runs after each slice is encoded and before the pause
 * (the bundle path sends the slice from there, so the switch works while the next is encoded);
 * what it throws passes through unchanged.
 */
export async function encodeBulkFlows(
  body: BulkBody,
  n: number,
  command: FlowCommand,
  w: Writer,
  ends: Uint32Array,
  pause: () => Promise<void>,
  afterSlice?: (from: number, to: number) => void | Promise<void>,
): Promise<number> {
  let i = 0;
  while (i < n) {
    const from = i;
    let to = Math.min(i + SLICE, n);
    // A body still arriving: the slice waits for its flows, and ends early with the body.
    let located = body.located(to);
    if (typeof located !== 'number') located = await located;
    if (located < to) to = located;
    if (to <= from) break;
    try {
      const bytes = body.bytes();
      // Flows the byte reader declined in this slice; from the second on, the rest of the slice
      // is parsed in one JSON.parse (a body of unusual flows), or one by one when that fails.
      let declined = 0;
      let list: unknown[] | undefined;
      let listFrom = 0;
      for (; i < to; i++) {
        if (!encodeFlowBytesFast(bytes, body.start(i), body.end(i), command, w)) {
          if (++declined === 2) {
            list = body.flowRange(i, to);
            listFrom = i;
          }
          encodeBulkFlow(list ? list[i - listFrom] : body.flow(i), command, w);
        }
        ends[i] = w.pos;
      }
    } catch (e) {
      prefixField(toHttpError(e), `flows[${i}]`);
    }
    if (afterSlice) await afterSlice(from, to);
    if (i < n) await pause();
  }
  return i;
}
