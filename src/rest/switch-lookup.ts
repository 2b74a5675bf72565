import type { SwitchConnection } from '../openflow/switch-connection.js';
import { requireDpid } from './dpid.js';
import type { RestDeps } from './deps.js';
import { HttpError } from './errors.js';

/** The connected switch named by a dpid path parameter: 400 for a malformed id, 404 if not connected. */
export function lookupSwitch(deps: Pick<RestDeps, 'switches'>, dpidParam: string): SwitchConnection {
  const dpid = requireDpid(dpidParam);
  const conn = deps.switches().get(dpid);
  if (!conn || conn.closed) throw new HttpError(404, 'not_found', `switch ${dpid} is not connected`);
  return conn;
}
