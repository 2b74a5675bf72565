/**
 * Writes confirmed by a barrier: send the messages, then a BARRIER_REQUEST; when its reply
 * arrives every message before it was processed, so an ERROR for any of them has arrived too.
 * An ERROR becomes an HTTP 409/422 with the OpenFlow type and code names, never a silent 200.
 */
import type { ErrorMsg, OfMessage } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import { switchErrorToHttp, toHttpError } from './errors.js';

export async function confirmedWrite(conn: SwitchConnection, msgs: readonly OfMessage[], what: string): Promise<void> {
  let first: ErrorMsg | undefined;
  try {
    for (const m of msgs) conn.send(m, (err) => (first ??= err));
  } catch (e) {
    // An encode failure (a value the codec refuses) before anything reached the switch.
    throw toHttpError(e);
  }
  await conn.barrier();
  if (first) throw switchErrorToHttp(first, what);
}

export interface BulkError {
  index: number;
  openflow: { type: string; code: string };
}
