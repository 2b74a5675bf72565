import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { OfMessage } from '../../protocol/index.js';
import { OpenFlowConnection } from './connection.js';
import type { ConnectionHooks } from './connection.js';
import { openListener } from './listener.js';
import type { ListenerConfig } from './listener.js';
import { resolveConnectionOptions } from './options.js';
import type { ConnectionOptions, DpidConflictPolicy, OfLogger } from './options.js';
import type { OpenFlowStats } from './stats.js';
import type { ConnectionEvents, SwitchLifecycleListener } from './switch-connection.js';
import { TURN_BUDGET_MS, TurnScheduler } from './turn-scheduler.js';
import { checkDpidBinding } from './identity.js';
import type { DpidBinding } from './identity.js';
import { LogLimiter } from '../log-limiter.js';
import type { LogLimiterOptions } from '../log-limiter.js';

export interface OpenFlowServerOptions extends Partial<ConnectionOptions> {
  listeners: ListenerConfig[];
  /** Default 'replace': see DpidConflictPolicy. */
  dpidConflict?: DpidConflictPolicy;
  /** stop() waits this long for connections to close before destroying them. Default 2000. */
  stopTimeoutMs?: number;
  /** Counters for /metrics (messages by type, errors, echo round trip); none by default. */
  stats?: OpenFlowStats;
  /**
   * Milliseconds of switch input all connections together consume per event-loop turn (see
   * TurnScheduler); the rest waits for the next turn, so echo requests, timers and REST
   * requests are never more than about two budgets away. Default TURN_BUDGET_MS (2).
   */
  turnBudgetMs?: number;
  /** TLS connections: may a certificate claim any datapath id? See identity.ts. Default off. */
  dpidBinding?: DpidBinding;
  /** Rate limit of repeated connection log lines per peer address and reason. */
  logLimit?: LogLimiterOptions;
}

export interface BoundAddress {
  host: string;
  port: number;
  tls: boolean;
}

/**
 * Accepts switch connections on one or more TCP/TLS listeners, runs each through the handshake,
 * and reports switches that completed it to the app host through ConnectionEvents.
 */
export class OpenFlowServer {
  private readonly opts: ConnectionOptions;
  private readonly policy: DpidConflictPolicy;
  private readonly stopTimeoutMs: number;
  private readonly log: OfLogger;
  private servers: { server: net.Server; tls: boolean }[] = [];
  private readonly connections = new Set<OpenFlowConnection>();
  private readonly byDpid = new Map<string, OpenFlowConnection>();
  private readonly hooks: ConnectionHooks;
  private started = false;
  private readonly stats: OpenFlowStats | undefined;
  private readonly scheduler: TurnScheduler;
  private readonly limiter: LogLimiter;
  private readonly binding: DpidBinding | undefined;
  private lifecycle: readonly SwitchLifecycleListener[] = [];

  constructor(
    private readonly options: OpenFlowServerOptions,
    logger: OfLogger,
    private readonly events: ConnectionEvents,
  ) {
    const { listeners, dpidConflict, stopTimeoutMs, stats, turnBudgetMs, dpidBinding, logLimit, ...conn } = options;
    this.stats = stats;
    this.limiter = new LogLimiter(logLimit);
    if (dpidBinding !== undefined && dpidBinding.mode !== 'off' && dpidBinding.mode !== 'strict') {
      throw new Error(`OpenFlow server: dpidBinding.mode must be "off" or "strict", got ${JSON.stringify(dpidBinding.mode)}`);
    }
    this.binding = dpidBinding;
    if (turnBudgetMs !== undefined && !(typeof turnBudgetMs === 'number' && turnBudgetMs > 0 && Number.isFinite(turnBudgetMs))) {
      throw new Error(`OpenFlow option turnBudgetMs must be a number above 0, got ${String(turnBudgetMs)}`);
    }
    this.scheduler = new TurnScheduler(turnBudgetMs ?? TURN_BUDGET_MS);
    if (!Array.isArray(listeners) || listeners.length === 0) throw new Error('OpenFlow server: at least one listener is required');
    if (dpidConflict !== undefined && dpidConflict !== 'replace' && dpidConflict !== 'reject') {
      throw new Error(`OpenFlow server: dpidConflict must be "replace" or "reject", got ${JSON.stringify(dpidConflict)}`);
    }
    this.opts = resolveConnectionOptions(conn);
    this.policy = dpidConflict ?? 'replace';
    this.stopTimeoutMs = stopTimeoutMs ?? 2_000;
    this.log = logger.child({ subsystem: 'openflow' });
    this.hooks = {
      admit: (c) => this.admit(c),
      up: (c) => this.up(c),
      message: (c, m) => this.message(c, m),
      down: (c, reason, wasUp) => this.down(c, reason, wasUp),
    };
  }

  /** A client refused in the TLS handshake: counted, and logged through the per-peer rate limit. */
  private tlsRefused(s: net.Socket, err: NodeJS.ErrnoException): void {
    const peer = s.remoteAddress ?? '?';
    if (this.stats) this.stats.count(this.stats.violations, 'tls_handshake');
    const summary = (n: number) => this.log.warn({ peer, cause: 'tls_handshake', suppressed: n }, `TLS client refused (tls_handshake) from ${peer}: ${n} more lines like this were left out`);
    if (this.limiter.allow(`${peer}|tls_handshake`, summary)) this.log.warn({ peer: `${peer}:${s.remotePort ?? 0}`, code: err.code }, `TLS client refused: ${err.message}`);
    else if (this.stats) this.stats.logLinesSuppressed++;
  }

  /** Resolves when every listener listens; rejects (closing the others) if one cannot. */
  async start(): Promise<void> {
    if (this.started) throw new Error('OpenFlow server already started');
    this.started = true;
    try {
      for (const cfg of this.options.listeners) {
        const server = await openListener(cfg, this.opts.handshakeTimeoutMs, this.log, (s, tls) => this.accept(s, tls), (s, err) => this.tlsRefused(s, err));
        this.servers.push({ server, tls: cfg.tls !== undefined });
        const a = server.address() as AddressInfo;
        this.log.info({ host: a.address, port: a.port, tls: cfg.tls !== undefined }, `listening for switches on ${a.address}:${a.port}${cfg.tls ? ' (TLS)' : ''}`);
      }
    } catch (e) {
      await this.closeListeners();
      this.started = false;
      throw e;
    }
  }

  /**
   * Close the listeners and every connection (switchDown for each announced switch). Every
   * connection is quiesced first: the switchDown of one switch makes apps react (a link went
   * down), and what they would send to the switches still connected must not go out, so each
   * switch keeps its flows exactly as they were (fail_mode=secure keeps forwarding on them).
   */
  async stop(): Promise<void> {
    const closing = this.closeListeners();
    const conns = [...this.connections];
    for (const c of conns) c.quiesce();
    const gone = Promise.all(conns.map((c) => c.whenSocketClosed()));
    for (const c of conns) c.close('controller shutting down', 'info', true, 'shutdown');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, this.stopTimeoutMs)))]);
    clearTimeout(timer);
    for (const c of conns) c.destroy();
    await closing;
    this.limiter.flush();
    this.started = false;
  }

  /**
   * Also tell `listener` when a switch comes up or goes down, after the app host. Returns the
   * function that removes it. A listener that throws is logged; the others still run.
   */
  onLifecycle(listener: SwitchLifecycleListener): () => void {
    this.lifecycle = [...this.lifecycle, listener];
    return () => {
      this.lifecycle = this.lifecycle.filter((l) => l !== listener);
    };
  }

  /** Where the listeners actually listen (useful with port 0). */
  addresses(): BoundAddress[] {
    return this.servers.map(({ server, tls }) => {
      const a = server.address() as AddressInfo;
      return { host: a.address, port: a.port, tls };
    });
  }

  /** Announced switches by dpid (16 hex digits). */
  get switches(): ReadonlyMap<string, OpenFlowConnection> {
    return this.byDpid;
  }

  /** Every open connection, handshaking or announced. */
  get connectionCount(): number {
    return this.connections.size;
  }

  private async closeListeners(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map(({ server }) => new Promise<void>((r) => server.close(() => r()))));
  }

  private accept(socket: net.Socket, tls: boolean): void {
    const conn = new OpenFlowConnection(socket, this.opts, this.log, this.hooks, tls, this.stats, this.scheduler, this.limiter);
    if (!conn.closed) this.connections.add(conn);
  }

  private admit(conn: OpenFlowConnection): string | undefined | Promise<string | undefined> {
    const dpid = conn.info.dpid;
    if (conn.tls) {
      const refusal = checkDpidBinding(this.binding, dpid, conn.peerCertificateNames());
      if (refusal !== undefined) return refusal;
    }
    const old = this.byDpid.get(dpid);
    if (!old || old === conn || old.closed) return undefined;
    const where = `${old.remoteAddress}:${old.remotePort}`;
    if (this.policy === 'reject') return `datapath ${dpid} is already connected from ${where}`;
    const ms = this.opts.dpidProbeTimeoutMs;
    return old.probe(ms).then((alive) => {
      const now = this.byDpid.get(dpid);
      if (now !== undefined && now !== old && !now.closed) return `datapath ${dpid} is already connected from ${now.remoteAddress}:${now.remotePort}`;
      if (old.closed) return undefined;
      if (alive) return `datapath ${dpid} is already connected from ${where} and that switch answers echo requests (dpidConflict: replace replaces silent connections only)`;
      // Closing the old connection emits its switchDown before the new switchUp.
      old.close(`replaced by a new connection for the same datapath from ${conn.remoteAddress}:${conn.remotePort} (no echo reply within ${ms} ms)`, 'info', true, 'replaced');
      return undefined;
    });
  }

  private up(conn: OpenFlowConnection): void {
    const info = conn.info;
    this.byDpid.set(info.dpid, conn);
    this.log.info(
      { dpid: info.dpid, peer: `${conn.remoteAddress}:${conn.remotePort}`, tls: conn.tls, ports: info.ports.size, tables: info.features.nTables, sw: info.desc?.swDesc },
      `switch ${info.dpid} connected`,
    );
    this.call('ConnectionEvents.switchUp', () => this.events.switchUp(conn));
    for (const l of this.lifecycle) if (l.switchUp) this.call("a lifecycle listener's switchUp", () => l.switchUp!(conn));
  }

  private message(conn: OpenFlowConnection, msg: OfMessage): void {
    // Every PACKET_IN passes here: the guard of call() inlined, without a closure per message.
    try {
      this.events.message(conn, msg);
    } catch (err) {
      this.log.error({ err }, 'ConnectionEvents.message threw');
    }
  }

  private down(conn: OpenFlowConnection, reason: string, wasUp: boolean): void {
    this.connections.delete(conn);
    if (!wasUp) return;
    if (this.byDpid.get(conn.info.dpid) === conn) this.byDpid.delete(conn.info.dpid);
    this.call('ConnectionEvents.switchDown', () => this.events.switchDown(conn, reason));
    for (const l of this.lifecycle) if (l.switchDown) this.call("a lifecycle listener's switchDown", () => l.switchDown!(conn, reason));
  }

  /** The app host isolates apps itself; this is the last guard so a socket handler never throws. */
  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, `${what} threw`);
    }
  }
}
