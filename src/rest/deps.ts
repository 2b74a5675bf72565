/**
 * What the REST layer needs from the rest of weft, as a narrow interface: startWeft passes the
 * real OpenFlow server and app host, tests may pass fakes. Nothing here owns a socket.
 */
import type { App } from '../../apps/sdk/index.js';
import type { WeftConfig } from '../config/schema.js';
import type { HostCounters } from '../host/app-host.js';
import type { Reconciler } from '../host/reconciler.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import type { WeftMetrics } from '../metrics.js';
import type { EventBus } from './events/bus.js';
import type { RestState } from './persist.js';

export interface RestLogger {
  child(bindings: Record<string, unknown>): RestLogger;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

import type { AppHealth } from '../host/watchdog.js';

export interface RestHost {
  apps(): { name: string; appId: number; cookieBase: bigint }[];
  counters(): HostCounters;
  command(appName: string, name: string, args: unknown): unknown;
  /** Reconciliation status and runs per switch (absent: 503 from its routes). */
  reconciler?: Pick<Reconciler, 'status' | 'reconcile'>;
  /** The watchdog's state per app (AppHost.health). */
  health?(): Record<string, AppHealth>;
  /** Run an app the watchdog disabled again; false when it was enabled (AppHost.enable). */
  enable?(appName: string): boolean;
  /** An app's options in force (AppHost.appOptions). */
  appOptions?(appName: string): Record<string, unknown>;
  /** Change an app's options at run time, saved (AppHost.setAppOptions). */
  setAppOptions?(appName: string, patch: unknown): Promise<Record<string, unknown>>;
}

/** The `rest` section of the config (documented there). */
export type RestConfig = WeftConfig['rest'];

export interface RestCluster {
  readonly name: string;
  /** False while this instance's lease is not known renewed (etcd lost): it writes nowhere. */
  member(): boolean;
  mayWrite(dpid: string): boolean;
  masterOf(dpid: string): string | undefined;
  /** An instance's REST address (host:port) from its member record, for proxied writes. */
  memberRest(name: string): string | undefined;
  status(): Promise<Record<string, unknown>>;
  /** Hand writes to the switch's master through etcd; resolves with its name (docs/CLUSTER.md). */
  forward(dpid: string, msgs: readonly import('../../protocol/index.js').OfMessage[]): Promise<string>;
}

export interface RestDeps {
  /** Announced switches by dpid (16 hex digits): OpenFlowServer.switches. */
  switches(): ReadonlyMap<string, SwitchConnection>;
  host: RestHost;
  /** A loaded app by name (for its routes, stats and services such as topology). */
  app(name: string): App | undefined;
  /** True while the OpenFlow listeners are up (for /ready). */
  ready(): boolean;
  metrics: WeftMetrics;
  log: RestLogger;
  /** weft's version, for the OpenAPI document. */
  version: string;
  /** Live events for /api/v1/events (none: the stream stays silent). */
  events?: EventBus;
  /** The state store REST writes persist into (none: nothing is persisted). */
  state?: RestState;
  /** This instance's cluster (docs/CLUSTER.md); none: a single instance. */
  cluster?: RestCluster;
}
