/**
 * The contract between weft and its apps. An app is a set of event handlers: the host calls
 * them in load order and sends what they return. Apps never touch sockets or timers, and read
 * the time only through ctx.now(), so they run the same against a real switch or a fake one.
 */
import type { ErrorMsg, FeaturesReply, FlowMod, FlowRemoved, FlowStats, OfMessage, PacketIn, Port, PortStatus, DescStats } from '../../protocol/index.js';
import type { Dpid, Out, Outbox } from './outbox.js';
import type { Frame } from './frame.js';
import type { AppRoutes } from './routes.js';
import type { AppApis, AppName } from './app-apis.js';
import type { AppState } from './state.js';
import type { AppCluster, SharedChange } from './cluster.js';

/** A read-only view of a connected switch. */
export interface SwitchView {
  readonly dpid: Dpid;
  readonly datapathId: bigint;
  readonly nTables: number;
  readonly features: FeaturesReply;
  /** Current ports by number (PORT_STATUS already applied when portStatus is delivered). */
  readonly ports: ReadonlyMap<number, Port>;
  readonly desc: DescStats | undefined;
  readonly remoteAddress: string;
  readonly connectedAt: number;
}

/** A packet-in with its frame decoded on first use. */
export interface PacketInEvent {
  readonly msg: PacketIn;
  /** in_port from the packet-in's match (0 if the switch left it out). */
  readonly inPort: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** The frame bytes (possibly truncated to miss_send_len). */
  readonly data: Uint8Array;
  /** The decoded frame; computed once, on first read. */
  readonly frame: Frame;
  /** True when the packet-in came from a table miss (or a flow no app owns). */
  readonly miss: boolean;
}

/** The logger an app gets (a pino child logger named app:<name>). */
export interface AppLogger {
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** What the host gives an app in init(). */
export interface AppContext {
  readonly name: string;
  /** The app's id: the high 16 bits of every cookie it owns. */
  readonly appId: number;
  /** This app's cookie with low part 0, and the mask that selects the app part. */
  readonly cookieBase: bigint;
  readonly cookieMask: bigint;
  /** A cookie in this app's range (low: up to 48 bits of the app's own). */
  cookie(low?: number | bigint): bigint;
  /** Whether a cookie is in this app's range. */
  owns(cookie: bigint): boolean;
  /** A flow delete of every flow this app owns (all tables unless one is given). */
  deleteOwnFlows(table?: number): FlowMod;
  /**
   * The injected clock, in milliseconds. While a packet-in is handled it is the reading taken
   * when the host began handling it (one read for every app, however often they ask).
   */
  now(): number;
  readonly log: AppLogger;
  /** Per-app options from the config (appOptions.<name>), or {}. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Configuration this app changed at run time, kept across restarts (state.ts). */
  readonly state: AppState;
  /** This instance's cluster (docs/CLUSTER.md): undefined on a single instance. */
  readonly cluster?: AppCluster;
  /** Currently connected switches. */
  switches(): SwitchView[];
  switch(dpid: Dpid | bigint): SwitchView | undefined;
  /**
   * The API another loaded app offers (see app-apis.ts): `ctx.app('topology')` is the topology
   * service, typed by apps/topology/api.ts; undefined when that app is not loaded. Use it from
   * init() on: every app is loaded before any init() runs.
   */
  app<K extends AppName>(name: K): AppApis[K] | undefined;
  /**
   * Send messages outside an event's return value: for command handlers, which return a
   * result instead. Messages go through the same ordering and error routing.
   */
  emit(out: Outbox): void;
  /**
   * Messages caused outside this app's own handlers (in a listener of another app's events, a
   * cache's expiry callback): the host adds them, ahead of the apps' output, to the batch of
   * the event being handled, so their deletes share that batch's barrier and ordering; with no
   * event being handled they are sent at once. A function is called once, when the host takes
   * the deferred messages, to fill an Outbox: one flush for many causes in one event.
   */
  defer(out: Outbox | ((out: Outbox) => void)): void;
}

export interface App {
  /** Unique among loaded apps; also the logger name (app:<name>) and the options key. */
  readonly name: string;
  /** A fixed app id (1-65535) for the cookie range; by default the host derives one from the name. */
  readonly cookie?: number;
  /**
   * Receive packet-ins caused by table misses (and by flows no app owns). Packet-ins from a
   * flow with this app's cookie always reach it.
   */
  readonly receiveTableMiss?: boolean;
  /**
   * The app's state and messages each concern the switch of the event at hand, never several
   * switches together (no topology, no paths), so switches can be spread over worker processes,
   * each running its own copy of the app for the switches it holds (`openflow.workers`, see
   * docs/CONTROLLER.md). weft starts workers only when every loaded app says so.
   */
  readonly switchLocal?: boolean;
  /** What this app offers other apps: AppApis[name], declared in its api.ts (see app-apis.ts). */
  readonly api?: unknown;
  init?(ctx: AppContext): void;
  switchUp?(sw: SwitchView): Out;
  switchDown?(sw: SwitchView, reason: string): Out;
  portStatus?(sw: SwitchView, msg: PortStatus): Out;
  packetIn?(sw: SwitchView, ev: PacketInEvent): Out;
  flowRemoved?(sw: SwitchView, msg: FlowRemoved): Out;
  /** The switch refused `sent` (a message this app emitted) with `err`. */
  error?(sw: SwitchView, err: ErrorMsg, sent: OfMessage): Out;
  /**
   * The flows this app wants on `sw` now, built from its state (flow adds with cookies in the
   * app's range). The host reconciles them at every switch up and audit (docs/STATE.md):
   * missing ones are installed, changed ones modified, identical ones left untouched. An app
   * with this method returns no flow adds for them from switchUp.
   */
  desiredFlows?(sw: SwitchView): FlowMod[];
  /**
   * A flow in this app's cookie range that the switch holds and desiredFlows does not name:
   * state the app installed earlier (a learned path, a NAT session), possibly by a previous
   * run. Return true to keep it (and rebuild state from it); false, or no method, lets the
   * host delete it.
   */
  adoptFlow?(sw: SwitchView, flow: FlowStats): boolean;
  /**
   * Keys of this app's ctx.state changed (in a cluster: written by another instance, or by
   * this one, delivered once the store has them): re-read them and apply. Called only in a
   * cluster. Messages returned go to the switches this instance masters (every instance gets
   * the same call and updates its own switches).
   */
  stateChanged?(keys: readonly string[]): Out;
  /**
   * Entries other instances published for this app changed (ctx.cluster.publish), in the order
   * etcd committed them. Messages returned go to the switches this instance masters.
   */
  sharedChanged?(changes: readonly SharedChange[]): Out;
  /** Called every host tick interval with ctx.now(). */
  tick?(now: number): Out;
  /** A named command from the operator (REST, CLI); the result is returned to the caller. */
  command?(name: string, args: unknown): unknown;
  /**
   * Options changed at run time (REST PUT /api/v1/apps/<name>/options): called with the app's
   * whole option set after the change, and at start (after init) with the changes saved before.
   * Throw (naming the key) to refuse; nothing may change then. Without it, options are fixed
   * at start.
   */
  setOptions?(options: Readonly<Record<string, unknown>>): void;
  /**
   * REST routes of this app, mounted under /api/v1/apps/<name> (see routes.ts and docs/APPS.md).
   * Called once when the REST server starts, after init().
   */
  routes?(r: AppRoutes): void;
  /**
   * Numbers worth graphing (MACs learned, hosts, links...), read at every /metrics scrape and
   * exported as weft_app_stat{app, stat}. Keep it cheap: sizes of structures the app has.
   */
  stats?(): Record<string, number>;
}

/** An app module's default export: an App, or a factory given the app's options. */
export type AppFactory = (options: Readonly<Record<string, unknown>>) => App;
export type AppModule = { default: App | AppFactory };

export type { Frame };
