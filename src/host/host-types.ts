/**
 * What the app host keeps per app and per switch, and how it calls handlers: shared by
 * app-host.ts and collect.ts.
 */
import { codecForType } from '../../protocol/index.js';
import type { ErrorMsg, FlowRemoved, OfMessage, PortStatus } from '../../protocol/index.js';
import type { App, AppCluster, AppContext, AppLogger, AppState, Out, PacketInEvent, SharedChange, SwitchView } from '../../apps/sdk/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import type { SendErrorCallback } from '../openflow/error-routes.js';
import type { AppCounters } from './counters.js';
import type { AppHealth, AppWatch, WatchdogOptions } from './watchdog.js';
import type { ReconcileOptions } from './reconcile-types.js';

export interface HostLogger extends AppLogger {}

export interface AppHostOptions {
  apps: readonly App[];
  log: HostLogger;
  /** The logger given to an app (default: the host logger). */
  appLogger?: (name: string) => AppLogger;
  /** The injected clock (ms). Default Date.now. */
  clock?: () => number;
  /** Interval of tick() once start() is called. Default 1000 ms. */
  tickIntervalMs?: number;
  appOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Reconciliation options (docs/STATE.md); defaults in reconcile-types.ts. */
  reconcile?: Partial<ReconcileOptions>;
  /** A cluster instance writes only to the switches it masters: reconciliation skips the others. */
  mayWrite?: (dpid: string) => boolean;
  /**
   * With mayWrite: hand an app's writes for a switch this instance does not master to its
   * master (docs/CLUSTER.md, "Apps' writes"). Called with the messages in the order the switch
   * must apply them (deletes, barrier, the rest).
   */
  forward?: (dpid: string, msgs: readonly OfMessage[]) => void;
  /** ctx.cluster of each app (a cluster instance only). */
  appCluster?: (appName: string) => AppCluster | undefined;
  /** The app watchdog's limits (watchdog.ts; default DEFAULT_WATCHDOG). */
  watchdog?: Partial<WatchdogOptions>;
  /** Measures handler time for the watchdog (ms). Default performance.now; tests inject one. */
  timer?: () => number;
  /** How long (ms) the thread waited for a CPU during a slow call (default: Linux schedstat, cpu-wait.ts). */
  cpuWaitMs?: () => number;
  /** Told when the watchdog disables an app or an operator enables it (the event stream). */
  onAppState?: (app: string, health: Readonly<AppHealth>) => void;
  /** Each app's persisted configuration (ctx.state); default: kept in memory. */
  appState?: (appName: string) => AppState;
}

export interface Entry {
  /** Position in load order (index into Attached.onError). */
  readonly index: number;
  readonly app: App;
  readonly appId: number;
  readonly ctx: AppContext;
  readonly counters: AppCounters;
  readonly watch: AppWatch;
}

export interface Pending {
  entry: Entry;
  msg: OfMessage;
}

/** What one dispatch collected, message i from entries[i] for switch dpids[i]. */
export interface Collected {
  entries: Entry[];
  msgs: OfMessage[];
  dpids: string[];
}

/** A connected switch as the host keeps it. */
export interface Attached {
  readonly conn: SwitchConnection;
  readonly view: SwitchView;
  /**
   * Per app (Entry.index), the send() error callback used for apps without an error()
   * handler: made once per switch, not once per message, and holding no message (a callback
   * kept per FLOW_MOD until the next barrier kept every FLOW_MOD alive for the garbage
   * collector to copy and promote).
   */
  readonly onError: (SendErrorCallback | undefined)[];
}

/** How #dispatch calls a handler: static functions, so no closure is made per event. */
export type Call = (app: App, a: unknown, b: unknown) => Out;
export const callPacketIn: Call = (app, sw, ev) => app.packetIn!(sw as SwitchView, ev as PacketInEvent);
export const callFlowRemoved: Call = (app, sw, msg) => app.flowRemoved!(sw as SwitchView, msg as FlowRemoved);
export const callPortStatus: Call = (app, sw, msg) => app.portStatus?.(sw as SwitchView, msg as PortStatus);
export const callSwitchUp: Call = (app, sw) => app.switchUp?.(sw as SwitchView);
export const callSwitchDown: Call = (app, sw, reason) => app.switchDown?.(sw as SwitchView, reason as string);
export const callTick: Call = (app, now) => app.tick?.(now as number);
export const callEmit: Call = (_app, out) => out as Out;
export const callStateChanged: Call = (app, keys) => app.stateChanged?.(keys as readonly string[]);
export const callSharedChanged: Call = (app, changes) => app.sharedChanged?.(changes as readonly SharedChange[]);

/** The type name of the message an ERROR refers to (its data starts with that message). */
export function refusedType(err: ErrorMsg): string {
  const d = err.data;
  return (d.length >= 2 && codecForType(d[1]!)?.name) || 'unknown';
}

export type Handler = 'init' | 'switchUp' | 'switchDown' | 'portStatus' | 'packetIn' | 'flowRemoved' | 'error' | 'tick' | 'command' | 'emit' | 'defer' | 'desiredFlows' | 'adoptFlow' | 'stateChanged' | 'sharedChanged';

export function isMessage(msg: unknown): msg is OfMessage {
  return msg !== null && typeof msg === 'object' && typeof (msg as { type?: unknown }).type === 'string';
}

export function allMessages(msgs: readonly unknown[]): msgs is OfMessage[] {
  for (let i = 0; i < msgs.length; i++) if (!isMessage(msgs[i])) return false;
  return true;
}

export function entryAt(from: Entry | readonly Entry[], i: number): Entry {
  return Array.isArray(from) ? (from as readonly Entry[])[i]! : (from as Entry);
}
