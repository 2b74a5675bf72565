/**
 * weft's configuration: its type, its defaults, and the schema every source is checked against.
 * One schema drives validation of the file, the environment and the flags, so an error always
 * names the key path (config.openflow.port) and the source it came from.
 */
import { LOG_FORMATS, LOG_LEVELS, LOG_SUBSYSTEMS } from '../log.js';
import type { LogFormat, LogLevel } from '../log.js';

export interface TlsConfig {
  /** PEM files: our certificate, its key, and the CA a switch certificate must chain to. */
  cert: string | null;
  key: string | null;
  ca: string | null;
  /** 'strict': a switch certificate must name the datapath id it claims (docs/CONTROLLER.md, TLS). */
  dpidBinding: 'off' | 'strict';
  /** With dpidBinding strict: the certificate name (CN or DNS SAN) expected per dpid; others must name their dpid. */
  dpidNames: Record<string, string>;
}

export interface WeftConfig {
  openflow: {
    host: string;
    port: number;
    /** Extra listeners: "tcp:HOST:PORT" or "ssl:HOST:PORT" (TLS with openflow.tls). */
    listen: string[];
    tls: TlsConfig;
    echoIntervalMs: number;
    echoMaxMissed: number;
    handshakeTimeoutMs: number;
    requestTimeoutMs: number;
    maxQueuedBytes: number;
    /** Input time all switches share per event-loop turn (docs/CONTROLLER.md, the turn budget). */
    turnBudgetMs: number;
    missSendLen: number;
    dpidConflict: 'replace' | 'reject';
    /** With dpidConflict replace: how long the old connection has to answer an echo before it is replaced. */
    dpidProbeTimeoutMs: number;
    /** Caps per switch connection (docs/CONTROLLER.md, limits). */
    maxMultipartParts: number;
    maxMultipartBytes: number;
    multipartDeadlineMs: number;
    maxPorts: number;
    /** Repeated connection log lines per peer address and reason let through per window. */
    logRepeatLimit: number;
    logRepeatWindowMs: number;
    /**
     * Worker processes holding the switch connections (docs/CONTROLLER.md, worker processes):
     * 1 runs everything in this process; more needs apps that are all switch-local.
     */
    workers: number;
  };
  rest: {
    host: string;
    port: number;
    /** Bearer token every write (POST/PUT/PATCH/DELETE) must carry; null: no auth. */
    token: string | null;
    /** Origins allowed by CORS ("*" for any); [] turns CORS off. */
    corsOrigins: string[];
    /** Largest request body in bytes, except the bulk flow route. */
    bodyLimit: number;
    /** Largest body of POST /switches/:dpid/flows/bulk. */
    bulkBodyLimit: number;
    /** Most flows one POST /switches/:dpid/flows/bulk may carry (413 above it). */
    maxBulkFlows: number;
    /** Bytes queued for one event-stream client above which it is disconnected. */
    eventsMaxBufferedBytes: number;
    /** On stop, /ready answers 503 this long before the switches are let go and REST closes. */
    stopGraceMs: number;
    /** Serve a non-loopback rest.host without rest.token (refused otherwise). */
    insecure: boolean;
  };
  /** Apps in load order: built-in names (apps/<name>) or module paths. */
  apps: string[];
  /** Options per app, by the app's entry in `apps`. */
  appOptions: Record<string, Record<string, unknown>>;
  host: {
    tickIntervalMs: number;
    /** The app watchdog (src/host/watchdog.ts): time budget and failure limit per app. */
    watchdog: { budgetMs: number; maxSlowCalls: number; slowWindowMs: number; maxFailures: number };
  };
  /** Reconciliation of switches against desired state (docs/STATE.md). */
  reconcile: {
    /** Drift audit interval; 0 turns the audit off. */
    auditIntervalMs: number;
    foreignFlows: 'keep' | 'delete';
    maxAttempts: number;
    retryBackoffMs: number;
    maxRetryBackoffMs: number;
  };
  /**
   * The state store (docs/STATE.md): configuration written at run time persists in `dir`.
   * null keeps it in memory only (lost at exit); the command line's default is
   * $XDG_STATE_HOME/weft, or ./weft-state without XDG_STATE_HOME.
   */
  state: { dir: string | null };
  /**
   * Several weft instances on etcd (docs/CLUSTER.md). `etcd` null: a single instance, as without
   * a cluster. With it, the state store is in etcd and `name` names this instance.
   */
  cluster: {
    /** etcd://HOST:PORT[,HOST:PORT...] */
    etcd: string | null;
    /** This instance's name (unique in the cluster); null: the host name. */
    name: string | null;
    /** Lease TTL of the membership (s): a dead instance loses its switches within it. */
    leaseTtl: number;
    /** Deadline of every etcd call (ms). */
    etcdTimeoutMs: number;
    /** Key prefix of this cluster in etcd (several clusters can share one etcd). */
    prefix: string;
  };
  log: { level: LogLevel; levels: Record<string, LogLevel>; format?: LogFormat };
}

/** Built-in apps loaded when the config names none; table-miss first (the others rely on its flow). */
export const DEFAULT_APPS = ['table-miss', 'topology', 'l2-learning'];

export function defaultConfig(): WeftConfig {
  return {
    openflow: {
      host: '0.0.0.0',
      port: 6653,
      listen: [],
      tls: { cert: null, key: null, ca: null, dpidBinding: 'off', dpidNames: {} },
      echoIntervalMs: 5_000,
      echoMaxMissed: 3,
      handshakeTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      maxQueuedBytes: 16 * 1024 * 1024,
      turnBudgetMs: 2,
      missSendLen: 0xffff,
      dpidConflict: 'replace',
      dpidProbeTimeoutMs: 1_000,
      maxMultipartParts: 16_384,
      maxMultipartBytes: 16 * 1024 * 1024,
      multipartDeadlineMs: 60_000,
      maxPorts: 4_096,
      logRepeatLimit: 5,
      logRepeatWindowMs: 10_000,
      workers: 1,
    },
    // Loopback by default: without a token anyone who reaches the port can change flows.
    rest: {
      host: '127.0.0.1',
      port: 8080,
      token: null,
      corsOrigins: [],
      bodyLimit: 1024 * 1024,
      bulkBodyLimit: 32 * 1024 * 1024,
      maxBulkFlows: 100_000,
      eventsMaxBufferedBytes: 1024 * 1024,
      stopGraceMs: 0,
      insecure: false,
    },
    apps: [...DEFAULT_APPS],
    appOptions: {},
    host: { tickIntervalMs: 1_000, watchdog: { budgetMs: 100, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 10 } },
    reconcile: { auditIntervalMs: 30_000, foreignFlows: 'keep', maxAttempts: 5, retryBackoffMs: 1_000, maxRetryBackoffMs: 60_000 },
    // In memory for embedders and tests; loadConfig (the command line) fills in a directory.
    state: { dir: null },
    cluster: { etcd: null, name: null, leaseTtl: 2, etcdTimeoutMs: 1_000, prefix: 'weft/' },
    log: { level: 'info', levels: {}, format: 'auto' },
  };
}

// ---------------------------------------------------------------- schema

export type Spec =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'string'; nullable?: boolean; check?: (s: string) => string | undefined }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' }
  | { kind: 'list'; of: Spec; minItems?: number }
  | { kind: 'object'; fields: Record<string, Spec> }
  /** Free keys (checked by `key`) with values of one spec. */
  | { kind: 'record'; key?: (k: string) => string | undefined; of: Spec }
  /** Any JSON object (app options: the app checks them). */
  | { kind: 'anyObject' };

const int = (min: number, max: number): Spec => ({ kind: 'int', min, max });
const port = int(1, 65535);
const ms = int(1, 24 * 3600 * 1000);
const host: Spec = { kind: 'string', check: (s) => (s.length === 0 ? 'expected a host name or address, got ""' : undefined) };
const path: Spec = { kind: 'string', nullable: true, check: (s) => (s.length === 0 ? 'expected a file path' : undefined) };

/** "tcp:HOST:PORT" / "ssl:HOST:PORT" (IPv6 hosts in brackets). */
export interface ListenSpec {
  proto: 'tcp' | 'ssl';
  host: string;
  port: number;
}

export function parseListen(s: string): ListenSpec | undefined {
  const m = /^(tcp|ssl):(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const portNo = Number(m[4]);
  if (portNo < 1 || portNo > 65535) return undefined;
  return { proto: m[1] as 'tcp' | 'ssl', host: m[2] ?? m[3]!, port: portNo };
}

const listen: Spec = {
  kind: 'string',
  check: (s) => (parseListen(s) ? undefined : `expected tcp:HOST:PORT or ssl:HOST:PORT, got ${JSON.stringify(s)}`),
};

const appSpec: Spec = { kind: 'string', check: (s) => (s.trim().length === 0 ? 'expected an app name or module path' : undefined) };
const level: Spec = { kind: 'enum', values: LOG_LEVELS };

export const SCHEMA: Spec = {
  kind: 'object',
  fields: {
    openflow: {
      kind: 'object',
      fields: {
        host,
        port,
        listen: { kind: 'list', of: listen },
        tls: {
          kind: 'object',
          fields: {
            cert: path,
            key: path,
            ca: path,
            dpidBinding: { kind: 'enum', values: ['off', 'strict'] },
            dpidNames: {
              kind: 'record',
              key: (k) => (/^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){7})$/.test(k) ? undefined : 'expected a datapath id: 16 hex digits (colons between bytes allowed)'),
              of: { kind: 'string', check: (s) => (s.length === 0 ? 'expected a certificate name' : undefined) },
            },
          },
        },
        echoIntervalMs: ms,
        echoMaxMissed: int(1, 1000),
        handshakeTimeoutMs: ms,
        requestTimeoutMs: ms,
        maxQueuedBytes: int(64 * 1024, 2 ** 31),
        turnBudgetMs: int(1, 1000),
        missSendLen: int(0, 0xffff),
        dpidConflict: { kind: 'enum', values: ['replace', 'reject'] },
        dpidProbeTimeoutMs: int(10, 60_000),
        maxMultipartParts: int(1, 2 ** 24),
        maxMultipartBytes: int(64 * 1024, 2 ** 31),
        multipartDeadlineMs: ms,
        maxPorts: int(1, 65_280),
        logRepeatLimit: int(1, 1_000_000),
        logRepeatWindowMs: int(100, 3600 * 1000),
        workers: int(1, 64),
      },
    },
    rest: {
      kind: 'object',
      fields: {
        host,
        port,
        token: { kind: 'string', nullable: true, check: (s) => (s.length < 8 ? 'expected a token of at least 8 characters' : undefined) },
        corsOrigins: {
          kind: 'list',
          of: { kind: 'string', check: (s) => (s === '*' || /^https?:\/\/[^/\s]+$/.test(s) ? undefined : `expected "*" or an origin like http://host:port, got ${JSON.stringify(s)}`) },
        },
        bodyLimit: int(1024, 2 ** 30),
        bulkBodyLimit: int(1024, 2 ** 31),
        maxBulkFlows: int(1, 10_000_000),
        eventsMaxBufferedBytes: int(16 * 1024, 2 ** 30),
        stopGraceMs: int(0, 600_000),
        insecure: { kind: 'bool' },
      },
    },
    apps: { kind: 'list', of: appSpec },
    appOptions: { kind: 'record', of: { kind: 'anyObject' } },
    host: {
      kind: 'object',
      fields: {
        tickIntervalMs: int(10, 3600 * 1000),
        watchdog: { kind: 'object', fields: { budgetMs: int(0, 600_000), maxSlowCalls: int(1, 1_000_000), slowWindowMs: int(1, 24 * 3600 * 1000), maxFailures: int(0, 1_000_000) } },
      },
    },
    reconcile: {
      kind: 'object',
      fields: {
        auditIntervalMs: int(0, 24 * 3600 * 1000),
        foreignFlows: { kind: 'enum', values: ['keep', 'delete'] },
        maxAttempts: int(1, 100),
        retryBackoffMs: ms,
        maxRetryBackoffMs: ms,
      },
    },
    state: { kind: 'object', fields: { dir: { kind: 'string', nullable: true, check: (s) => (s.length === 0 ? 'expected a directory path' : undefined) } } },
    cluster: {
      kind: 'object',
      fields: {
        etcd: { kind: 'string', nullable: true, check: (s) => (parseEtcdUrl(s) ? undefined : `expected etcd://HOST:PORT[,HOST:PORT...], got ${JSON.stringify(s)}`) },
        name: { kind: 'string', nullable: true, check: (s) => (/^[A-Za-z0-9._-]{1,64}$/.test(s) ? undefined : 'expected 1-64 letters, digits, ".", "_" or "-"') },
        leaseTtl: int(2, 60),
        etcdTimeoutMs: int(100, 60_000),
        prefix: { kind: 'string', check: (s) => (/^[A-Za-z0-9._/-]{1,64}\/$/.test(s) ? undefined : 'expected a key prefix ending in "/"') },
      },
    },
    log: {
      kind: 'object',
      fields: {
        level,
        levels: {
          kind: 'record',
          key: (k) =>
            (LOG_SUBSYSTEMS as readonly string[]).includes(k) || /^app:[A-Za-z0-9._-]+$/.test(k)
              ? undefined
              : `unknown subsystem (expected ${LOG_SUBSYSTEMS.join(', ')} or app:<name>)`,
          of: level,
        },
        format: { kind: 'enum', values: LOG_FORMATS },
      },
    },
  },
};

/** etcd://HOST:PORT[,HOST:PORT...] as client URLs (http://HOST:PORT), or undefined when malformed. */
export function parseEtcdUrl(s: string): string[] | undefined {
  const m = /^etcd:\/\/(.+)$/.exec(s);
  if (!m) return undefined;
  const out: string[] = [];
  for (const hp of m[1]!.split(',')) {
    const x = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(hp.trim());
    if (!x || Number(x[2]) < 1 || Number(x[2]) > 65535) return undefined;
    out.push(`http://${x[1]}:${x[2]}`);
  }
  return out;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and "localhost". */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * Why the REST settings must not start, or undefined: a non-loopback address without a token
 * serves unauthenticated writes (flows, groups, apps) to the network; rest.insecure allows it.
 */
export function restExposureProblem(rest: Pick<WeftConfig['rest'], 'host' | 'token' | 'insecure'>): string | undefined {
  if (rest.token !== null || rest.insecure || isLoopbackHost(rest.host)) return undefined;
  return (
    `the REST API on ${rest.host} (not loopback) would accept writes from the network without a token: ` +
    'set rest.token (--rest-token, WEFT_REST_TOKEN), or allow it explicitly with rest.insecure (--rest-insecure, WEFT_REST_INSECURE=true)'
  );
}
