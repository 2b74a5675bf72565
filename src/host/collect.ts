/**
 * Collecting what several apps returned in one dispatch, and handing it out per switch. An
 * output that is not messages, an Outbox or nothing is the app's failure (`fail`), never the
 * host's.
 */
import type { OfMessage } from '../../protocol/index.js';
import { Outbox } from '../../apps/sdk/index.js';
import type { Collected, Entry, Handler } from './host-types.js';
import { isMessage } from './host-types.js';

export type FailFn = (e: Entry, handler: Handler, err: unknown) => void;
/** Send messages to one switch; message i is from `from[i]`. */
export type FlushSwitchFn = (dpid: string, from: readonly Entry[], msgs: readonly OfMessage[]) => void;

/** Add one app's output to `c`; `dpid` is where a plain message array goes. */
export function collect(e: Entry, handler: Handler, out: unknown, dpid: string | undefined, c: Collected, fail: FailFn): void {
  if (out instanceof Outbox) {
    for (let i = 0; i < out.switchCount; i++) addMessages(e, handler, out.dpidAt(i), out.messagesAt(i), c, fail);
  } else if (Array.isArray(out)) {
    if (dpid === undefined) {
      fail(e, handler, new TypeError(`${handler} returned a message array; return an Outbox to address switches`));
      return;
    }
    addMessages(e, handler, dpid, out, c, fail);
  } else if (typeof (out as { then?: unknown }).then === 'function') {
    fail(e, handler, new TypeError('handlers must be synchronous (returned a promise); use ctx.emit() for later messages'));
  } else {
    fail(e, handler, new TypeError(`returned ${typeof out}; expected messages, an Outbox or nothing`));
  }
}

function addMessages(e: Entry, handler: Handler, d: string, msgs: readonly unknown[], c: Collected, fail: FailFn): void {
  for (let i = 0; i < msgs.length; i++) {
    const msg = msgs[i];
    if (!isMessage(msg)) {
      fail(e, handler, new TypeError(`returned ${JSON.stringify(msg)} where a message was expected`));
      continue;
    }
    c.entries.push(e);
    c.msgs.push(msg);
    c.dpids.push(d);
  }
}

/** Hand `c` out per switch, keeping each switch's message order. */
export function flushPerSwitch(c: Collected, flushSwitch: FlushSwitchFn): void {
  const n = c.msgs.length;
  if (n === 0) return;
  const first = c.dpids[0]!;
  let single = true;
  for (let i = 1; i < n && single; i++) single = c.dpids[i] === first;
  if (single) return flushSwitch(first, c.entries, c.msgs);
  const groups = new Map<string, { entries: Entry[]; msgs: OfMessage[] }>();
  for (let i = 0; i < n; i++) {
    const d = c.dpids[i]!;
    let g = groups.get(d);
    if (!g) groups.set(d, (g = { entries: [], msgs: [] }));
    g.entries.push(c.entries[i]!);
    g.msgs.push(c.msgs[i]!);
  }
  for (const [d, g] of groups) flushSwitch(d, g.entries, g.msgs);
}
