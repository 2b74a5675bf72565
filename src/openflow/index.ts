/** The OpenFlow connection layer: listeners, per-switch connections, and their contract. */
export { OpenFlowServer } from './server.js';
export type { OpenFlowServerOptions, BoundAddress } from './server.js';
export { OpenFlowConnection } from './connection.js';
export type { ConnectionState, RoleName } from './connection.js';
export type { ListenerConfig, TlsListenerConfig, PemSource } from './listener.js';
export { DEFAULT_CONNECTION_OPTIONS, resolveConnectionOptions } from './options.js';
export type { ConnectionOptions, DpidConflictPolicy, OfLogger } from './options.js';
export { SwitchError, RequestError } from './switch-connection.js';
export type { SwitchConnection, SwitchInfo, ConnectionEvents, SwitchLifecycleListener, RequestOptions } from './switch-connection.js';
export { OpenFlowStats } from './stats.js';
export { TurnScheduler, TURN_BUDGET_MS } from './turn-scheduler.js';
