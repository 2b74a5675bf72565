/**
 * Worker processes (`openflow.workers` > 1): the switch connections are spread over N processes,
 * each a complete weft (apps, app host, OpenFlow listeners, REST API) for the switches it holds.
 * Node's cluster module shares the OpenFlow listening sockets: the primary accepts each
 * connection and hands it to the next worker in turn, and from then on the switch talks to
 * that worker only. This is how weft uses more than one core, for apps whose work concerns one
 * switch at a time (App.switchLocal): the topology, routing and NAT apps see the network as a
 * whole and cannot be split this way, so weft refuses to start workers with them.
 *
 * Worker i (0-based) serves its REST API on rest.port + i. The primary supervises: a worker
 * that fails before it is up stops the whole start (exit code as the worker's), one that dies
 * later is started again (its switches reconnect, to any worker), and SIGTERM/SIGINT stop the
 * workers and then the primary.
 *
 * A datapath id may reconnect while its old connection lingers (a switch that lost its TCP
 * connection without a FIN), and the new connection can land in another worker. Workers tell
 * the primary which switches they hold, and the primary applies `openflow.dpidConflict` across
 * workers: `replace` closes the old connection in its worker, `reject` closes the new one.
 */
import cluster from 'node:cluster';
import { join } from 'node:path';
import type { Worker } from 'node:cluster';
import type { App } from '../apps/sdk/index.js';
import { ConfigError } from './config/index.js';
import type { WeftConfig } from './config/index.js';
import type { SwitchConnection, SwitchLifecycleListener } from './openflow/switch-connection.js';
import type { BoundAddress } from './openflow/server.js';
import type { Logs } from './log.js';

/** The environment variable carrying a worker's index (main() takes it out before loading the config). */
export const WORKER_INDEX_ENV = 'WEFT_WORKER_INDEX';

/** How long the primary waits for workers to stop before killing them. */
const STOP_TIMEOUT_MS = 15_000;

/** What a worker tells the primary once it is up. */
export interface WorkerReady {
  weft: 'ready';
  index: number;
  rest: { host: string; port: number };
  listeners: BoundAddress[];
}

/**
 * What a worker tells the primary about its switches. `conn` numbers the worker's connections,
 * so that an order about an old connection never closes a newer one with the same dpid.
 */
export interface WorkerSwitch {
  weft: 'switchUp' | 'switchDown';
  dpid: string;
  conn: number;
}

/**
 * The primary's order to a worker: close this connection (a datapath id conflict). With
 * `probeMs` (policy replace): only if it does not answer an echo request within that time;
 * if it does, the worker answers with a WorkerKeep and the newcomer is closed instead.
 */
export interface WorkerDrop {
  weft: 'drop';
  dpid: string;
  conn: number;
  reason: string;
  probeMs?: number;
  newcomer?: { index: number; conn: number };
}

/** A worker's answer to a probing drop order: the old connection is alive and stays. */
export interface WorkerKeep {
  weft: 'keep';
  dpid: string;
  conn: number;
  newcomer: { index: number; conn: number };
}

/**
 * A worker's side of the conflict handling: a lifecycle listener (OpenFlowServer.onLifecycle)
 * that reports the worker's switches to the primary, and `drop` to carry out the primary's
 * orders against `switches`.
 */
export function workerSwitchReports(send: (m: WorkerSwitch | WorkerKeep) => void): {
  listener: SwitchLifecycleListener;
  drop(order: WorkerDrop, switches: ReadonlyMap<string, SwitchConnection>): boolean;
} {
  const ids = new WeakMap<SwitchConnection, number>();
  let next = 0;
  return {
    listener: {
      switchUp(sw) {
        const conn = ++next;
        ids.set(sw, conn);
        send({ weft: 'switchUp', dpid: sw.info.dpid, conn });
      },
      switchDown(sw) {
        const conn = ids.get(sw);
        if (conn !== undefined) send({ weft: 'switchDown', dpid: sw.info.dpid, conn });
      },
    },
    drop(order, switches) {
      const sw = switches.get(order.dpid);
      if (!sw || ids.get(sw) !== order.conn) return false;
      const probe = (sw as Partial<{ probe(ms: number): Promise<boolean> }>).probe;
      if (order.probeMs === undefined || order.newcomer === undefined || typeof probe !== 'function') {
        sw.close(order.reason);
        return true;
      }
      const newcomer = order.newcomer;
      void probe.call(sw, order.probeMs).then((alive) => {
        if (sw.closed) return;
        if (alive) send({ weft: 'keep', dpid: order.dpid, conn: order.conn, newcomer });
        else sw.close(`${order.reason} (no echo reply within ${order.probeMs} ms)`);
      });
      return true;
    },
  };
}

/**
 * The primary's record of which worker holds which datapath id; `up` answers what to close
 * when a second worker reports the same id (`policy` as openflow.dpidConflict).
 */
export class DpidHolders {
  readonly #held = new Map<string, { index: number; conn: number }>();
  constructor(
    private readonly policy: 'replace' | 'reject',
    /** With replace: the old connection is probed this long before it is replaced. */
    private readonly probeMs?: number,
  ) {}

  up(index: number, m: WorkerSwitch): { index: number; order: WorkerDrop } | undefined {
    const old = this.#held.get(m.dpid);
    if (old && old.index !== index) {
      if (this.policy === 'reject') {
        return { index, order: { weft: 'drop', dpid: m.dpid, conn: m.conn, reason: `datapath ${m.dpid} is already connected to worker ${old.index} (dpidConflict: reject)` } };
      }
      this.#held.set(m.dpid, { index, conn: m.conn });
      const order: WorkerDrop = { weft: 'drop', dpid: m.dpid, conn: old.conn, reason: `replaced by a new connection for the same datapath in worker ${index}` };
      if (this.probeMs !== undefined) Object.assign(order, { probeMs: this.probeMs, newcomer: { index, conn: m.conn } });
      return { index: old.index, order };
    }
    this.#held.set(m.dpid, { index, conn: m.conn });
    return undefined;
  }

  /**
   * The old connection answered the probe (worker `index` keeps it): it holds the dpid again,
   * and the newcomer is to be closed.
   */
  keep(index: number, m: WorkerKeep): { index: number; order: WorkerDrop } {
    this.#held.set(m.dpid, { index, conn: m.conn });
    return {
      index: m.newcomer.index,
      order: { weft: 'drop', dpid: m.dpid, conn: m.newcomer.conn, reason: `datapath ${m.dpid} is already connected to worker ${index} and that switch answers echo requests` },
    };
  }

  down(index: number, m: WorkerSwitch): void {
    const h = this.#held.get(m.dpid);
    if (h && h.index === index && h.conn === m.conn) this.#held.delete(m.dpid);
  }

  /** A worker is gone: so are its switches. */
  forget(index: number): void {
    for (const [dpid, h] of this.#held) if (h.index === index) this.#held.delete(dpid);
  }

  holderOf(dpid: string): number | undefined {
    return this.#held.get(dpid)?.index;
  }
}

/** Throws a ConfigError naming every loaded app that is not switch-local. */
export function checkSwitchLocal(apps: readonly App[], workers: number): void {
  const spanning = apps.filter((a) => a.switchLocal !== true).map((a) => a.name);
  if (spanning.length === 0) return;
  throw new ConfigError(
    `config.openflow.workers is ${workers}, but ${spanning.length === 1 ? 'app' : 'apps'} ${spanning.join(', ')} ${spanning.length === 1 ? 'is' : 'are'} not switch-local ` +
      '(they need every switch in one process); use workers: 1 with them, or only switch-local apps such as table-miss and l2-learning (docs/CONTROLLER.md)',
  );
}

/**
 * The config worker `index` runs: its own REST port, one process (it starts no workers), and
 * its own state store in a subdirectory (one file store has one writer; docs/STATE.md).
 */
export function workerConfig(config: WeftConfig, index: number): WeftConfig {
  const dir = config.state.dir === null ? null : join(config.state.dir, `worker-${index}`);
  return { ...config, openflow: { ...config.openflow, workers: 1 }, rest: { ...config.rest, port: config.rest.port + index }, state: { dir } };
}

/** Parse the index a worker was started with; undefined in a process that is not a worker. */
export function workerIndexOf(value: string | undefined): number | undefined {
  if (!cluster.isWorker || value === undefined) return undefined;
  const i = Number(value);
  return Number.isInteger(i) && i >= 0 ? i : undefined;
}

/**
 * Run the primary until a signal: start `config.openflow.workers` workers (this same program,
 * with WORKER_INDEX_ENV set), supervise them, stop them. Resolves with the exit code.
 */
export function runPrimary(config: WeftConfig, logs: Logs, stderr: (s: string) => void): Promise<number> {
  const log = logs.for('main');
  const n = config.openflow.workers;
  const workers = new Map<number, Worker>();
  const ready = new Map<number, WorkerReady>();
  const holders = new DpidHolders(config.openflow.dpidConflict, config.openflow.dpidProbeTimeoutMs);
  let stopping = false;
  let started = false;
  cluster.schedulingPolicy = cluster.SCHED_RR;

  return new Promise<number>((resolve) => {
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      const alive = [...workers.values()].filter((w) => !w.isDead());
      const kill = setTimeout(() => {
        for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
      }, STOP_TIMEOUT_MS);
      let left = alive.length;
      const done = () => {
        clearTimeout(kill);
        if (started) log.info('weft stopped');
        resolve(code);
      };
      if (left === 0) return done();
      for (const w of alive) {
        w.once('exit', () => {
          if (--left === 0) done();
        });
        w.process.kill('SIGTERM');
      }
    };

    const fork = (index: number) => {
      const w = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
      workers.set(index, w);
      w.on('message', (m: WorkerReady | WorkerSwitch | WorkerKeep) => {
        if (m?.weft === 'keep') {
          const drop = holders.keep(index, m);
          log.info({ dpid: m.dpid, worker: drop.index, reason: drop.order.reason }, 'datapath id in two workers: the old connection is alive, closing the new one');
          workers.get(drop.index)?.send(drop.order);
          return;
        }
        if (m?.weft === 'switchUp') {
          const drop = holders.up(index, m);
          if (drop) {
            log.info({ dpid: m.dpid, worker: drop.index, reason: drop.order.reason }, 'datapath id in two workers: closing one connection');
            workers.get(drop.index)?.send(drop.order);
          }
          return;
        }
        if (m?.weft === 'switchDown') return holders.down(index, m);
        if (m?.weft !== 'ready') return;
        ready.set(index, m);
        log.info({ worker: index, pid: w.process.pid, rest: m.rest }, 'worker up');
        if (!started && ready.size === n) {
          started = true;
          const list = [...ready.values()].sort((a, b) => a.index - b.index);
          log.info({ workers: list.map((r) => ({ index: r.index, rest: r.rest })), listeners: list[0]!.listeners }, 'weft started');
        }
      });
      w.on('exit', (code, signal) => {
        holders.forget(index);
        if (stopping) return;
        if (!ready.has(index)) {
          // It never came up (a port in use, an app that failed to load...): it said why on
          // stderr; starting it again would fail the same way.
          stderr(`weft: worker ${index} exited before it was up (${signal ?? `code ${code}`}); stopping\n`);
          stopAll(code && code > 0 ? code : 1);
          return;
        }
        ready.delete(index);
        log.warn({ worker: index, code, signal }, 'worker exited; starting a new one (its switches reconnect)');
        fork(index);
      });
    };

    for (let i = 0; i < n; i++) fork(i);
    let signalled = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (signalled) {
        for (const w of workers.values()) if (!w.isDead()) w.process.kill('SIGKILL');
        resolve(1);
        return;
      }
      signalled = true;
      log.info({ signal: sig }, 'shutting down');
      stopAll(0);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
