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
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { App } from '../apps/sdk/index.js';
import { ConfigError } from './config/index.js';
import type { WeftConfig } from './config/index.js';
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

/** Throws a ConfigError naming every loaded app that is not switch-local. */
export function checkSwitchLocal(apps: readonly App[], workers: number): void {
  const spanning = apps.filter((a) => a.switchLocal !== true).map((a) => a.name);
  if (spanning.length === 0) return;
  throw new ConfigError(
    `config.openflow.workers is ${workers}, but ${spanning.length === 1 ? 'app' : 'apps'} ${spanning.join(', ')} ${spanning.length === 1 ? 'is' : 'are'} not switch-local ` +
      '(they need every switch in one process); use workers: 1 with them, or only switch-local apps such as table-miss and l2-learning (docs/CONTROLLER.md)',
  );
}

/** The config worker `index` runs: its own REST port, and one process (it starts no workers). */
export function workerConfig(config: WeftConfig, index: number): WeftConfig {
  return { ...config, openflow: { ...config.openflow, workers: 1 }, rest: { ...config.rest, port: config.rest.port + index } };
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
      w.on('message', (m: WorkerReady) => {
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
