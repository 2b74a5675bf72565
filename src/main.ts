/**
 * weft wired together: config -> logger -> apps -> app host -> OpenFlow server. startWeft() is
 * what tests and embedders use; main() adds the command line: argv/env parsing, exit codes
 * (0 ok, 1 runtime failure such as a port in use, 2 bad configuration) and signal handling.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig, parseListen, usage } from './config/index.js';
import type { WeftConfig } from './config/index.js';
import { AppHost } from './host/app-host.js';
import { AppLoadError, loadApps } from './host/loader.js';
import { createLogs } from './log.js';
import type { Logs } from './log.js';
import { OpenFlowServer } from './openflow/server.js';
import type { BoundAddress } from './openflow/server.js';
import type { ListenerConfig } from './openflow/listener.js';
import { canonicalDpid } from './openflow/identity.js';
import { OpenFlowStats } from './openflow/stats.js';
import { createMetrics, topologyOf } from './metrics.js';
import { installProcessGuard } from './process-guard.js';
import { EventBus } from './rest/events/bus.js';
import { appStateEvent, flowErrorEvent, reconciledEvent, switchLifecycleEvents } from './rest/events/sources.js';
import type { WeftMetrics } from './metrics.js';
import { createRestServer } from './rest/server.js';
import type { RestServer } from './rest/server.js';
import { openStateStore, StoreOpenError } from './store/index.js';
import type { StateStore } from './store/index.js';
import { appStateOf, APPS_PREFIX } from './store/app-state.js';
import { DesiredFlows, SWITCHES_PREFIX } from './store/desired-flows.js';
import { Mirror } from './store/mirror.js';
import { switchObjectCodec } from './rest/switch-object-codec.js';
import { createCluster, openClusterStore, openSharedData } from './cluster/index.js';
import type { SharedData } from './cluster/shared.js';
import type { Cluster } from './cluster/index.js';
import type { EtcdStore } from './store/etcd-store.js';
import { checkSwitchLocal, runPrimary, WORKER_INDEX_ENV, workerConfig, workerIndexOf, workerSwitchReports } from './workers.js';
import type { WorkerDrop, WorkerReady } from './workers.js';

export interface Weft {
  readonly config: WeftConfig;
  readonly logs: Logs;
  readonly host: AppHost;
  readonly server: OpenFlowServer;
  readonly rest: RestServer;
  readonly metrics: WeftMetrics;
  /** The state store (docs/STATE.md). */
  readonly store: StateStore;
  /** Flows, groups and meters persisted through REST, per switch. */
  readonly desired: DesiredFlows;
  /** This instance's cluster (docs/CLUSTER.md), with `cluster.etcd` set. */
  readonly cluster: Cluster | undefined;
  addresses(): BoundAddress[];
  /** Where the REST API listens (useful to find the port in tests). */
  restAddress(): { host: string; port: number };
  /** Stop listeners, close switch connections, stop app ticks. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where logs go (default stdout). */
  logDestination?: DestinationStream;
  /** Base directory for relative app module paths (default cwd). */
  cwd?: string;
  clock?: () => number;
  /** Set in a worker process (src/workers.ts): logged on every line, and its start says "worker started". */
  workerIndex?: number;
}

/** The OpenFlow listeners a config asks for: the main TCP one, then `openflow.listen`. */
export function listenersOf(cfg: WeftConfig): ListenerConfig[] {
  const out: ListenerConfig[] = [{ host: cfg.openflow.host, port: cfg.openflow.port }];
  for (const s of cfg.openflow.listen) {
    const l = parseListen(s)!;
    const { cert, key, ca } = cfg.openflow.tls;
    out.push(l.proto === 'ssl' ? { host: l.host, port: l.port, tls: { cert: cert!, key: key!, ca: ca! } } : { host: l.host, port: l.port });
  }
  return out;
}

export async function startWeft(config: WeftConfig, opts: StartOptions = {}): Promise<Weft> {
  const logs = createLogs(config.log, opts.logDestination, opts.workerIndex === undefined ? {} : { worker: opts.workerIndex });
  const log = logs.for('main');
  const apps = await loadApps(config.apps, { baseDir: opts.cwd, appOptions: config.appOptions });
  // The store is loaded before anything else starts: apps restore from it in init(), and no
  // switch connects before the persisted configuration is known.
  const store = config.cluster.etcd !== null ? await openClusterStore(config, (msg) => log.warn(msg)) : await openStateStore(config.state.dir, (msg) => log.warn(msg));
  let appsMirror: Mirror;
  let desired: DesiredFlows;
  try {
    appsMirror = await Mirror.open(store, APPS_PREFIX);
    desired = new DesiredFlows(await Mirror.open(store, SWITCHES_PREFIX), switchObjectCodec);
    const bad = desired.firstBad();
    if (bad) throw new StoreOpenError(config.state.dir ?? 'memory', `key ${bad[0]}: ${bad[1]}`);
  } catch (e) {
    await store.close();
    throw e;
  }
  log.info({ store: store.description }, 'state store loaded');
  try {
    return await startWithStore(config, opts, logs, apps, store, appsMirror, desired);
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function startWithStore(
  config: WeftConfig,
  opts: StartOptions,
  logs: Logs,
  apps: Awaited<ReturnType<typeof loadApps>>,
  store: StateStore,
  appsMirror: Mirror,
  desired: DesiredFlows,
): Promise<Weft> {
  const log = logs.for('main');
  // A cluster instance writes only to the switches it masters (the connection's write gate),
  // and reconciles only those; the cluster joins before any switch can connect, and after the
  // CPU-heavy part of the start (see below).
  let cluster: Cluster | undefined;
  // appOptions are keyed by the entry in `apps`; the host knows apps by name.
  const appOptions = Object.fromEntries(apps.map((a, i) => [a.name, config.appOptions[config.apps[i]!] ?? {}]));
  // Live events (/api/v1/events): switch up/down and ERRORs, app states, topology events below.
  const events = new EventBus(opts.clock);
  // Data apps share between instances (ctx.cluster): opened before the apps' init, which reads it.
  let hostRef: AppHost | undefined;
  const shared: SharedData | undefined =
    config.cluster.etcd === null
      ? undefined
      : await openSharedData(config, store as EtcdStore, {
          leaseId: () => cluster?.membership.leaseId,
          onChange: (app, changes) => hostRef?.sharedChanged(app, changes),
          log: logs.for('main'),
        });
  let host: AppHost;
  try {
    host = hostRef = new AppHost({
      apps,
      log: logs.for('host'),
      appLogger: (name) => logs.for(`app:${name}`),
      clock: opts.clock,
      tickIntervalMs: config.host.tickIntervalMs,
      watchdog: config.host.watchdog,
      onAppState: (app, health) => events.publish(appStateEvent(app, health)),
      appOptions,
      reconcile: config.reconcile,
      appState: (name) => appStateOf(store, appsMirror, name),
      mayWrite: config.cluster.etcd === null ? undefined : (dpid) => cluster?.mayWrite(dpid) === true,
      // Apps' writes for switches another instance masters go to it (docs/CLUSTER.md, "Apps' writes").
      forward: (dpid, msgs) => cluster?.forwardLater(dpid, msgs),
      appCluster: shared ? (name) => shared.forApp(name) : undefined,
    });
  } catch (e) {
    await shared?.close();
    throw e;
  }
  if (config.cluster.etcd !== null) {
    cluster = createCluster(config, store as EtcdStore, {
      log: logs.for('main'),
      onMastership: (dpid, master) => void (master && host.reconciler.reconcile(dpid, 'mastership')),
    });
    // A REST write accepted by another instance reaches the master through the store.
    desired.mirror.onChange((events) => {
      const dpids = new Set(events.map((e) => e.key.split('/')[1]!));
      for (const d of dpids) if (cluster!.mayWrite(d)) void host.reconciler.reconcile(d, 'request');
    });
    // App configuration written on any instance reaches every instance's app (App.stateChanged).
    appsMirror.onChange((events) => {
      const byApp = new Map<string, string[]>();
      for (const e of events) {
        const rel = e.key.slice(APPS_PREFIX.length);
        const at = rel.indexOf('/');
        if (at <= 0) continue;
        const app = rel.slice(0, at);
        byApp.set(app, [...(byApp.get(app) ?? []), rel.slice(at + 1)]);
      }
      for (const [app, keys] of byApp) host.stateChanged(app, keys);
    });
  }
  const o = config.openflow;
  const ofStats = new OpenFlowStats();
  ofStats.onSwitchError = (dpid, err) => events.publish(flowErrorEvent(dpid, err));
  host.reconciler.onResult((r) => events.publish(reconciledEvent(r)));
  // Persisted REST flows, groups and meters: desired state the reconciliation installs and repairs.
  host.addDesiredSource(desired);
  const server = new OpenFlowServer(
    {
      listeners: listenersOf(config),
      echoIntervalMs: o.echoIntervalMs,
      echoMaxMissed: o.echoMaxMissed,
      handshakeTimeoutMs: o.handshakeTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs,
      maxQueuedBytes: o.maxQueuedBytes,
      turnBudgetMs: o.turnBudgetMs,
      missSendLen: o.missSendLen,
      dpidConflict: o.dpidConflict,
      dpidProbeTimeoutMs: o.dpidProbeTimeoutMs,
      maxMultipartParts: o.maxMultipartParts,
      maxMultipartBytes: o.maxMultipartBytes,
      multipartDeadlineMs: o.multipartDeadlineMs,
      maxPorts: o.maxPorts,
      dpidBinding: { mode: o.tls.dpidBinding, names: dpidNamesOf(o.tls.dpidNames) },
      logLimit: { perWindow: o.logRepeatLimit, windowMs: o.logRepeatWindowMs },
      stats: ofStats,
    },
    logs.unbound('openflow'),
    host,
  );
  // Switch up/down reach the bus beside the app host; messages go to the host alone.
  server.onLifecycle(switchLifecycleEvents(events));
  // A worker reports its switches to the primary, which settles dpid conflicts across workers.
  const reports = opts.workerIndex !== undefined && process.send ? workerSwitchReports((m) => process.send?.(m)) : undefined;
  if (reports) server.onLifecycle(reports.listener);
  if (cluster) server.onLifecycle({ switchUp: (c) => cluster!.switchUp(c), switchDown: (c) => cluster!.switchDown(c) });
  // The REST API is built (its schemas compiled: ~0.5 s of CPU, seconds on a loaded machine)
  // before anything goes live: a main loop blocked by it would delay the handshakes of switches
  // already connecting and could cost a cluster instance its first lease.
  const appsByName = new Map(apps.map((a) => [a.name, a]));
  const appByName = (name: string) => appsByName.get(name);
  const topology = topologyOf(appByName);
  if (topology) events.attachTopology(topology);
  const metrics = createMetrics({ openflow: ofStats, switchCount: () => server.switches.size, host, app: appByName, reconciler: host.reconciler, cluster });
  let ready = true;
  let rest: RestServer;
  try {
    rest = await createRestServer(
      {
        switches: () => server.switches,
        host,
        app: appByName,
        ready: () => ready && server.addresses().length > 0,
        metrics,
        log: logs.for('rest'),
        version: version(),
        events,
        state: { store, desired },
        cluster,
      },
      config.rest,
    );
  } catch (e) {
    await shared?.close();
    throw e;
  }
  let restAddress: { host: string; port: number };
  try {
    await cluster?.start();
    await server.start();
    if (reports) process.on('message', (m: WorkerDrop) => void (m?.weft === 'drop' && reports.drop(m, server.switches)));
    host.start();
    // REST after the OpenFlow listeners: /ready answers 200 from its first request on.
    restAddress = await rest.listen();
  } catch (e) {
    await cluster?.leave();
    host.stop();
    await server.stop();
    await rest.close();
    await shared?.close();
    throw e;
  }
  log.info({ apps: host.apps().map((a) => a.name), listeners: server.addresses(), rest: restAddress }, opts.workerIndex === undefined ? 'weft started' : 'worker started');
  let stopping: Promise<void> | undefined;
  return {
    config,
    logs,
    host,
    server,
    rest,
    metrics,
    store,
    desired,
    cluster,
    addresses: () => server.addresses(),
    restAddress: () => restAddress,
    // Stopping: /ready answers 503 from the first moment (for rest.stopGraceMs) while REST still
    // serves; the switches are let go (quiesced first, so their flows stay as they are), then
    // REST closes.
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        // Time for load balancers and probes to see /ready fail before anything stops.
        if (config.rest.stopGraceMs > 0) await new Promise((r) => setTimeout(r, config.rest.stopGraceMs));
        // A cluster instance hands its switches over first (SLAVE, lease revoked).
        await cluster?.leave();
        host.stop();
        await server.stop();
        await rest.close();
        await shared?.close();
        await store.close();
        log.info('weft stopped');
      })()),
  };
}

/** openflow.tls.dpidNames with keys as the connection layer names dpids (16 lowercase hex digits). */
function dpidNamesOf(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([k, v]) => [canonicalDpid(k) ?? k, v]));
}

export function version(): string {
  // src/main.ts and dist/src/main.js both find package.json by walking up.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'weft') return pkg.version ?? '0.0.0';
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export interface MainIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/**
 * Run weft until SIGTERM/SIGINT. Resolves with the exit code: 0 after a clean shutdown (or
 * --help/--version), 1 when it cannot start (a port in use...), 2 for a bad configuration.
 */
export async function main(io: MainIo): Promise<number> {
  let weft: Weft;
  // A worker process (src/workers.ts) gets its index in the environment, not as a setting.
  const { [WORKER_INDEX_ENV]: indexText, ...env } = io.env;
  const workerIndex = workerIndexOf(indexText);
  let primary: WeftConfig | undefined;
  try {
    const req = loadConfig({ argv: io.argv, env });
    if (req.kind === 'help') {
      io.stdout(usage());
      return 0;
    }
    if (req.kind === 'version') {
      io.stdout(`weft ${version()}\n`);
      return 0;
    }
    if (workerIndex === undefined && req.config.openflow.workers > 1) {
      // Refuse apps that cannot be split before starting any worker.
      checkSwitchLocal(await loadApps(req.config.apps, { appOptions: req.config.appOptions }), req.config.openflow.workers);
      primary = req.config;
    } else {
      weft = await startWeft(workerIndex === undefined ? req.config : workerConfig(req.config, workerIndex), { workerIndex });
    }
  } catch (e) {
    const err = e as Error;
    const lines = (err.message || String(e)).split('\n');
    io.stderr(lines.map((l) => `weft: ${l}\n`).join(''));
    return e instanceof ConfigError || e instanceof AppLoadError ? 2 : 1;
  }
  if (primary) {
    const logs = createLogs(primary.log);
    installProcessGuard(logs.for('main'));
    return runPrimary(primary, logs, io.stderr);
  }
  installProcessGuard(weft!.logs.for('main'));
  if (workerIndex !== undefined) {
    const ready: WorkerReady = { weft: 'ready', index: workerIndex, rest: weft!.restAddress(), listeners: weft!.addresses() };
    process.send?.(ready);
  }
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (signalled) {
        // A second signal while stopping: give up waiting.
        resolve(1);
        return;
      }
      signalled = true;
      weft.logs.for('main').info({ signal: sig }, 'shutting down');
      weft.stop().then(
        () => resolve(0),
        (err: unknown) => {
          io.stderr(`weft: error while stopping: ${(err as Error)?.message ?? String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    if (workerIndex === undefined) process.on('SIGINT', onSignal);
    else {
      // A worker stops when the primary says so (SIGTERM), not on the terminal's Ctrl-C, which
      // reaches every process of the group: the primary then stops them one by one. Without
      // its primary (the IPC channel closed) a worker stops too.
      process.on('SIGINT', () => undefined);
      process.once('disconnect', () => onSignal('SIGTERM'));
    }
  });
}
