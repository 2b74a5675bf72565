import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PRIVATE Open vSwitch instance (its own ovsdb-server and ovs-vswitchd in a temp dir) for tests
 * and the fixture capture tool. It never talks to the system instance: every command gets
 * OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR/OVS_SYSCONFDIR and explicit `unix:` paths.
 *
 * Datapath: bridges default to the `dummy` datapath (vswitchd runs with --enable-dummy). The
 * `netdev` datapath creates a kernel tap device named `ovs-netdev` that only ONE process on the
 * host can own, so two netdev instances (two test files in parallel, another engineer's run, or
 * the system instance used by Mininet) make the second bridge fail with "Device or resource busy".
 * The dummy datapath is the same userspace datapath (dpif-netdev) without kernel devices; real
 * veth ports can still be added to it, and `injectPacket` feeds frames into a dummy port.
 */

const INSTALL_HINT = 'apt-get install openvswitch-switch openvswitch-common';
const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const DIR_PREFIX = 'weft-ovs-';
const CMD_TIMEOUT_MS = 15_000;

export interface BridgeOptions {
  /** e.g. 'tcp:127.0.0.1:6653'. */
  controller?: string;
  /** Bridge `protocols` column; default 'OpenFlow13'. */
  protocols?: string;
  /** Default 'dummy' (see the file comment); 'netdev' needs no other netdev instance on the host. */
  datapathType?: 'dummy' | 'netdev';
  failMode?: 'secure' | 'standalone';
  /** 16 hex digits, sets other-config:datapath-id. */
  datapathId?: string;
}

export interface PortOptions {
  /** 'dummy' (a port with no kernel device; frames are injected), 'internal', or '' for a system device such as a veth end. */
  type?: 'dummy' | 'internal' | '';
  ofport?: number;
}

export interface OvsInstance {
  /** The temp dir holding db, sockets, pid and log files. */
  readonly dir: string;
  /** The environment every OVS command of this instance runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** Bridges created through addBridge and not yet deleted. */
  readonly bridges: ReadonlySet<string>;
  /** A fresh bridge name, unique per run: 'wf' + 4 hex digits (Linux names allow 15 chars). */
  uniqueName(prefix?: string): string;
  /** 'unix:<dir>/<bridge>.mgmt', the bridge's OpenFlow management socket. */
  mgmt(bridge: string): string;
  vsctl(...args: string[]): Promise<string>;
  /** ovs-ofctl; an argument equal to one of our bridge names is replaced by its mgmt socket. */
  ofctl(...args: string[]): Promise<string>;
  /** ovs-appctl against this instance's ovs-vswitchd. */
  appctl(...args: string[]): Promise<string>;
  addBridge(name: string, opts?: BridgeOptions): Promise<string>;
  addPort(bridge: string, port: string, opts?: PortOptions): Promise<void>;
  /** Feed a frame (hex) into a dummy port, as if it arrived on the wire. */
  injectPacket(port: string, frameHex: string): Promise<void>;
  /**
   * Stop ovs-vswitchd and start it again on the same database, as an OVS restart does: every
   * flow is gone, bridges and ports come back from the database, controllers reconnect.
   */
  restartVswitchd(): Promise<void>;
  stop(): Promise<void>;
}

/** Find an executable on PATH or in the sbin dirs Debian puts the daemons in. */
function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin'];
  for (const d of dirs) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

function requireOvs(): Record<string, string> {
  const bins: Record<string, string> = {};
  for (const b of ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovs-appctl']) {
    const p = findBinary(b);
    if (!p) throw new Error(`Open vSwitch is required but ${b} was not found. Install it: ${INSTALL_HINT}`);
    bins[b] = p;
  }
  if (!existsSync(SCHEMA)) throw new Error(`Open vSwitch schema ${SCHEMA} is missing. Install it: ${INSTALL_HINT}`);
  return bins;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, timeout: CMD_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A daemon's pid from its pidfile, only if that process still runs with our dir in its command line. */
function daemonPid(dir: string, daemon: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, `${daemon}.pid`), 'utf8').trim());
    if (!pid || !pidAlive(pid)) return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(dir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Synchronous teardown, usable from an exit hook: ask both daemons to exit (vswitchd with
 * --cleanup so datapath ports go away), then SIGKILL whatever is still alive, then remove the dir.
 */
function teardownSync(dir: string, bins: Record<string, string>, env: NodeJS.ProcessEnv, bridges: Iterable<string>): void {
  const db = `--db=unix:${join(dir, 'db.sock')}`;
  for (const br of bridges) {
    spawnSync(bins['ovs-vsctl']!, [db, '--timeout=5', '--if-exists', 'del-br', br], { env, timeout: 6000 });
  }
  for (const [daemon, extra] of [['ovs-vswitchd', ['--cleanup']], ['ovsdb-server', []]] as const) {
    if (daemonPid(dir, daemon) === undefined) continue;
    spawnSync(bins['ovs-appctl']!, ['--timeout=5', '-t', join(dir, `${daemon}.ctl`), 'exit', ...extra], { env, timeout: 6000 });
  }
  for (const daemon of ['ovs-vswitchd', 'ovsdb-server']) {
    const deadline = Date.now() + 2000;
    let pid = daemonPid(dir, daemon);
    while (pid !== undefined && Date.now() < deadline) {
      spawnSync('sleep', ['0.05']);
      pid = daemonPid(dir, daemon);
    }
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Remove instances left by a run that died without its exit hook (SIGKILL): owner pid is in the dir name. */
function reapStale(bins: Record<string, string>): void {
  for (const entry of readdirSync(tmpdir())) {
    const m = /^weft-ovs-(\d+)-/.exec(entry);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = join(tmpdir(), entry);
    teardownSync(dir, bins, envFor(dir), []);
  }
}

function envFor(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVS_SYSCONFDIR: dir };
}

const live = new Set<() => void>();
let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const cleanAll = () => {
    for (const f of [...live]) f();
  };
  process.on('exit', cleanAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Start a private Open vSwitch. Throws (never skips) when Open vSwitch is not installed. */
export async function startOvs(): Promise<OvsInstance> {
  const bins = requireOvs();
  reapStale(bins);
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const env = envFor(dir);
  const dbSock = join(dir, 'db.sock');
  const bridges = new Set<string>();
  let stopped = false;
  const syncCleanup = () => {
    if (stopped) return;
    stopped = true;
    live.delete(syncCleanup);
    teardownSync(dir, bins, env, bridges);
  };
  installExitHooks();
  live.add(syncCleanup);
  const startVswitchd = () => run(bins['ovs-vswitchd']!, [
    `unix:${dbSock}`,
    '--enable-dummy',
    '--disable-system',
    `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`,
    `--unixctl=${join(dir, 'ovs-vswitchd.ctl')}`,
    `--log-file=${join(dir, 'ovs-vswitchd.log')}`,
    '--detach',
  ], env);

  try {
    await run(bins['ovsdb-tool']!, ['create', join(dir, 'conf.db'), SCHEMA], env);
    await run(bins['ovsdb-server']!, [
      join(dir, 'conf.db'),
      `--remote=punix:${dbSock}`,
      `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
      `--unixctl=${join(dir, 'ovsdb-server.ctl')}`,
      `--log-file=${join(dir, 'ovsdb-server.log')}`,
      '--detach',
    ], env);
    await run(bins['ovs-vsctl']!, [`--db=unix:${dbSock}`, '--no-wait', 'init'], env);
    await startVswitchd();
  } catch (e) {
    syncCleanup();
    throw e;
  }

  const vsctl = (...args: string[]) => run(bins['ovs-vsctl']!, [`--db=unix:${dbSock}`, `--timeout=${CMD_TIMEOUT_MS / 1000}`, ...args], env);
  const mgmt = (bridge: string) => `unix:${join(dir, `${bridge}.mgmt`)}`;
  const appctl = (...args: string[]) => run(bins['ovs-appctl']!, ['-t', join(dir, 'ovs-vswitchd.ctl'), ...args], env);

  return {
    dir,
    env,
    bridges,
    uniqueName: (prefix = 'wf') => `${prefix}${randomBytes(2).toString('hex')}`,
    mgmt,
    vsctl,
    ofctl: (...args: string[]) => run(bins['ovs-ofctl']!, args.map((a) => (bridges.has(a) ? mgmt(a) : a)), env),
    appctl,
    async addBridge(name, opts = {}) {
      if (name.length > 15) throw new Error(`bridge name ${name} is longer than Linux's 15 characters`);
      const cols = [
        `datapath_type=${opts.datapathType ?? 'dummy'}`,
        `protocols=${opts.protocols ?? 'OpenFlow13'}`,
        'other-config:disable-in-band=true',
      ];
      if (opts.failMode) cols.push(`fail_mode=${opts.failMode}`);
      if (opts.datapathId) cols.push(`other-config:datapath-id=${opts.datapathId}`);
      bridges.add(name);
      await vsctl('add-br', name, '--', 'set', 'bridge', name, ...cols);
      if (opts.controller) await vsctl('set-controller', name, opts.controller);
      return name;
    },
    async addPort(bridge, port, opts = {}) {
      const args = ['add-port', bridge, port];
      const ifaceCols: string[] = [];
      if (opts.type) ifaceCols.push(`type=${opts.type}`);
      if (opts.ofport !== undefined) ifaceCols.push(`ofport_request=${opts.ofport}`);
      if (ifaceCols.length) args.push('--', 'set', 'interface', port, ...ifaceCols);
      await vsctl(...args);
    },
    async injectPacket(port, frameHex) {
      await appctl('netdev-dummy/receive', port, frameHex);
    },
    async restartVswitchd() {
      await appctl('exit');
      const deadline = Date.now() + CMD_TIMEOUT_MS;
      while (daemonPid(dir, 'ovs-vswitchd') !== undefined) {
        if (Date.now() > deadline) throw new Error(`ovs-vswitchd of ${dir} did not exit`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await startVswitchd();
    },
    async stop() {
      syncCleanup();
    },
  };
}
