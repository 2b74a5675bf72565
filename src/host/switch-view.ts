import type { SwitchView } from '../../apps/sdk/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';

/** A read-only SwitchView over a live connection: ports stay current as PORT_STATUS arrives. */
export function switchViewOf(conn: SwitchConnection): SwitchView {
  const info = conn.info;
  return Object.freeze({
    dpid: info.dpid,
    datapathId: info.datapathId,
    nTables: info.features.nTables,
    features: info.features,
    get ports() {
      return info.ports;
    },
    get desc() {
      return info.desc;
    },
    remoteAddress: info.remoteAddress,
    connectedAt: info.connectedAt,
  });
}
