/**
 * weft under benchmark: the built CLI (`node NODE_FLAGS dist/src/cli.js`, as `npm start` runs it) as a child process on free
 * ports, logging at warn (the `main` subsystem at info, so its `weft started` line says when it
 * is ready), with a state store in a temp dir of its own (or the caller's). dist/ is built once, when the harness starts (ensureBuilt, from the end-to-end
 * tests' helper), and not again between measurements: other people's edits must not start a
 * compiler in the middle of one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_FLAGS } from '../src/node-flags.js';
import { freePort, ROOT } from '../test/support/weft-process.js';

export { ensureBuilt } from '../test/support/weft-process.js';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface BenchWeft {
  readonly pid: number;
  readonly openflowPort: number;
  readonly restPort: number;
  /** GET a REST path; resolves with the status and body text. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Warn-level (and worse) log lines so far. */
  warnings(): string[];
  /** Every JSON log line so far (warn and worse, plus the 'main' logger's info: the cluster's). */
  logLines(): readonly LogLine[];
  /** Output that was not a JSON log line (stderr, node's own traces). */
  otherOutput(): string[];
  /** SIGTERM, SIGKILL after 15 s (a shutdown can be slow: every switch goes down). */
  close(): Promise<void>;
}

/**
 * Start weft; `config` (a partial config file: apps, appOptions...) is written to a temp file;
 * `nodeArgs` go to node before the script (--cpu-prof ...), `args` to weft after its own.
 */
export async function startBenchWeft(config?: Record<string, unknown>, opts: { nodeArgs?: string[]; stateDir?: string; args?: string[] } = {}): Promise<BenchWeft> {
  const openflowPort = await freePort();
  const restPort = await freePort();
  let dir: string | undefined;
  // A state store of its own (persistence on, as by default), kept only when the caller names it.
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'weft-bench-state-'));
  const args = [...NODE_FLAGS, ...(opts.nodeArgs ?? []), join(ROOT, 'dist', 'src', 'cli.js'), '--openflow-host', '127.0.0.1', '--openflow-port', String(openflowPort), '--rest-host', '127.0.0.1', '--rest-port', String(restPort), '--log-level', 'warn', '--log-levels', 'main=info', '--state-dir', stateDir, ...(opts.args ?? [])];
  if (config) {
    dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
    writeFileSync(join(dir, 'weft.json'), JSON.stringify(config));
    args.push('--config', join(dir, 'weft.json'));
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WEFT_')));
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  const other: string[] = [];
  let tail = '';
  let onReady: (() => void) | undefined;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    tail += d;
    let nl: number;
    while ((nl = tail.indexOf('\n')) >= 0) {
      const text = tail.slice(0, nl);
      tail = tail.slice(nl + 1);
      try {
        const l = JSON.parse(text) as LogLine;
        lines.push(l);
        if (l.msg === 'weft started') onReady?.();
      } catch {
        other.push(text);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => other.push(d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const kill = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', kill);
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(kill, 15_000);
    await exited;
    clearTimeout(t);
    process.off('exit', kill);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  const ready = await Promise.race([
    new Promise<boolean>((r) => (onReady = () => r(true))),
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
  ]);
  if (!ready) {
    await close();
    throw new Error(`weft did not start:\n${[...lines.map((l) => JSON.stringify(l)), ...other].join('\n').slice(-2000)}`);
  }
  const base = `http://127.0.0.1:${restPort}`;
  return {
    pid: child.pid!,
    openflowPort,
    restPort,
    async get(path: string) {
      const r = await fetch(base + path);
      return { status: r.status, text: await r.text() };
    },
    otherOutput: () => other,
    logLines: () => lines,
    warnings: () => lines.filter((l) => l.level >= 40).map((l) => `${l.msg}${l.reason ? ` (${String(l.reason)})` : ''}`),
    close,
  };
}
