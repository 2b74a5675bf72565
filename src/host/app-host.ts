/**
 * The app host: turns connection events into app events, collects what apps return, orders it
 * per switch (deletes, barrier, adds), sends it, and routes switch errors back to the app whose
 * message caused them. An app that throws is logged (one line per event), counted, and skipped;
 * the other apps and the controller carry on.
 */
import { errorCodeName, OFPR } from '../../protocol/index.js';
import type { ErrorMsg, FlowRemoved, OfMessage, PacketIn, PortStatus } from '../../protocol/index.js';
import type { App, AppCluster, AppContext, AppLogger, AppState, Out, SharedChange, SwitchView } from '../../apps/sdk/index.js';
import { HttpError, memoryAppState, Outbox } from '../../apps/sdk/index.js';
import { cookieAppId, NO_FLOW_COOKIE } from '../../apps/sdk/cookies.js';
import type { ConnectionEvents, SwitchConnection } from '../openflow/switch-connection.js';
import type { SendErrorCallback } from '../openflow/error-routes.js';
import { appContext } from './app-context.js';
import { changeOptions, effectiveOptions, restoreOptions } from './app-options.js';
import type { AppCounters, HostCounters } from './counters.js';
import { assignAppIds } from './app-ids.js';
import { DeferredQueue } from './deferred.js';
import { inHostOrder, orderBatch } from './ordering.js';
import { packetInEvent } from './packet-in-event.js';
import { switchViewOf } from './switch-view.js';
import { AppWatch, DEFAULT_WATCHDOG } from './watchdog.js';
import { cpuWait } from './cpu-wait.js';
import type { AppHealth, WatchdogOptions } from './watchdog.js';
import { LogLimiter } from '../log-limiter.js';
import { Reconciler } from './reconciler.js';
import type { DesiredStateSource, Participant } from './reconcile-types.js';
import { appParticipant, sourceParticipant } from './reconcile-participants.js';
import { collect, flushPerSwitch } from './collect.js';
import type { FailFn, FlushSwitchFn } from './collect.js';
import { allMessages, callEmit, callFlowRemoved, callPacketIn, callPortStatus, callSharedChanged, callStateChanged, callSwitchDown, callSwitchUp, callTick, entryAt, refusedType } from './host-types.js';
import { forwardLevel, splitForwarded } from './forwarding.js';
import type { ForwardLevel } from './forwarding.js';
import type { AppHostOptions, Attached, Call, Collected, Entry, Handler, HostLogger, Pending } from './host-types.js';

export type { AppHostOptions, HostLogger } from './host-types.js';
export type { AppCounters, HostCounters } from './counters.js';

export class AppHost implements ConnectionEvents {
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<number, Entry>();
  readonly #byName = new Map<string, Entry>();
  /** Apps that take table-miss packet-ins, in load order (fixed once the apps are loaded). */
  readonly #missSubscribers: Entry[] = [];
  /** Connected switches by dpid, and the view given to apps for each connection. */
  readonly #conns = new Map<string, Attached>();
  readonly #views = new Map<SwitchConnection, Attached>();
  /** A Collected to reuse (none while a dispatch holds it; a nested one makes its own). */
  #spare: Collected | undefined;
  /** What apps deferred, for the batch being built. */
  readonly #deferred = new DeferredQueue<Entry>();
  /** Dispatches running (a handler's ctx.emit nests one): 0 means no batch is being built. */
  #depth = 0;
  readonly #log: HostLogger;
  readonly #clock: () => number;
  readonly #handlerTimer: () => number;
  readonly #cpuWaitMs: () => number;
  /** When the last #invoke'd call ended (#handlerTimer time). */
  #callEnd = 0;
  readonly #watchdog: WatchdogOptions;
  /** The clock reading ctx.now() gives while a packet-in is being handled; -1 otherwise. */
  #packetInNow = -1;
  readonly #onAppState: AppHostOptions['onAppState'];
  readonly #tickIntervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #logLimit = new LogLimiter();
  readonly #counters: Required<Omit<HostCounters, 'apps'>> = {
    packetInsMiss: 0,
    packetInsOwned: 0,
    packetInsUnclaimed: 0,
    flowRemovedUnclaimed: 0,
    errorsUnclaimed: 0,
    barriers: 0,
    messagesForwarded: 0,
  };
  /** Cluster only: may this instance write to the switch, and how writes reach its master otherwise. */
  readonly #mayWrite: ((dpid: string) => boolean) | undefined;
  readonly #forward: AppHostOptions['forward'];
  /**
   * What the dispatch being handled may forward to other masters (forwarding.ts): 0 (nothing)
   * unless this is a cluster instance and the event is one only this instance sees.
   */
  #forwarding: ForwardLevel = 0;
  /** Reads switches and sends the difference to what apps and sources want (reconciler.ts). */
  readonly reconciler: Reconciler;
  readonly #participants: Participant[] = [];
  readonly #failFn: FailFn = (e, handler, err) => this.#fail(e, handler, err);
  readonly #flushSwitchFn: FlushSwitchFn = (dpid, from, msgs) => this.#flushSwitch(dpid, from, msgs);

  constructor(opts: AppHostOptions) {
    this.#log = opts.log;
    this.#clock = opts.clock ?? Date.now;
    this.#handlerTimer = opts.timer ?? (() => performance.now());
    // An injected timer is fake time: the real CPU wait does not apply to it.
    this.#cpuWaitMs = opts.cpuWaitMs ?? (opts.timer ? () => 0 : () => cpuWait().waitedMs());
    this.#watchdog = { ...DEFAULT_WATCHDOG, ...opts.watchdog };
    this.#onAppState = opts.onAppState;
    this.#tickIntervalMs = opts.tickIntervalMs ?? 1000;
    this.#mayWrite = opts.mayWrite;
    this.#forward = opts.mayWrite ? opts.forward : undefined;
    this.reconciler = new Reconciler({ participants: () => this.#participants, log: opts.log, clock: this.#clock, options: opts.reconcile, mayWrite: opts.mayWrite });
    const ids = assignAppIds(opts.apps);
    opts.apps.forEach((app, i) => {
      if (this.#byName.has(app.name)) throw new Error(`two apps are named ${app.name}`);
      const appId = ids[i]!;
      const entry: Entry = {
        index: i,
        app,
        appId,
        ctx: this.#contextFor(app, appId, opts.appLogger?.(app.name) ?? opts.log, opts.appOptions?.[app.name] ?? {}, opts.appState?.(app.name) ?? memoryAppState(), opts.appCluster?.(app.name)),
        counters: { events: 0, failures: {}, messagesSent: 0, messagesDropped: 0, switchErrors: 0 },
        watch: new AppWatch(this.#watchdog),
      };
      this.#entries.push(entry);
      this.#byId.set(appId, entry);
      this.#byName.set(app.name, entry);
      if (app.receiveTableMiss && app.packetIn) this.#missSubscribers.push(entry);
      this.#participants.push(appParticipant(app, entry.ctx, (handler, err) => this.#fail(entry, handler, err)));
    });
    // init() failing is a startup error, not something to run on without.
    for (const e of this.#entries) {
      try {
        e.app.init?.(e.ctx);
      } catch (err) {
        throw new Error(`app ${e.app.name}: init failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
      restoreOptions(e, this.#log);
    }
  }

  /** An app's options as it runs with them (configured, with run-time changes over them). */
  appOptions(appName: string): Record<string, unknown> {
    const e = this.#byName.get(appName);
    if (!e) throw new HttpError(404, 'not_found', `no app named ${appName}`);
    return effectiveOptions(e);
  }

  /** Change an app's options at run time (App.setOptions), saved in its state (app-options.ts). */
  setAppOptions(appName: string, patch: unknown): Promise<Record<string, unknown>> {
    const e = this.#byName.get(appName);
    if (!e) throw new HttpError(404, 'not_found', `no app named ${appName}`);
    return changeOptions(e, patch);
  }

  // ---------------------------------------------------------------- public surface

  /** Each app's watchdog state (enabled or disabled, why, slow calls), by name. */
  health(): Record<string, AppHealth> {
    const out: Record<string, AppHealth> = {};
    for (const e of this.#entries) out[e.app.name] = { ...e.watch.health };
    return out;
  }

  /**
   * Run a disabled app again (REST POST /api/v1/apps/NAME/enable). It missed the events of its
   * disabled time: it gets switchUp for every connected switch, as after a reconnect. Returns
   * false when it was not disabled.
   */
  enable(appName: string): boolean {
    const e = this.#byName.get(appName);
    if (!e) throw new Error(`no app named ${appName}`);
    if (e.watch.enabled) return false;
    e.watch.enable();
    this.#log.warn({ app: appName }, `app ${appName} enabled again`);
    this.#onAppState?.(appName, e.watch.health);
    for (const att of [...this.#conns.values()]) this.#dispatchOne('switchUp', e, att.view.dpid, callSwitchUp, att.view, undefined);
    return true;
  }

  /** Loaded apps in load order with their app ids. */
  apps(): { name: string; appId: number; cookieBase: bigint }[] {
    return this.#entries.map((e) => ({ name: e.app.name, appId: e.appId, cookieBase: e.ctx.cookieBase }));
  }

  switches(): SwitchView[] {
    return [...this.#conns.values()].map((a) => a.view);
  }

  counters(): HostCounters {
    const apps: Record<string, AppCounters> = {};
    for (const e of this.#entries) apps[e.app.name] = { ...e.counters, failures: { ...e.counters.failures } };
    return { ...this.#counters, apps };
  }

  /** Desired state from outside the apps (the state store), reconciled like the apps' own. */
  addDesiredSource(src: DesiredStateSource): void {
    if (this.#participants.some((p) => p.name === src.name)) throw new Error(`a desired-state source or app named ${src.name} exists already`);
    this.#participants.push(sourceParticipant(src));
  }

  /** Start the tick timer and the reconciliation audit. */
  start(): void {
    this.reconciler.start();
    if (this.#timer || !this.#entries.some((e) => e.app.tick)) return;
    this.#timer = setInterval(() => this.tick(), this.#tickIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.reconciler.stop();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Deliver a tick to every app with a tick handler. */
  tick(now: number = this.#clock()): void {
    this.#dispatch('tick', this.#entries, undefined, callTick, now, undefined);
  }

  /** Run an app's command handler; its exceptions are counted and passed to the caller. */
  command(appName: string, name: string, args: unknown): unknown {
    const e = this.#byName.get(appName);
    if (!e) throw new Error(`no app named ${appName}`);
    if (!e.app.command) throw new Error(`app ${appName} takes no commands`);
    e.counters.events++;
    try {
      return e.app.command(name, args);
    } catch (err) {
      this.#fail(e, 'command', err);
      throw err;
    }
  }

  /** Cluster: keys of an app's ctx.state changed in the store (App.stateChanged). */
  stateChanged(appName: string, keys: readonly string[]): void {
    const e = this.#byName.get(appName);
    if (e?.app.stateChanged && keys.length > 0) this.#dispatchOne('stateChanged', e, undefined, callStateChanged, keys, undefined);
  }

  /** Cluster: entries other instances published for an app changed (App.sharedChanged). */
  sharedChanged(appName: string, changes: readonly SharedChange[]): void {
    const e = this.#byName.get(appName);
    if (e?.app.sharedChanged && changes.length > 0) this.#dispatchOne('sharedChanged', e, undefined, callSharedChanged, changes, undefined);
  }

  // ---------------------------------------------------------------- ConnectionEvents

  switchUp(conn: SwitchConnection): void {
    const view = switchViewOf(conn);
    const old = this.#conns.get(view.dpid);
    if (old && old.conn !== conn) {
      // The connection layer should have reported the old one down first; be robust anyway.
      this.#log.warn({ dpid: view.dpid }, 'switch up while a connection with the same dpid is live; replacing it');
      this.switchDown(old.conn, 'replaced');
    }
    const att: Attached = { conn, view, onError: [] };
    this.#conns.set(view.dpid, att);
    this.#views.set(conn, att);
    this.#log.info({ dpid: view.dpid, remote: `${view.remoteAddress}`, ports: view.ports.size }, 'switch up');
    this.#dispatch('switchUp', this.#entries, view.dpid, callSwitchUp, view, undefined);
    this.reconciler.switchUp(conn, view);
  }

  switchDown(conn: SwitchConnection, reason: string): void {
    const att = this.#views.get(conn);
    if (!att) return;
    const view = att.view;
    this.#views.delete(conn);
    if (this.#conns.get(view.dpid) === att) {
      this.#conns.delete(view.dpid);
      this.reconciler.switchDown(view.dpid);
    }
    this.#log.info({ dpid: view.dpid, reason }, 'switch down');
    this.#dispatch('switchDown', this.#entries, undefined, callSwitchDown, view, reason);
  }

  message(conn: SwitchConnection, msg: OfMessage): void {
    const att = this.#views.get(conn);
    if (!att) {
      this.#log.debug({ type: msg.type }, 'message from a switch that is not up; ignored');
      return;
    }
    const view = att.view;
    switch (msg.type) {
      case 'packetIn':
        return this.#packetIn(view, msg);
      case 'flowRemoved':
        return this.#flowRemoved(view, msg);
      case 'portStatus':
        return this.#portStatus(view, msg);
      case 'error':
        this.#counters.errorsUnclaimed++;
        // A flood of unsolicited ERRORs must not become a flood of log lines (counted either way).
        if (this.#logLimit.allow(view.dpid, (n) => this.#log.warn({ dpid: view.dpid, suppressed: n }, `${n} more switch errors not caused by an app message were not logged`))) {
          this.#log.warn({ dpid: view.dpid, xid: msg.xid, error: errorCodeName(msg.errType, msg.code) }, 'switch error not caused by an app message');
        }
        return;
      default:
        this.#log.debug({ dpid: view.dpid, type: msg.type }, 'message ignored');
    }
  }

  // ---------------------------------------------------------------- routing

  #owner(cookie: bigint): Entry | undefined {
    if (cookie === NO_FLOW_COOKIE) return undefined;
    return this.#byId.get(cookieAppId(cookie));
  }

  #packetIn(view: SwitchView, msg: PacketIn): void {
    // One clock read per packet-in for every app's ctx.now() (each app read it once or more,
    // ~40 ns a read here, and they want the same instant: when the packet-in is handled).
    const outer = this.#packetInNow;
    this.#packetInNow = this.#clock();
    try {
      this.#routePacketIn(view, msg);
    } finally {
      this.#packetInNow = outer;
    }
  }

  #routePacketIn(view: SwitchView, msg: PacketIn): void {
    const owner = this.#owner(msg.cookie);
    if (owner?.app.packetIn) {
      this.#counters.packetInsOwned++;
      this.#dispatchOne('packetIn', owner, view.dpid, callPacketIn, view, packetInEvent(msg, msg.reason === OFPR.NO_MATCH));
      return;
    }
    const subscribers = this.#missSubscribers;
    if (subscribers.length === 0) {
      this.#counters.packetInsUnclaimed++;
      return;
    }
    this.#counters.packetInsMiss++;
    this.#dispatch('packetIn', subscribers, view.dpid, callPacketIn, view, packetInEvent(msg, true));
  }

  #flowRemoved(view: SwitchView, msg: FlowRemoved): void {
    const owner = this.#owner(msg.cookie);
    if (!owner?.app.flowRemoved) {
      this.#counters.flowRemovedUnclaimed++;
      this.#log.debug({ dpid: view.dpid, cookie: msg.cookie.toString(16) }, 'flow removed with no owner');
      return;
    }
    this.#dispatchOne('flowRemoved', owner, view.dpid, callFlowRemoved, view, msg);
  }

  #portStatus(view: SwitchView, msg: PortStatus): void {
    this.#dispatch('portStatus', this.#entries, view.dpid, callPortStatus, view, msg);
  }

  /** `sent` is known when the app has an error() handler (only then is it kept per message). */
  #switchError(entry: Entry, conn: SwitchConnection, sent: OfMessage | undefined, err: ErrorMsg): void {
    entry.counters.switchErrors++;
    const view = this.#views.get(conn)?.view;
    this.#log.warn(
      { app: entry.app.name, dpid: conn.info.dpid, sent: sent ? sent.type : refusedType(err), error: errorCodeName(err.errType, err.code) },
      'switch refused an app message',
    );
    if (!view || !sent || !entry.app.error) return;
    this.#dispatchOne('error', entry, view.dpid, (app) => app.error!(view, err, sent), undefined, undefined);
  }

  // ---------------------------------------------------------------- dispatch and sending

  /**
   * Call `call(app, a, b)` for each entry, collect what it returns per switch, then send.
   * `dpid` is the switch a plain message array goes to (none for tick and switchDown).
   *
   * This runs for every PACKET_IN, so it allocates nothing of its own in the common case: the
   * handler is a static function given its arguments (no closure per event), the first app
   * output is sent straight from the app's array or Outbox when no other app returned anything,
   * and only when several did are they collected (into a reused Collected) and grouped.
   */
  #dispatch(handler: Handler, entries: readonly Entry[], dpid: string | undefined, call: Call, a: unknown, b: unknown): void {
    let first: Entry | undefined;
    let firstOut: Out;
    let c: Collected | undefined;
    const forwarding = this.#forwarding;
    if (this.#forward !== undefined) this.#forwarding = forwardLevel(handler);
    this.#depth++;
    try {
      // One clock read per app: each call's end is the next call's start.
      let t = this.#handlerTimer();
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        const out = this.#invoke(handler, e, call, a, b, t);
        t = this.#callEnd;
        if (out === undefined) continue;
        if (first === undefined) {
          first = e;
          firstOut = out;
          continue;
        }
        if (c === undefined) {
          c = this.#takeCollected();
          collect(first, handler, firstOut, dpid, c, this.#failFn);
        }
        collect(e, handler, out, dpid, c, this.#failFn);
        t = this.#handlerTimer(); // collecting is the host's time, not the next app's
      }
      if (this.#deferred.size !== 0) this.#sendWithDeferred(handler, first, firstOut, c, dpid);
      else if (c !== undefined) this.#flushCollected(c);
      else if (first !== undefined) this.#sendOutput(first, handler, firstOut, dpid);
    } finally {
      this.#depth--;
      this.#forwarding = forwarding;
    }
  }

  /** #dispatch for one app (owned packet-ins, flow-removed, errors, emit). */
  #dispatchOne(handler: Handler, e: Entry, dpid: string | undefined, call: Call, a: unknown, b: unknown): void {
    const forwarding = this.#forwarding;
    if (this.#forward !== undefined) this.#forwarding = forwardLevel(handler);
    this.#depth++;
    try {
      const out = this.#invoke(handler, e, call, a, b, this.#handlerTimer());
      if (this.#deferred.size !== 0) this.#sendWithDeferred(handler, out === undefined ? undefined : e, out, undefined, dpid);
      else if (out !== undefined) this.#sendOutput(e, handler, out, dpid);
    } finally {
      this.#depth--;
      this.#forwarding = forwarding;
    }
  }

  /**
   * Send a dispatch's output behind what apps deferred during it: deferred first (they were
   * caused first, mostly deletes), then the apps' output (`c` if collected, else `first`'s).
   */
  #sendWithDeferred(handler: Handler, first: Entry | undefined, firstOut: Out, c: Collected | undefined, dpid: string | undefined): void {
    const d = this.#takeCollected();
    this.#drainDeferred(d);
    if (c !== undefined) {
      for (let i = 0; i < c.msgs.length; i++) {
        d.entries.push(c.entries[i]!);
        d.msgs.push(c.msgs[i]!);
        d.dpids.push(c.dpids[i]!);
      }
    } else if (first !== undefined) collect(first, handler, firstOut, dpid, d, this.#failFn);
    this.#flushCollected(d);
  }

  #drainDeferred(c: Collected): void {
    this.#deferred.drain(
      (entry, out) => collect(entry, 'defer', out, undefined, c, this.#failFn),
      (entry, err) => this.#fail(entry, 'defer', err),
    );
  }

  /** Deferred messages with no event being handled: sent at once. */
  #flushDeferred(): void {
    // Caused outside any event (a store or cluster watch, say): every instance sees that cause
    // and writes its own switches, so nothing is forwarded.
    const forwarding = this.#forwarding;
    this.#forwarding = 0;
    this.#depth++;
    try {
      const c = this.#takeCollected();
      this.#drainDeferred(c);
      this.#flushCollected(c);
    } finally {
      this.#depth--;
      this.#forwarding = forwarding;
    }
  }

  /**
   * Run one app's handler, timed from `start` (a #handlerTimer reading): its output, or
   * undefined when it has none, threw or said nothing. The call's end time is left in #callEnd.
   */
  #invoke(handler: Handler, e: Entry, call: Call, a: unknown, b: unknown, start: number): Out | undefined {
    this.#callEnd = start;
    if (handler !== 'emit' && typeof e.app[handler as keyof App] !== 'function') return undefined;
    // A disabled app is not called (and what it emits is dropped) until it is enabled again.
    if (!e.watch.enabled) return undefined;
    e.counters.events++;
    let out: Out;
    try {
      out = call(e.app, a, b);
    } catch (err) {
      this.#fail(e, handler, err);
      this.#watched(e, handler, (this.#callEnd = this.#handlerTimer()) - start, true);
      return undefined;
    }
    const ms = (this.#callEnd = this.#handlerTimer()) - start;
    // The common call (quick, no failure streak to end) needs no bookkeeping beyond its maximum.
    const h = e.watch.health;
    if (ms > h.maxCallMs || (ms > this.#watchdog.budgetMs && this.#watchdog.budgetMs > 0) || h.consecutiveFailures !== 0) this.#watched(e, handler, ms, false);
    if (out === undefined || out === null || (Array.isArray(out) && out.length === 0)) return undefined;
    return out;
  }

  /** Tell the watchdog how a call went; disable the app when it says so. */
  #watched(e: Entry, handler: Handler, ms: number, failed: boolean): void {
    const reason = e.watch.record(handler, ms, failed, this.#clock(), this.#cpuWaitMs);
    if (reason === undefined) return;
    e.watch.disable(reason, this.#clock());
    this.#log.error({ app: e.app.name, reason }, `app ${e.app.name} disabled by the watchdog: ${reason}; POST /api/v1/apps/${e.app.name}/enable to run it again`);
    this.#onAppState?.(e.app.name, e.watch.health);
  }

  /** Send one app's output: for one switch without copying it; anything else collected. */
  #sendOutput(e: Entry, handler: Handler, out: Out, dpid: string | undefined): void {
    if (out instanceof Outbox) {
      if (out.switchCount === 1 && allMessages(out.messagesAt(0))) return this.#flushSwitch(out.dpidAt(0), e, out.messagesAt(0));
      if (out.switchCount === 0) return;
    } else if (Array.isArray(out) && dpid !== undefined && allMessages(out)) {
      return this.#flushSwitch(dpid, e, out);
    }
    const c = this.#takeCollected();
    collect(e, handler, out, dpid, c, this.#failFn);
    this.#flushCollected(c);
  }

  #takeCollected(): Collected {
    const c = this.#spare ?? { entries: [], msgs: [], dpids: [] };
    this.#spare = undefined;
    return c;
  }

  #flushCollected(c: Collected): void {
    try {
      flushPerSwitch(c, this.#flushSwitchFn);
    } finally {
      // Emptied (no app's messages kept alive by the host) and kept for the next dispatch.
      c.entries.length = 0;
      c.msgs.length = 0;
      c.dpids.length = 0;
      this.#spare = c;
    }
  }

  /** Order and send messages for one switch; message i is from `from[i]`, or all from `from`. */
  #flushSwitch(dpid: string, from: Entry | readonly Entry[], msgs: readonly OfMessage[]): void {
    if (msgs.length === 0) return;
    // #forwarding is 0 on a single instance: one comparison there.
    if (this.#forwarding !== 0 && !this.#mayWrite!(dpid)) return this.#toMaster(dpid, from, msgs);
    this.#flushLocal(dpid, from, msgs);
  }

  /**
   * Cluster: the writes go to the switch's master (forwarding.ts says which and in what order);
   * what is left (requests that concern this instance's own connection) is sent here.
   */
  #toMaster(dpid: string, from: Entry | readonly Entry[], msgs: readonly OfMessage[]): void {
    const { forwarded, kept, keptFrom } = splitForwarded(msgs, from, this.#forwarding);
    if (forwarded.length > 0) {
      this.#counters.messagesForwarded += forwarded.filter((m) => m.type !== 'barrierRequest').length;
      try {
        this.#forward!(dpid, forwarded);
      } catch (err) {
        this.#log.warn({ dpid, messages: forwarded.length, err: (err as Error)?.message }, 'cluster: app messages for another master could not be forwarded');
      }
    }
    if (kept.length > 0) this.#flushLocal(dpid, keptFrom, kept);
  }

  #flushLocal(dpid: string, from: Entry | readonly Entry[], msgs: readonly OfMessage[]): void {
    const att = this.#conns.get(dpid);
    if (!att || att.conn.closed) {
      const apps = new Set<string>();
      for (let i = 0; i < msgs.length; i++) {
        const e = entryAt(from, i);
        e.counters.messagesDropped++;
        apps.add(e.app.name);
      }
      this.#log.warn({ dpid, messages: msgs.length, apps: [...apps] }, 'messages for a switch that is not connected dropped');
      return;
    }
    if (inHostOrder(msgs)) {
      if (Array.isArray(from)) for (let i = 0; i < msgs.length; i++) this.#send(att, from[i]!, msgs[i]!);
      else for (let i = 0; i < msgs.length; i++) this.#send(att, from as Entry, msgs[i]!);
      return;
    }
    this.#sendOrdered(att, dpid, from, msgs);
  }

  /** Deletes, barrier, the rest (a method of its own: its closures cost #flushSwitch nothing). */
  #sendOrdered(att: Attached, dpid: string, from: Entry | readonly Entry[], msgs: readonly OfMessage[]): void {
    const { deletes, barrier, rest } = orderBatch(msgs.map((msg, i): Pending => ({ entry: entryAt(from, i), msg })));
    for (const it of deletes) this.#send(att, it.entry, it.msg);
    if (barrier) {
      this.#counters.barriers++;
      att.conn.barrier().catch((err: unknown) => this.#log.debug({ dpid, err: (err as Error)?.message }, 'barrier failed'));
    }
    for (const it of rest) this.#send(att, it.entry, it.msg);
  }

  #send(att: Attached, entry: Entry, msg: OfMessage): void {
    try {
      // No copy: send() never modifies the message (it gives a fresh xid to a copy of its own).
      // Only an app with an error() handler needs the message back, so only its sends keep it.
      // (The callbacks are made in methods of their own: a closure here would make V8 allocate
      // a context for its variables on every call, whichever branch runs.)
      const onError = entry.app.error ? this.#keepingErrorCb(att.conn, entry, msg) : (att.onError[entry.index] ?? this.#sharedErrorCb(att, entry));
      att.conn.send(msg, onError);
      entry.counters.messagesSent++;
    } catch (err) {
      this.#fail(entry, 'send', err);
    }
  }

  #keepingErrorCb(conn: SwitchConnection, entry: Entry, msg: OfMessage): SendErrorCallback {
    return (err) => this.#switchError(entry, conn, msg, err);
  }

  #sharedErrorCb(att: Attached, entry: Entry): SendErrorCallback {
    const conn = att.conn;
    return (att.onError[entry.index] = (err) => this.#switchError(entry, conn, undefined, err));
  }

  #fail(e: Entry, handler: Handler | 'send', err: unknown): void {
    e.counters.failures[handler] = (e.counters.failures[handler] ?? 0) + 1;
    // An app failing on every packet-in must not write a line per packet-in.
    const app = e.app.name;
    if (!this.#logLimit.allow(`fail ${app} ${handler}`, (n) => this.#log.error({ app, handler, suppressed: n }, `${n} more failures of app ${app} in ${handler} were not logged`))) return;
    const error = err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) };
    this.#log.error({ app, handler, err: error }, `app ${app} failed in ${handler}`);
  }

  // ---------------------------------------------------------------- app context

  #contextFor(app: App, appId: number, log: AppLogger, options: Readonly<Record<string, unknown>>, state: AppState, cluster: AppCluster | undefined): AppContext {
    const entry = () => this.#byName.get(app.name)!;
    return appContext(app, appId, log, options, state, {
      now: () => (this.#packetInNow >= 0 ? this.#packetInNow : this.#clock()),
      switches: () => this.switches(),
      switch: (dpid) => this.#conns.get(dpid)?.view,
      app: (name) => this.#byName.get(name)?.app,
      emit: (out) => this.#dispatchOne('emit', entry(), undefined, callEmit, out, undefined),
      defer: (out) => {
        this.#deferred.push(entry(), out);
        if (this.#depth === 0) this.#flushDeferred();
      },
    }, cluster);
  }
}
