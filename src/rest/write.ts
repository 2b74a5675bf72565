/**
 * Writes confirmed by a barrier: send the messages, then a BARRIER_REQUEST; when its reply
 * arrives every message before it was processed, so an ERROR for any of them has arrived too.
 * An ERROR becomes an HTTP 409/422 with the OpenFlow type and code names, never a silent 200.
 */
import type { ErrorMsg, OfMessage } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import { HttpError, switchErrorToHttp, toHttpError } from './errors.js';

/**
 * A cluster instance that is not the switch's master must not write to it (the connection drops
 * such writes): say so instead of answering a write that never happened.
 */
export function requireMaster(conn: SwitchConnection): void {
  if (conn.writeGate && !conn.writeGate()) {
    throw new HttpError(409, 'not_master', `this instance is not the master of switch ${conn.info.dpid}: write through its master (GET /api/v1/cluster)`);
  }
}

export async function confirmedWrite(conn: SwitchConnection, msgs: readonly OfMessage[], what: string): Promise<void> {
  requireMaster(conn);
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
