/**
 * At switch up, the persisted groups, meters and flows of that switch are sent (groups and meters
 * first: flows refer to them). A group or meter the switch still holds is modified instead. This
 * stands in for the reconciliation engine, which diffs instead of resending; errors are logged.
 */
import { OFPET, OFPGC, OFPGMFC, OFPMC, OFPMMFC } from '../../protocol/index.js';
import type { ErrorMsg, OfMessage } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import type { DesiredFlows } from './desired-flows.js';

export interface InstallLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export function installDesired(conn: SwitchConnection, desired: DesiredFlows, log: InstallLogger): void {
  const dpid = conn.info.dpid;
  const st = desired.stateFor(dpid);
  if (st.flows.length + st.groups.length + st.meters.length === 0) return;
  const failed = (what: OfMessage) => (err: ErrorMsg) => log.warn({ dpid, type: what.type, errType: err.errType, code: err.code }, 'persisted object refused by the switch');
  for (const g of st.groups) {
    conn.send(g, (err) => {
      if (err.errType === OFPET.GROUP_MOD_FAILED && err.code === OFPGMFC.GROUP_EXISTS) conn.send({ ...g, command: OFPGC.MODIFY }, failed(g));
      else failed(g)(err);
    });
  }
  for (const m of st.meters) {
    conn.send(m, (err) => {
      if (err.errType === OFPET.METER_MOD_FAILED && err.code === OFPMMFC.METER_EXISTS) conn.send({ ...m, command: OFPMC.MODIFY }, failed(m));
      else failed(m)(err);
    });
  }
  for (const f of st.flows) conn.send(f, failed(f));
  log.info({ dpid, flows: st.flows.length, groups: st.groups.length, meters: st.meters.length }, 'persisted flows, groups and meters installed');
}
