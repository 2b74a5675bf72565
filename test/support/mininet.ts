/**
 * Run a Mininet scenario (mininet/scenarios/NAME.py through mininet/run_scenario.py) with Debian's
 * /usr/bin/python3 against a private Open vSwitch, and parse the one JSON line it prints last.
 *
 * Mininet calls plain `ovs-vsctl`/`ovs-ofctl`; they find the private instance through
 * OVS_RUNDIR/OVS_DBDIR/... in the environment (`ovs.env`), inherited by Mininet's shells. The
 * bridges use the `dummy` datapath type by default (see mininet/weftnet/switch.py and
 * test/support/ovs.ts for why not `netdev`).
 *
 * Timeouts: the scenario gets `--timeout` a bit below ours and stops itself; if it does not, it
 * gets SIGTERM (which it turns into an exception so `net.stop()` runs), then SIGKILL. Afterwards
 * any bridge or link whose name starts with the run's prefix is removed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { OvsInstance } from './ovs.js';
import { ROOT } from './weft-process.js';

export const PYTHON = '/usr/bin/python3';
export const RUNNER = join(ROOT, 'mininet', 'run_scenario.py');
const INSTALL_HINT = 'apt-get install mininet openvswitch-switch (Mininet must be importable by /usr/bin/python3, and tests run as root)';

export interface ScenarioCheck {
  name: string;
  ok: boolean;
  detail: unknown;
}

export interface SwitchFacts {
  name: string;
  dpid: string;
  ports: string[];
  connected: boolean;
  flows: string[];
}

export interface ScenarioResult {
  scenario: string;
  ok: boolean;
  topo: string;
  prefix: string;
  controller: string;
  checks: ScenarioCheck[];
  notes: { switches?: SwitchFacts[]; leftovers?: unknown; [k: string]: unknown };
  elapsedMs: number;
}

export interface RunScenarioOptions {
  scenario: string;
  ovs: OvsInstance;
  controller: { host?: string; port: number };
  /** single,N | linear,N | tree,D,F | ring,N[,H] | torus,R,C */
  topo: string;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  prefix?: string;
  datapath?: 'dummy' | 'netdev';
  /** Scenario-specific options, passed as --option KEY=VALUE. */
  options?: Record<string, string>;
}

export interface ScenarioRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The parsed last JSON line; undefined if the scenario printed none. */
  result: ScenarioResult | undefined;
  stdout: string;
  stderr: string;
  prefix: string;
  timedOut: boolean;
}

/** Throw (never skip) when Mininet cannot run here. */
export function requireMininet(): void {
  if (process.getuid?.() !== 0) throw new Error(`Mininet scenarios need root. ${INSTALL_HINT}`);
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found. ${INSTALL_HINT}`);
  if (!existsSync('/usr/lib/python3/dist-packages/mininet/net.py') && !existsSync('/usr/local/lib/python3/dist-packages/mininet/net.py')) {
    throw new Error(`Mininet's Python package is not installed for ${PYTHON}. ${INSTALL_HINT}`);
  }
  const mnexec = ['/usr/bin/mnexec', '/usr/local/bin/mnexec'].some((p) => existsSync(p));
  if (!mnexec) throw new Error(`mnexec not found. ${INSTALL_HINT}`);
}

/** A node-name prefix unique to this run: 'm' and 3 hex digits (Linux interface names allow 15 chars). */
export function uniquePrefix(): string {
  return `m${randomBytes(2).toString('hex').slice(1)}`;
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 10_000 }, (_err, stdout) => resolve(String(stdout)));
  });
}

/** Remove bridges and links left by a killed scenario: only names that start with our prefix. */
export async function cleanupPrefix(ovs: OvsInstance, prefix: string): Promise<string[]> {
  const removed: string[] = [];
  const bridges = (await ovs.vsctl('list-br').catch(() => '')).split('\n').filter((b) => b.startsWith(prefix));
  for (const b of bridges) {
    await ovs.vsctl('--if-exists', 'del-br', b).catch(() => undefined);
    removed.push(b);
  }
  const links = [...(await sh('ip', ['-o', 'link', 'show'], process.env)).matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]!).filter((n) => n.startsWith(prefix));
  for (const l of links) {
    await sh('ip', ['link', 'del', l], process.env);
    removed.push(l);
  }
  return removed;
}

/**
 * Deadlines for a scenario process: SIGTERM at `timeoutMs` (the scenario then still runs
 * net.stop(); it also exits on its own deadline), SIGKILL 15 s later, and SIGTERM if the test
 * process exits first. Call clear() once the child has exited.
 */
export function guardScenario(child: ChildProcess, timeoutMs: number): { timedOut: () => boolean; clear: () => void } {
  let timedOut = false;
  const term = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 15_000);
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(term);
      clearTimeout(kill);
      process.removeListener('exit', killOnExit);
    },
  };
}

/** The runner's command line (after the python binary) for one scenario run or session. */
export function scenarioArgs(opts: RunScenarioOptions, prefix: string, timeoutMs: number): string[] {
  return [
    RUNNER,
    opts.scenario,
    '--controller', `${opts.controller.host ?? '127.0.0.1'}:${opts.controller.port}`,
    '--topo', opts.topo,
    '--prefix', prefix,
    '--datapath', opts.datapath ?? 'dummy',
    // The scenario's own deadline comes first, so it can still report and clean up.
    '--timeout', String(Math.max(5, (timeoutMs - 8_000) / 1000)),
    '--connect-timeout', String((opts.connectTimeoutMs ?? 15_000) / 1000),
    ...Object.entries(opts.options ?? {}).flatMap(([k, v]) => ['--option', `${k}=${v}`]),
  ];
}

export async function runScenario(opts: RunScenarioOptions): Promise<ScenarioRun> {
  requireMininet();
  const prefix = opts.prefix ?? uniquePrefix();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = scenarioArgs(opts, prefix, timeoutMs);
  const child = spawn(PYTHON, args, { cwd: ROOT, env: opts.ovs.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const guard = guardScenario(child, timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (c, s) => resolve({ code: c, signal: s }));
  });
  guard.clear();
  const timedOut = guard.timedOut();
  const removed = await cleanupPrefix(opts.ovs, prefix);
  if (removed.length) stderr += `\n[runScenario] removed leftovers: ${removed.join(' ')}\n`;
  const last = stdout.trim().split('\n').pop() ?? '';
  let result: ScenarioResult | undefined;
  try {
    result = JSON.parse(last) as ScenarioResult;
  } catch {
    result = undefined;
  }
  return { code, signal, result, stdout, stderr, prefix, timedOut };
}

/**
 * The usual assertions on a scenario run: it printed a result, exactly `checks` ran in that order
 * and each passed, it exited 0 and left nothing behind; its notes (but the switch dumps) and time
 * become comments. The result, or undefined when there was none.
 */
export function assertScenario(t: Test, run: ScenarioRun, checks: readonly string[]): ScenarioResult | undefined {
  const r = run.result;
  if (!r) {
    t.fail(`no JSON result (exit ${run.code}, signal ${run.signal}, timed out ${run.timedOut})\n${run.stdout}\n${run.stderr.slice(-3000)}`);
    return undefined;
  }
  t.same(r.checks.map((c) => c.name), checks, 'the expected checks ran');
  for (const c of r.checks) t.ok(c.ok, `${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
  t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code 0\n${run.stderr.slice(-3000)}`);
  t.notOk(r.notes.leftovers, 'net.stop() removed every bridge and link');
  for (const k of Object.keys(r.notes)) if (k !== 'switches') t.comment(`${k}: ${JSON.stringify(r.notes[k])}`);
  t.comment(`scenario took ${r.elapsedMs} ms`);
  return r;
}
