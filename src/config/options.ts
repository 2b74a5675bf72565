/**
 * The command-line flags and environment variables, one table for both (and for --help and
 * docs/CONFIG.md). Each sets one config key; values are coerced to the key's type.
 */
export interface OptionDef {
  flag: string;
  env: string;
  /** Config key set, or a pseudo key for options that are not config (config file, help). */
  path: string;
  arg: string;
  help: string;
  /** Repeatable flags accumulate (--listen a --listen b). */
  repeat?: boolean;
  /** A switch: `--flag` alone means true (`--flag=false` also works). */
  boolean?: boolean;
}

export const OPTIONS: readonly OptionDef[] = [
  { flag: '--config', env: 'WEFT_CONFIG', path: '@config', arg: 'FILE', help: 'JSON config file (keys as in docs/CONFIG.md)' },
  { flag: '--openflow-host', env: 'WEFT_OPENFLOW_HOST', path: 'openflow.host', arg: 'ADDR', help: 'address of the main OpenFlow listener' },
  { flag: '--openflow-port', env: 'WEFT_OPENFLOW_PORT', path: 'openflow.port', arg: 'PORT', help: 'port of the main OpenFlow listener' },
  { flag: '--listen', env: 'WEFT_OPENFLOW_LISTEN', path: 'openflow.listen', arg: 'tcp|ssl:HOST:PORT', help: 'extra listener (repeat, or comma-separate)', repeat: true },
  { flag: '--tls-cert', env: 'WEFT_TLS_CERT', path: 'openflow.tls.cert', arg: 'FILE', help: 'PEM certificate for ssl: listeners' },
  { flag: '--tls-key', env: 'WEFT_TLS_KEY', path: 'openflow.tls.key', arg: 'FILE', help: 'PEM private key for ssl: listeners' },
  { flag: '--tls-ca', env: 'WEFT_TLS_CA', path: 'openflow.tls.ca', arg: 'FILE', help: 'PEM CA that switch certificates must chain to' },
  { flag: '--echo-interval', env: 'WEFT_ECHO_INTERVAL_MS', path: 'openflow.echoIntervalMs', arg: 'MS', help: 'idle time before we send an echo request' },
  { flag: '--workers', env: 'WEFT_WORKERS', path: 'openflow.workers', arg: 'N', help: 'worker processes for switch connections (switch-local apps only)' },
  { flag: '--rest-host', env: 'WEFT_REST_HOST', path: 'rest.host', arg: 'ADDR', help: 'address of the REST API' },
  { flag: '--rest-port', env: 'WEFT_REST_PORT', path: 'rest.port', arg: 'PORT', help: 'port of the REST API' },
  { flag: '--rest-token', env: 'WEFT_REST_TOKEN', path: 'rest.token', arg: 'TOKEN', help: 'bearer token required for REST writes' },
  { flag: '--rest-insecure', env: 'WEFT_REST_INSECURE', path: 'rest.insecure', arg: '', help: 'allow a non-loopback --rest-host without a token (writes open to the network)', boolean: true },
  { flag: '--rest-cors', env: 'WEFT_REST_CORS', path: 'rest.corsOrigins', arg: 'ORIGIN,...', help: 'origins allowed by CORS ("*" for any)' },
  { flag: '--apps', env: 'WEFT_APPS', path: 'apps', arg: 'a,b,...', help: 'apps to load in order: built-in names or module paths' },
  { flag: '--tick-interval', env: 'WEFT_TICK_INTERVAL_MS', path: 'host.tickIntervalMs', arg: 'MS', help: 'interval of app tick() calls' },
  { flag: '--app-budget', env: 'WEFT_APP_BUDGET_MS', path: 'host.watchdog.budgetMs', arg: 'MS', help: 'app handler time budget of the watchdog (0: no budget)' },
  { flag: '--app-max-slow-calls', env: 'WEFT_APP_MAX_SLOW_CALLS', path: 'host.watchdog.maxSlowCalls', arg: 'N', help: 'calls over the budget within --app-slow-window that disable an app' },
  { flag: '--app-slow-window', env: 'WEFT_APP_SLOW_WINDOW_MS', path: 'host.watchdog.slowWindowMs', arg: 'MS', help: 'window of --app-max-slow-calls' },
  { flag: '--app-max-failures', env: 'WEFT_APP_MAX_FAILURES', path: 'host.watchdog.maxFailures', arg: 'N', help: 'consecutive failed handler calls that disable an app (0: never)' },
  { flag: '--audit-interval', env: 'WEFT_AUDIT_INTERVAL_MS', path: 'reconcile.auditIntervalMs', arg: 'MS', help: 'interval of the drift audit of every switch (0: off)' },
  { flag: '--foreign-flows', env: 'WEFT_FOREIGN_FLOWS', path: 'reconcile.foreignFlows', arg: 'keep|delete', help: 'flows with cookies that are not weft\'s, at reconciliation' },
  { flag: '--state-dir', env: 'WEFT_STATE_DIR', path: 'state.dir', arg: 'DIR', help: 'state store directory (default $XDG_STATE_HOME/weft or ./weft-state)' },
  { flag: '--cluster', env: 'WEFT_CLUSTER', path: 'cluster.etcd', arg: 'etcd://HOST:PORT,...', help: 'run as one instance of a cluster on etcd (docs/CLUSTER.md)' },
  { flag: '--instance', env: 'WEFT_INSTANCE', path: 'cluster.name', arg: 'NAME', help: 'this instance\'s name in the cluster (default: the host name)' },
  { flag: '--cluster-lease-ttl', env: 'WEFT_CLUSTER_LEASE_TTL', path: 'cluster.leaseTtl', arg: 'S', help: 'membership lease TTL in seconds: failover time after a crash' },
  { flag: '--log-level', env: 'WEFT_LOG_LEVEL', path: 'log.level', arg: 'LEVEL', help: 'fatal, error, warn, info, debug, trace or silent' },
  { flag: '--log-levels', env: 'WEFT_LOG_LEVELS', path: 'log.levels', arg: 'sub=LEVEL,...', help: 'per subsystem: main, openflow, host, rest, app, app:<name>' },
  { flag: '--log-format', env: 'WEFT_LOG_FORMAT', path: 'log.format', arg: 'auto|json|pretty', help: 'log lines as JSON, or readable (auto: readable on a terminal)' },
];

export const BY_FLAG = new Map(OPTIONS.map((o) => [o.flag, o]));
export const BY_ENV = new Map(OPTIONS.map((o) => [o.env, o]));

export function usage(): string {
  const rows = OPTIONS.map((o) => [`  ${o.flag}${o.arg ? ` ${o.arg}` : ''}`, `${o.help} [${o.env}]`]);
  rows.push(['  --help', 'print this help and exit'], ['  --version', 'print the version and exit']);
  const w = Math.max(...rows.map((r) => r[0]!.length)) + 2;
  return [
    'Usage: weft [options]',
    '',
    'weft: an OpenFlow 1.3 controller for Open vSwitch.',
    'Precedence: defaults < config file < environment < flags. See docs/CONFIG.md.',
    '',
    'Options:',
    ...rows.map(([a, b]) => a!.padEnd(w) + b),
    '',
  ].join('\n');
}
