/**
 * The app host: turns connection events into app events, collects what apps return, orders it
 * per switch (deletes, barrier, adds), sends it, and routes switch errors back to the app whose
 * message caused them. An app that throws is logged (one line per event), counted, and skipped;
 * the other apps and the controller carry on.
 */
import { errorCodeName, OFPR } from '../../protocol/index.js';
import type { ErrorMsg, FlowRemoved, OfMessage, PacketIn, PortStatus } from '../../protocol/index.js';
import type { App, AppContext, AppLogger, Out, SwitchView } from '../../apps/sdk/index.js';
import { flowDelete, Outbox, toDpid } from '../../apps/sdk/index.js';
import { APP_COOKIE_MASK, cookieAppId, makeCookie, NO_FLOW_COOKIE } from '../../apps/sdk/cookies.js';
import type { ConnectionEvents, SwitchConnection } from '../openflow/switch-connection.js';
import { assignAppIds } from './app-ids.js';
import { inHostOrder, orderBatch } from './ordering.js';
import { packetInEvent } from './packet-in-event.js';
import { switchViewOf } from './switch-view.js';

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
}

export interface AppCounters {
  /** Handler calls made. */
  events: number;
  /** Handler calls that threw or returned something unusable, by handler name. */
  failures: Record<string, number>;
  messagesSent: number;
  /** Messages for a switch that was not connected. */
  messagesDropped: number;
  /** ERRORs from switches caused by this app's messages. */
  switchErrors: number;
}

export interface HostCounters {
  packetInsMiss: number;
  packetInsOwned: number;
  /** Packet-ins no app wanted. */
  packetInsUnclaimed: number;
  flowRemovedUnclaimed: number;
  /** Switch ERRORs not caused by any app message (or whose request was forgotten). */
  errorsUnclaimed: number;
  barriers: number;
  apps: Record<string, AppCounters>;
}

interface Entry {
  readonly app: App;
  readonly appId: number;
  readonly ctx: AppContext;
  readonly counters: AppCounters;
}

interface Pending {
  entry: Entry;
  msg: OfMessage;
}

/** What one dispatch collected, message i from entries[i] for switch dpids[i]. */
interface Collected {
  entries: Entry[];
  msgs: OfMessage[];
  dpids: string[];
}

type Handler = 'init' | 'switchUp' | 'switchDown' | 'portStatus' | 'packetIn' | 'flowRemoved' | 'error' | 'tick' | 'command' | 'emit';

export class AppHost implements ConnectionEvents {
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<number, Entry>();
  readonly #byName = new Map<string, Entry>();
  /** Apps that take table-miss packet-ins, in load order (fixed once the apps are loaded). */
  readonly #missSubscribers: Entry[] = [];
  /** Connected switches by dpid, and the view given to apps for each connection. */
  readonly #conns = new Map<string, SwitchConnection>();
  readonly #views = new Map<SwitchConnection, SwitchView>();
  readonly #log: HostLogger;
  readonly #clock: () => number;
  readonly #tickIntervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #counters: Omit<HostCounters, 'apps'> = {
    packetInsMiss: 0,
    packetInsOwned: 0,
    packetInsUnclaimed: 0,
    flowRemovedUnclaimed: 0,
    errorsUnclaimed: 0,
    barriers: 0,
  };

  constructor(opts: AppHostOptions) {
    this.#log = opts.log;
    this.#clock = opts.clock ?? Date.now;
    this.#tickIntervalMs = opts.tickIntervalMs ?? 1000;
    const ids = assignAppIds(opts.apps);
    opts.apps.forEach((app, i) => {
      if (this.#byName.has(app.name)) throw new Error(`two apps are named ${app.name}`);
      const appId = ids[i]!;
      const entry: Entry = {
        app,
        appId,
        ctx: this.#contextFor(app, appId, opts.appLogger?.(app.name) ?? opts.log, opts.appOptions?.[app.name] ?? {}),
        counters: { events: 0, failures: {}, messagesSent: 0, messagesDropped: 0, switchErrors: 0 },
      };
      this.#entries.push(entry);
      this.#byId.set(appId, entry);
      this.#byName.set(app.name, entry);
      if (app.receiveTableMiss && app.packetIn) this.#missSubscribers.push(entry);
    });
    // init() failing is a startup error, not something to run on without.
    for (const e of this.#entries) {
      try {
        e.app.init?.(e.ctx);
      } catch (err) {
        throw new Error(`app ${e.app.name}: init failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    }
  }

  // ---------------------------------------------------------------- public surface

  /** Loaded apps in load order with their app ids. */
  apps(): { name: string; appId: number; cookieBase: bigint }[] {
    return this.#entries.map((e) => ({ name: e.app.name, appId: e.appId, cookieBase: e.ctx.cookieBase }));
  }

  switches(): SwitchView[] {
    return [...this.#conns.values()].map((c) => this.#views.get(c)!);
  }

  counters(): HostCounters {
    const apps: Record<string, AppCounters> = {};
    for (const e of this.#entries) apps[e.app.name] = { ...e.counters, failures: { ...e.counters.failures } };
    return { ...this.#counters, apps };
  }

  /** Start the tick timer. */
  start(): void {
    if (this.#timer || !this.#entries.some((e) => e.app.tick)) return;
    this.#timer = setInterval(() => this.tick(), this.#tickIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Deliver a tick to every app with a tick handler. */
  tick(now: number = this.#clock()): void {
    this.#dispatch('tick', this.#entries, undefined, (app) => app.tick?.(now));
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

  // ---------------------------------------------------------------- ConnectionEvents

  switchUp(conn: SwitchConnection): void {
    const view = switchViewOf(conn);
    const old = this.#conns.get(view.dpid);
    if (old && old !== conn) {
      // The connection layer should have reported the old one down first; be robust anyway.
      this.#log.warn({ dpid: view.dpid }, 'switch up while a connection with the same dpid is live; replacing it');
      this.switchDown(old, 'replaced');
    }
    this.#conns.set(view.dpid, conn);
    this.#views.set(conn, view);
    this.#log.info({ dpid: view.dpid, remote: `${view.remoteAddress}`, ports: view.ports.size }, 'switch up');
    this.#dispatch('switchUp', this.#entries, view.dpid, (app) => app.switchUp?.(view));
  }

  switchDown(conn: SwitchConnection, reason: string): void {
    const view = this.#views.get(conn);
    if (!view) return;
    this.#views.delete(conn);
    if (this.#conns.get(view.dpid) === conn) this.#conns.delete(view.dpid);
    this.#log.info({ dpid: view.dpid, reason }, 'switch down');
    this.#dispatch('switchDown', this.#entries, undefined, (app) => app.switchDown?.(view, reason));
  }

  message(conn: SwitchConnection, msg: OfMessage): void {
    const view = this.#views.get(conn);
    if (!view) {
      this.#log.debug({ type: msg.type }, 'message from a switch that is not up; ignored');
      return;
    }
    switch (msg.type) {
      case 'packetIn':
        return this.#packetIn(view, msg);
      case 'flowRemoved':
        return this.#flowRemoved(view, msg);
      case 'portStatus':
        return this.#portStatus(view, msg);
      case 'error':
        this.#counters.errorsUnclaimed++;
        this.#log.warn({ dpid: view.dpid, xid: msg.xid, error: errorCodeName(msg.errType, msg.code) }, 'switch error not caused by an app message');
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
    const owner = this.#owner(msg.cookie);
    if (owner?.app.packetIn) {
      this.#counters.packetInsOwned++;
      const ev = packetInEvent(msg, msg.reason === OFPR.NO_MATCH);
      this.#dispatch('packetIn', [owner], view.dpid, (app) => app.packetIn!(view, ev));
      return;
    }
    const subscribers = this.#missSubscribers;
    if (subscribers.length === 0) {
      this.#counters.packetInsUnclaimed++;
      return;
    }
    this.#counters.packetInsMiss++;
    const ev = packetInEvent(msg, true);
    this.#dispatch('packetIn', subscribers, view.dpid, (app) => app.packetIn!(view, ev));
  }

  #flowRemoved(view: SwitchView, msg: FlowRemoved): void {
    const owner = this.#owner(msg.cookie);
    if (!owner?.app.flowRemoved) {
      this.#counters.flowRemovedUnclaimed++;
      this.#log.debug({ dpid: view.dpid, cookie: msg.cookie.toString(16) }, 'flow removed with no owner');
      return;
    }
    this.#dispatch('flowRemoved', [owner], view.dpid, (app) => app.flowRemoved!(view, msg));
  }

  #portStatus(view: SwitchView, msg: PortStatus): void {
    this.#dispatch('portStatus', this.#entries, view.dpid, (app) => app.portStatus?.(view, msg));
  }

  #switchError(entry: Entry, conn: SwitchConnection, sent: OfMessage, err: ErrorMsg): void {
    entry.counters.switchErrors++;
    const view = this.#views.get(conn);
    this.#log.warn(
      { app: entry.app.name, dpid: conn.info.dpid, sent: sent.type, error: errorCodeName(err.errType, err.code) },
      'switch refused an app message',
    );
    if (!view || !entry.app.error) return;
    this.#dispatch('error', [entry], view.dpid, (app) => app.error!(view, err, sent));
  }

  // ---------------------------------------------------------------- dispatch and sending

  /**
   * Call `call` for each entry, collect what it returns per switch, then send. `dpid` is the
   * switch a plain message array goes to (none for tick and switchDown).
   *
   * This runs for every PACKET_IN, so it allocates little: what the apps return is collected
   * into three parallel arrays (made only when some app returned something), the common case of
   * one switch and messages already in the host's order is sent as it is, and only the rest
   * goes through grouping and orderBatch().
   */
  #dispatch(handler: Handler, entries: readonly Entry[], dpid: string | undefined, call: (app: App) => Out): void {
    let c: Collected | undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (handler !== 'emit' && typeof e.app[handler as keyof App] !== 'function') continue;
      e.counters.events++;
      let out: Out;
      try {
        out = call(e.app);
      } catch (err) {
        this.#fail(e, handler, err);
        continue;
      }
      if (out === undefined || out === null || (Array.isArray(out) && out.length === 0)) continue;
      c ??= { entries: [], msgs: [], dpids: [] };
      this.#collect(e, handler, out, dpid, c);
    }
    if (c) this.#flush(c);
  }

  #collect(e: Entry, handler: Handler, out: unknown, dpid: string | undefined, c: Collected): void {
    if (out instanceof Outbox) {
      for (const b of out.batches()) this.#add(e, handler, b.dpid, b.messages, c);
    } else if (Array.isArray(out)) {
      if (dpid === undefined) {
        this.#fail(e, handler, new TypeError(`${handler} returned a message array; return an Outbox to address switches`));
        return;
      }
      this.#add(e, handler, dpid, out, c);
    } else if (typeof (out as { then?: unknown }).then === 'function') {
      this.#fail(e, handler, new TypeError('handlers must be synchronous (returned a promise); use ctx.emit() for later messages'));
    } else {
      this.#fail(e, handler, new TypeError(`returned ${typeof out}; expected messages, an Outbox or nothing`));
    }
  }

  #add(e: Entry, handler: Handler, d: string, msgs: readonly unknown[], c: Collected): void {
    for (let i = 0; i < msgs.length; i++) {
      const msg = msgs[i];
      if (msg === null || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') {
        this.#fail(e, handler, new TypeError(`returned ${JSON.stringify(msg)} where a message was expected`));
        continue;
      }
      c.entries.push(e);
      c.msgs.push(msg as OfMessage);
      c.dpids.push(d);
    }
  }

  #flush(c: Collected): void {
    const n = c.msgs.length;
    if (n === 0) return;
    const first = c.dpids[0]!;
    let single = true;
    for (let i = 1; i < n && single; i++) single = c.dpids[i] === first;
    if (single) return this.#flushSwitch(first, c.entries, c.msgs);
    // Several switches: group per switch, keeping each one's message order.
    const groups = new Map<string, { entries: Entry[]; msgs: OfMessage[] }>();
    for (let i = 0; i < n; i++) {
      const d = c.dpids[i]!;
      let g = groups.get(d);
      if (!g) groups.set(d, (g = { entries: [], msgs: [] }));
      g.entries.push(c.entries[i]!);
      g.msgs.push(c.msgs[i]!);
    }
    for (const [d, g] of groups) this.#flushSwitch(d, g.entries, g.msgs);
  }

  #flushSwitch(dpid: string, entries: Entry[], msgs: OfMessage[]): void {
    const conn = this.#conns.get(dpid);
    if (!conn || conn.closed) {
      for (const e of entries) e.counters.messagesDropped++;
      this.#log.warn({ dpid, messages: msgs.length, apps: [...new Set(entries.map((e) => e.app.name))] }, 'messages for a switch that is not connected dropped');
      return;
    }
    if (inHostOrder(msgs)) {
      for (let i = 0; i < msgs.length; i++) this.#send(conn, entries[i]!, msgs[i]!);
      return;
    }
    const { deletes, barrier, rest } = orderBatch(msgs.map((msg, i): Pending => ({ entry: entries[i]!, msg })));
    for (const it of deletes) this.#send(conn, it.entry, it.msg);
    if (barrier) {
      this.#counters.barriers++;
      conn.barrier().catch((err: unknown) => this.#log.debug({ dpid, err: (err as Error)?.message }, 'barrier failed'));
    }
    for (const it of rest) this.#send(conn, it.entry, it.msg);
  }

  #send(conn: SwitchConnection, entry: Entry, msg: OfMessage): void {
    try {
      // No copy: send() never modifies the message (it gives a fresh xid to a copy of its own).
      conn.send(msg, (err) => this.#switchError(entry, conn, msg, err));
      entry.counters.messagesSent++;
    } catch (err) {
      this.#fail(entry, 'send', err);
    }
  }

  #fail(e: Entry, handler: Handler | 'send', err: unknown): void {
    e.counters.failures[handler] = (e.counters.failures[handler] ?? 0) + 1;
    const error = err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) };
    this.#log.error({ app: e.app.name, handler, err: error }, `app ${e.app.name} failed in ${handler}`);
  }

  // ---------------------------------------------------------------- app context

  #contextFor(app: App, appId: number, log: AppLogger, options: Readonly<Record<string, unknown>>): AppContext {
    const base = makeCookie(appId);
    const host = this;
    const ctx: AppContext = {
      name: app.name,
      appId,
      cookieBase: base,
      cookieMask: APP_COOKIE_MASK,
      cookie: (low = 0n) => makeCookie(appId, low),
      owns: (cookie) => cookie !== NO_FLOW_COOKIE && cookieAppId(cookie) === appId,
      deleteOwnFlows: (table) => flowDelete({ table, cookie: base, cookieMask: APP_COOKIE_MASK }),
      now: () => host.#clock(),
      log,
      options,
      switches: () => host.switches(),
      switch: (dpid) => {
        const conn = host.#conns.get(toDpid(dpid));
        return conn && host.#views.get(conn);
      },
      app: <T extends App>(name: string) => host.#byName.get(name)?.app as T | undefined,
      emit: (out) => {
        const entry = host.#byName.get(app.name)!;
        host.#dispatch('emit', [entry], undefined, () => out);
      },
    };
    return Object.freeze(ctx);
  }
}
