/**
 * weft as a real child process for end-to-end tests: `node dist/src/cli.js` on free ports, its
 * stdout parsed as pino JSON lines, ready when it logs `weft started`, stopped with SIGTERM.
 *
 * dist/ is rebuilt first when any .ts under src/, apps/ or protocol/ is newer than
 * dist/src/cli.js (`npm test` only type-checks), with a lock directory so that parallel test
 * files build once. A child still alive when the test process exits is SIGKILLed by pid.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const LOCK = join(ROOT, 'dist', '.e2e-build-lock');
const BUILD_TIMEOUT_MS = 240_000;

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  subsystem?: string;
  [key: string]: unknown;
}

export interface WeftProcessOptions {
  /** Extra command-line arguments (after the ports). */
  args?: string[];
  /** Extra environment (WEFT_* of the test runner's own environment are removed first). */
  env?: Record<string, string>;
  openflowPort?: number;
  restPort?: number;
  /** Default 127.0.0.1: tests stay on loopback. */
  openflowHost?: string;
  /** How long to wait for "weft started" (default 45 s: REST takes seconds to start on a loaded CI machine). */
  readyTimeoutMs?: number;
}

export interface WeftProcess {
  readonly pid: number;
  readonly openflowPort: number;
  readonly restPort: number;
  /** Every JSON log line so far. */
  readonly lines: LogLine[];
  /** Lines of stdout that were not JSON, and all of stderr. */
  readonly otherOutput: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolve with the first line (seen already or to come) matching `pred`; reject after timeoutMs. */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
  /** SIGTERM, wait for the exit (SIGKILL after timeoutMs); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** A port that was free a moment ago (listen on 0, close). */
/** Ports freePort handed out in this process: the kernel can give the same free port twice in a row. */
const handedOut = new Set<number>();

/**
 * A port free on `host` now, never one this process was given before (a CI run once got the
 * same port for weft's OpenFlow and REST listeners, and weft refused to start).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await anyFreePort(host);
    if (!handedOut.has(port) || attempt >= 50) {
      handedOut.add(port);
      return port;
    }
  }
}

function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  try {
    const built = statSync(CLI).mtimeMs;
    return ['src', 'apps', 'protocol'].every((d) => newestSource(join(ROOT, d)) <= built);
  } catch {
    return false;
  }
}

function tsc(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const bin = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFile(process.execPath, [bin, '-p', 'tsconfig.build.json'], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Build dist/ if any source is newer than it. Type errors do not stop the build (tsc still emits; `npm run typecheck` reports them). */
export async function ensureBuilt(): Promise<void> {
  if (isFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than the build timeout is stale.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > BUILD_TIMEOUT_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (isFresh()) return;
    const mtime = () => {
      try {
        return statSync(CLI).mtimeMs;
      } catch {
        return 0;
      }
    };
    const before = mtime();
    const { code, output } = await tsc();
    const built = mtime() > before;
    if (!built) throw new Error(`building weft failed (tsc exit ${code}):\n${output}`);
    if (code !== 0) process.stderr.write(`# weft-process: tsc reported errors but emitted dist/:\n${output.slice(0, 2000)}\n`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const live = new Set<ChildProcess>();
let hookInstalled = false;
function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        if (c.pid) process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Start weft and wait until it logs `weft started`. Rejects with its output if it exits first. */
export async function startWeftProcess(opts: WeftProcessOptions = {}): Promise<WeftProcess> {
  await ensureBuilt();
  installExitHook();
  const openflowPort = opts.openflowPort ?? (await freePort());
  const restPort = opts.restPort ?? (await freePort());
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WEFT_')));
  Object.assign(env, opts.env ?? {});
  // Each process gets a state store of its own unless the test names one (then it is the test's).
  let tempState: string | undefined;
  if (!env.WEFT_STATE_DIR && !(opts.args ?? []).some((a) => a === '--state-dir' || a.startsWith('--state-dir='))) {
    tempState = mkdtempSync(join(tmpdir(), 'weft-test-state-'));
    env.WEFT_STATE_DIR = tempState;
  }
  const args = [
    CLI,
    '--openflow-host', opts.openflowHost ?? '127.0.0.1',
    '--openflow-port', String(openflowPort),
    '--rest-host', '127.0.0.1',
    '--rest-port', String(restPort),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: LogLine[] = [];
  const otherOutput: string[] = [];
  const waiters = new Set<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  let tail = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    tail += chunk;
    let nl: number;
    while ((nl = tail.indexOf('\n')) >= 0) {
      const text = tail.slice(0, nl);
      tail = tail.slice(nl + 1);
      let line: LogLine | undefined;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        otherOutput.push(text);
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => otherOutput.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (tempState) rmSync(tempState, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  const describe = () => `weft (pid ${child.pid}, openflow port ${openflowPort}) output:\n${[...lines.map((l) => JSON.stringify(l)), ...otherOutput].join('\n')}`;

  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const w = { pred, resolve: (l: LogLine) => (clearTimeout(timer), resolve(l)) };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`no log line "${what}" within ${timeoutMs} ms\n${describe()}`));
      }, timeoutMs);
      waiters.add(w);
      void exited.then(({ code, signal }) => {
        if (!waiters.delete(w)) return;
        clearTimeout(timer);
        reject(new Error(`weft exited (code ${code}, signal ${signal}) before logging "${what}"\n${describe()}`));
      });
    });
  };

  const stop = async (timeoutMs = 10_000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const { code } = await exited;
    clearTimeout(timer);
    return code;
  };

  try {
    await waitForLog((l) => l.msg === 'weft started', opts.readyTimeoutMs ?? 45_000, 'weft started');
  } catch (e) {
    await stop(2000);
    throw e;
  }
  return { pid: child.pid!, openflowPort, restPort, lines, otherOutput, exited, waitForLog, stop };
}
