/**
 * Where bus events come from outside the topology app: the connection layer's switch up/down
 * (a lifecycle listener on the OpenFlow server, off the message path) and the switch ERRORs the
 * connection layer reports through OpenFlowStats.onSwitchError, reconciliations, and the app
 * watchdog's disables and re-enables.
 */
import { codecForType, errorCodeName, errorTypeName } from '../../../protocol/index.js';
import type { ErrorMsg } from '../../../protocol/index.js';
import type { SwitchLifecycleListener } from '../../openflow/switch-connection.js';
import type { ReconcileResult } from '../../host/reconcile-types.js';
import type { AppHealth } from '../../host/watchdog.js';
import type { EventBus, WeftEventBody } from './bus.js';

/** Publishes switch_up / switch_down (subscribe it with OpenFlowServer.onLifecycle). */
export function switchLifecycleEvents(bus: EventBus): SwitchLifecycleListener {
  return {
    switchUp: (sw) => bus.publish({ type: 'switch_up', dpid: sw.info.dpid, remoteAddress: sw.info.remoteAddress, remotePort: sw.info.remotePort }),
    switchDown: (sw, reason) => bus.publish({ type: 'switch_down', dpid: sw.info.dpid, reason }),
  };
}

/** A switch ERROR as a flow_error event; the refused message's type comes from the echoed header. */
export function flowErrorEvent(dpid: string, err: ErrorMsg): WeftEventBody {
  const typeByte = err.data.length >= 2 ? err.data[1]! : -1;
  const request = typeByte >= 0 ? (codecForType(typeByte)?.name ?? `type ${typeByte}`) : '';
  return { type: 'flow_error', dpid, xid: err.xid, errorType: errorTypeName(err.errType), errorCode: errorCodeName(err.errType, err.code), request };
}

/** A finished reconciliation as a switch_reconciled event (error: '' when it finished). */
export function reconciledEvent(r: ReconcileResult): WeftEventBody {
  const f = r.flows;
  return {
    type: 'switch_reconciled',
    dpid: r.dpid,
    trigger: r.trigger,
    durationMs: r.durationMs,
    added: f.added,
    modified: f.modified,
    deleted: f.deleted,
    kept: f.kept,
    adopted: f.adopted,
    foreign: f.foreign,
    failed: f.failed,
    error: r.error ?? '',
  };
}

/** The watchdog disabled an app, or an operator enabled it again, as an app_disabled / app_enabled event. */
export function appStateEvent(app: string, h: Readonly<AppHealth>): WeftEventBody {
  return h.state === 'disabled' ? { type: 'app_disabled', app, reason: h.reason ?? '', disables: h.disables } : { type: 'app_enabled', app, reason: '', disables: h.disables };
}
