import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultConfig, loadConfig, usage } from '../../src/config/index.js';
import type { WeftConfig } from '../../src/config/index.js';
import { listenersOf } from '../../src/main.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-config-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
};
for (const f of ['cert.pem', 'key.pem', 'ca.pem']) file(f, '-----BEGIN X-----\n');

function run(argv: string[], env: Record<string, string> = {}): WeftConfig {
  const r = loadConfig({ argv, env, cwd: dir });
  if (r.kind !== 'run') throw new Error(`expected run, got ${r.kind}`);
  return r.config;
}

function error(argv: string[], env: Record<string, string> = {}): string {
  try {
    run(argv, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      if (e.exitCode !== 2) throw new Error('exit code');
      return e.message;
    }
    throw e;
  }
  throw new Error('expected a ConfigError');
}

t.test('defaults', async (t) => {
  const c = run([]);
  // The command line keeps state in ./weft-state; defaultConfig() (embedders) in memory.
  t.same(c, { ...defaultConfig(), state: { dir: join(dir, 'weft-state') } });
  t.equal(defaultConfig().state.dir, null);
  t.equal(c.openflow.port, 6653);
  t.equal(c.rest.port, 8080);
  t.same(c.apps, ['table-miss', 'topology', 'l2-learning']);
  t.same(listenersOf(c), [{ host: '0.0.0.0', port: 6653 }]);
});

t.test('state.dir: XDG default, flag, environment, file (relative to the file), null for memory', async (t) => {
  t.equal(run([], { XDG_STATE_HOME: '/var/lib/xdg' }).state.dir, '/var/lib/xdg/weft');
  t.equal(run([], { XDG_STATE_HOME: 'relative' }).state.dir, join(dir, 'weft-state'), 'a relative XDG_STATE_HOME is ignored, as the spec says');
  t.equal(run(['--state-dir', 'st']).state.dir, join(dir, 'st'));
  t.equal(run(['--state-dir=/abs/st']).state.dir, '/abs/st');
  t.equal(run([], { WEFT_STATE_DIR: '/env/st' }).state.dir, '/env/st');
  t.equal(run(['--state-dir', '/flag/st'], { WEFT_STATE_DIR: '/env/st' }).state.dir, '/flag/st');
  const cfg = file('state.json', { state: { dir: 'here' } });
  t.equal(run(['--config', cfg]).state.dir, join(dir, 'here'));
  t.equal(run(['--config', file('mem.json', { state: { dir: null } })]).state.dir, null, 'null in a file: memory only');
  t.match(error(['--state-dir', '']), /--state-dir \(config.state.dir\): expected a directory path/);
  t.match(error(['--config', file('bad-state.json', { state: { dri: 'x' } })]), /config.state.dri \(in .*bad-state.json\): unknown key \(did you mean dir\?\)/);
});

t.test('precedence: defaults < file < environment < flags', async (t) => {
  const cfg = file('p.json', { openflow: { port: 7001, host: '127.0.0.2', echoIntervalMs: 2500 }, rest: { port: 7101 }, log: { level: 'warn', levels: { host: 'debug' } } });
  const fromFile = run(['--config', cfg]);
  t.match(fromFile, { openflow: { port: 7001, host: '127.0.0.2', echoIntervalMs: 2500, echoMaxMissed: 3 }, rest: { port: 7101, host: '127.0.0.1' } });
  const env = { WEFT_OPENFLOW_PORT: '7002', WEFT_REST_PORT: '7102', WEFT_LOG_LEVELS: 'openflow=trace' };
  const fromEnv = run(['--config', cfg], env);
  t.match(fromEnv, { openflow: { port: 7002, host: '127.0.0.2' }, rest: { port: 7102 }, log: { level: 'warn', levels: { host: 'debug', openflow: 'trace' } } });
  const fromFlags = run(['--config', cfg, '--openflow-port', '7003', '--rest-port=7103', '--log-levels', 'host=error'], env);
  t.match(fromFlags, { openflow: { port: 7003 }, rest: { port: 7103 }, log: { levels: { host: 'error', openflow: 'trace' } } });
  // WEFT_CONFIG names the file when --config does not.
  t.equal(run([], { WEFT_CONFIG: cfg }).openflow.port, 7001);
});

t.test('apps and listeners from flags and env; relative paths in a file are relative to it', async (t) => {
  t.same(run(['--apps', 'table-miss, ./x.js']).apps, ['table-miss', './x.js']);
  t.same(run([], { WEFT_APPS: 'a,b' }).apps, ['a', 'b']);
  const c = run(['--listen', 'tcp:127.0.0.1:6633', '--listen=ssl:[::1]:6654', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--tls-ca', join(dir, 'ca.pem')]);
  t.same(c.openflow.listen, ['tcp:127.0.0.1:6633', 'ssl:[::1]:6654']);
  t.same(listenersOf(c).map((l) => [l.host, l.port, !!l.tls]), [['0.0.0.0', 6653, false], ['127.0.0.1', 6633, false], ['::1', 6654, true]]);
  const rel = file('rel.json', { apps: ['./my-app.js', 'table-miss'], openflow: { tls: { cert: 'cert.pem', key: 'key.pem', ca: 'ca.pem' }, listen: ['ssl:0.0.0.0:6654'] } });
  const r = run(['--config', rel]);
  t.same(r.apps, [join(dir, 'my-app.js'), 'table-miss']);
  t.equal(r.openflow.tls.ca, join(dir, 'ca.pem'));
});

t.test('the app watchdog: config file, environment and flags', async (t) => {
  t.same(run([]).host.watchdog, { budgetMs: 100, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 10 }, 'defaults');
  const f = file('watchdog.json', { host: { watchdog: { budgetMs: 250, maxFailures: 20 } } });
  t.same(run(['--config', f]).host.watchdog, { budgetMs: 250, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 20 }, 'a partial file section keeps the other defaults');
  const c = run(['--app-budget', '50', '--app-max-slow-calls', '3', '--app-slow-window', '1000'], { WEFT_APP_MAX_FAILURES: '0' });
  t.same(c.host.watchdog, { budgetMs: 50, maxSlowCalls: 3, slowWindowMs: 1000, maxFailures: 0 });
  t.equal(error(['--app-max-slow-calls', '0']), '--app-max-slow-calls (config.host.watchdog.maxSlowCalls): expected an integer 1-1000000, got 0');
  t.equal(error([], { WEFT_APP_BUDGET_MS: '-1' }), 'WEFT_APP_BUDGET_MS (config.host.watchdog.budgetMs): expected an integer 0-600000, got -1');
});

t.test('each validation error names the key path and its source', async (t) => {
  t.equal(error(['--openflow-port', 'abc']), '--openflow-port (config.openflow.port): expected an integer 1-65535, got "abc"');
  t.equal(error(['--openflow-port', '0']), '--openflow-port (config.openflow.port): expected an integer 1-65535, got 0');
  t.equal(error([], { WEFT_REST_PORT: '99999' }), 'WEFT_REST_PORT (config.rest.port): expected an integer 1-65535, got 99999');
  t.equal(error(['--log-level', 'loud']), '--log-level (config.log.level): expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
  t.match(error(['--log-levels', 'disk=debug']), /^--log-levels \(config\.log\.levels\.disk\): unknown subsystem/);
  t.equal(error(['--log-levels', 'host=chatty']), '--log-levels (config.log.levels.host): expected one of fatal, error, warn, info, debug, trace, silent, got "chatty"');
  t.equal(error(['--listen', 'udp:1.2.3.4:5']), '--listen (config.openflow.listen[0]): expected tcp:HOST:PORT or ssl:HOST:PORT, got "udp:1.2.3.4:5"');
  t.equal(error(['--openflow-host', '']), '--openflow-host (config.openflow.host): expected a host name or address, got ""');
  t.equal(error(['--tick-interval', '5']), '--tick-interval (config.host.tickIntervalMs): expected an integer 10-3600000, got 5');
  const bad = file('bad.json', { openflow: { port: '6653', echoMaxMissed: 0, turnBudgetMs: 0 }, apps: 'table-miss' });
  t.equal(
    error(['--config', bad]),
    [
      `config.openflow.port (in ${bad}): expected an integer 1-65535, got "6653"`,
      `config.openflow.echoMaxMissed (in ${bad}): expected an integer 1-1000, got 0`,
      `config.openflow.turnBudgetMs (in ${bad}): expected an integer 1-1000, got 0`,
      `config.apps (in ${bad}): expected a list, got "table-miss"`,
    ].join('\n'),
  );
});

t.test('unknown keys, variables and flags are refused', async (t) => {
  const unknown = file('unknown.json', { openflow: { prot: 6653 }, extra: true });
  t.equal(error(['--config', unknown]), [`config.openflow.prot (in ${unknown}): unknown key (did you mean port?)`, `config.extra (in ${unknown}): unknown key`].join('\n'));
  t.match(error([], { WEFT_OPENFLOW_PROT: '1' }), /^WEFT_OPENFLOW_PROT: unknown environment variable \(known: WEFT_CONFIG, /);
  t.equal(error(['--openflow-prot', '1']), 'unknown option --openflow-prot (see weft --help)');
  t.equal(error(['--rest-port']), '--rest-port: missing value (PORT)');
  t.equal(error(['--rest-port', '1', '--rest-port', '2']), '--rest-port: given twice');
  t.equal(error(['serve']), 'unexpected argument "serve" (options start with --; see weft --help)');
});

t.test('config file problems', async (t) => {
  t.match(error(['--config', 'nope.json']), /^config file .*nope\.json: cannot read it \(ENOENT\)$/);
  t.match(error(['--config', file('broken.json', '{"openflow": ')]), /^config file .*broken\.json: invalid JSON/);
  t.match(error(['--config', file('list.json', '[]')]), /^config \(in .*list\.json\): expected an object, got a list$/);
});

t.test('checks across keys', async (t) => {
  t.equal(error(['--listen', 'ssl:0.0.0.0:6654']), [
    'config.openflow.tls.cert: required by the listener ssl:0.0.0.0:6654',
    'config.openflow.tls.key: required by the listener ssl:0.0.0.0:6654',
    'config.openflow.tls.ca: required by the listener ssl:0.0.0.0:6654',
  ].join('\n'));
  t.equal(
    error(['--listen', 'ssl:0.0.0.0:6654', '--tls-cert', '/nonexistent/c.pem', '--tls-key', join(dir, 'key.pem'), '--tls-ca', join(dir, 'ca.pem')]),
    'config.openflow.tls.cert: file /nonexistent/c.pem does not exist',
  );
  t.equal(error(['--listen', 'tcp:0.0.0.0:6653']), 'config.openflow.listen[0]: 0.0.0.0:6653 is already used by config.openflow.port');
  t.equal(error(['--rest-port', '6653']), 'config.rest.port: 6653 is also an OpenFlow listener port (config.openflow.port)');
  t.equal(error(['--apps', 'table-miss,table-miss']), 'config.apps: table-miss is listed twice');
  t.equal(error(['--apps', ',']), 'config.apps: no apps to load (the default is table-miss, topology, l2-learning)');
});

t.test('help and version requests', async (t) => {
  t.same(loadConfig({ argv: ['--openflow-port', 'x', '--help'], env: {} }), { kind: 'help' });
  t.same(loadConfig({ argv: ['--version'], env: {} }), { kind: 'version' });
  const u = usage();
  for (const flag of ['--openflow-port', '--openflow-host', '--listen', '--tls-cert', '--tls-key', '--tls-ca', '--rest-port', '--rest-host', '--apps', '--config', '--log-level', '--log-levels', '--help', '--version']) {
    t.ok(u.includes(flag), `usage lists ${flag}`);
  }
});

t.test('a REST API on a non-loopback address needs a token or an explicit rest.insecure', async (t) => {
  const msg = error(['--rest-host', '0.0.0.0']);
  t.match(msg, /^config\.rest\.host: the REST API on 0\.0\.0\.0 \(not loopback\) would accept writes from the network without a token/);
  t.match(msg, /--rest-token/, 'names the token flag');
  t.match(msg, /--rest-insecure/, 'names the escape hatch');
  t.match(error([], { WEFT_REST_HOST: '192.0.2.7' }), /192\.0\.2\.7 \(not loopback\)/, 'any non-loopback address, from the environment too');
  t.equal(run(['--rest-host', '0.0.0.0', '--rest-token', 'sekrit-token']).rest.host, '0.0.0.0', 'a token makes it fine');
  const insecure = run(['--rest-host', '0.0.0.0', '--rest-insecure']);
  t.equal(insecure.rest.insecure, true, '--rest-insecure alone is a switch');
  t.equal(run(['--rest-host', '::', '--rest-insecure=true']).rest.insecure, true, '--rest-insecure=true');
  t.equal(run(['--rest-host', '0.0.0.0'], { WEFT_REST_INSECURE: 'true' }).rest.insecure, true, 'WEFT_REST_INSECURE=true');
  t.match(error(['--rest-host', '0.0.0.0', '--rest-insecure=false']), /not loopback/, '--rest-insecure=false keeps the check');
  t.match(error([], { WEFT_REST_INSECURE: 'maybe' }), /WEFT_REST_INSECURE \(config\.rest\.insecure\): expected true or false, got "maybe"/);
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) t.equal(run(['--rest-host', host]).rest.host, host, `${host} is loopback: no token needed`);
  t.equal(defaultConfig().rest.insecure, false, 'off by default');
  t.match(usage(), /--rest-insecure {2,}allow a non-loopback/, '--help lists the switch without an argument');
});

t.test('cluster: flags, environment, file; bad URLs and conflicts refused', async (t) => {
  t.equal(run([]).cluster.etcd, null, 'no cluster by default');
  const c = run(['--cluster', 'etcd://10.0.0.1:2379,etcd-b:2379', '--instance', 'w-1', '--cluster-lease-ttl', '3']);
  t.same(c.cluster, { etcd: 'etcd://10.0.0.1:2379,etcd-b:2379', name: 'w-1', leaseTtl: 3, etcdTimeoutMs: 1000, prefix: 'weft/' });
  t.equal(run([], { WEFT_CLUSTER: 'etcd://127.0.0.1:2379', WEFT_INSTANCE: 'x' }).cluster.name, 'x');
  t.equal(run(['--config', file('cl.json', { cluster: { etcd: 'etcd://h:1', prefix: 'lab/' } })]).cluster.prefix, 'lab/');
  t.match(error(['--cluster', 'http://127.0.0.1:2379']), /config\.cluster\.etcd.*expected etcd:\/\/HOST:PORT/);
  t.match(error(['--cluster', 'etcd://h:99999']), /expected etcd:\/\//);
  t.match(error(['--cluster', 'etcd://h:1', '--instance', 'a b']), /config\.cluster\.name/);
  t.match(error(['--cluster', 'etcd://h:1', '--cluster-lease-ttl', '1']), /config\.cluster\.leaseTtl/);
  t.match(error(['--cluster', 'etcd://h:1', '--workers', '2']), /openflow\.workers 1/);
  t.match(error(['--config', file('cl2.json', { cluster: { etcd: 'etcd://h:1', etcdTimeoutMs: 5000 } })]), /shorter than the lease TTL/);
});
