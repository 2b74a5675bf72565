/**
 * Pins set or removed over REST are kept in ctx.state (pins/<mac>) and restored at init, after
 * the pins of the app options: a stored pin is the operator's later word and replaces an option
 * pin of the same MAC. An option pin removed at run time comes back at the next start (options
 * stay configuration, docs/STATE.md).
 */
import type { AppContext } from '../sdk/index.js';
import { parsePin } from './pins.js';
import type { Pin } from './pins.js';
import type { Topology } from './topology.js';

export const pinKey = (mac: string): string => `pins/${mac}`;

export const pinRecord = (pin: Pin): { dpid: string; port: number } => ({ dpid: pin.dpid, port: pin.port });

export function restorePins(ctx: AppContext, topology: Topology): number {
  let n = 0;
  for (const [key, value] of ctx.state.entries('pins/')) {
    const v = (value ?? {}) as { dpid?: unknown; port?: unknown };
    try {
      topology.pin(parsePin(key.slice('pins/'.length), v.dpid, v.port));
      n++;
    } catch (err) {
      ctx.log.warn({ key, pin: value, err: (err as Error).message }, 'persisted pin skipped');
    }
  }
  return n;
}
