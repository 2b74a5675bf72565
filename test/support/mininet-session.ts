/**
 * An interactive Mininet scenario: the test sends command lines on the scenario's stdin and reads
 * its `@@weft {json}` messages from stderr (mininet/weftnet/control.py), while the network stays
 * up. The end is as with runScenario(): one JSON result line on stdout, leftovers removed by
 * prefix. `close()` is safe to call in a finally block whatever state the scenario is in.
 */
import { spawn } from 'node:child_process';
import { cleanupPrefix, guardScenario, PYTHON, requireMininet, scenarioArgs, uniquePrefix } from './mininet.js';
import type { RunScenarioOptions, ScenarioRun, ScenarioResult } from './mininet.js';
import { ROOT } from './weft-process.js';

const MARKER = '@@weft ';

export interface SessionMessage {
  kind: string;
  [key: string]: unknown;
}

export interface ScenarioSession {
  readonly prefix: string;
  readonly messages: SessionMessage[];
  /** The first message of this kind not returned before; rejects after timeoutMs or when the scenario exits. */
  next(kind: string, timeoutMs: number): Promise<SessionMessage>;
  /** Send one command line and wait for its reply. */
  command(line: string, timeoutMs: number): Promise<SessionMessage>;
  /** `quit`, end stdin, wait for the exit (SIGTERM after timeoutMs, SIGKILL 15 s later), remove leftovers. */
  close(timeoutMs?: number): Promise<ScenarioRun>;
  /** The scenario's stderr so far (Mininet logs and messages), for failure output. */
  stderr(): string;
}

export function startScenarioSession(opts: RunScenarioOptions): ScenarioSession {
  requireMininet();
  const prefix = opts.prefix ?? uniquePrefix();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = scenarioArgs(opts, prefix, timeoutMs);
  const child = spawn(PYTHON, args, { cwd: ROOT, env: opts.ovs.env, stdio: ['pipe', 'pipe', 'pipe'] });
  // A scenario that already exited makes writes fail with EPIPE: that shows up as a missing reply.
  child.stdin.on('error', () => undefined);
  let stdout = '';
  let stderr = '';
  let tail = '';
  const messages: SessionMessage[] = [];
  const taken = new Set<SessionMessage>();
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    tail += d;
    let nl: number;
    while ((nl = tail.indexOf('\n')) >= 0) {
      const line = tail.slice(0, nl);
      tail = tail.slice(nl + 1);
      const at = line.indexOf(MARKER);
      if (at < 0) continue;
      try {
        messages.push(JSON.parse(line.slice(at + MARKER.length)) as SessionMessage);
      } catch {
        continue;
      }
      for (const w of [...waiters]) w();
    }
  });
  const guard = guardScenario(child, timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      guard.clear();
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;

  const next = (kind: string, ms: number): Promise<SessionMessage> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const m = messages.find((x) => x.kind === kind && !taken.has(x));
        if (m) {
          taken.add(m);
          done();
          resolve(m);
        } else if (!running()) {
          done();
          reject(new Error(`scenario exited (code ${child.exitCode}) before sending "${kind}"; messages: ${JSON.stringify(messages).slice(0, 2000)}\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${kind}" from the scenario within ${ms} ms; stderr: ${stderr.slice(-3000)}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(look);
      };
      waiters.add(look);
      look();
    });

  let closing: Promise<ScenarioRun> | undefined;
  const close = (ms = 20_000): Promise<ScenarioRun> => {
    closing ??= (async () => {
      if (running()) {
        child.stdin.write('quit\n');
        child.stdin.end();
      }
      const soft = setTimeout(() => child.kill('SIGTERM'), ms);
      const { code, signal } = await exited;
      clearTimeout(soft);
      const removed = await cleanupPrefix(opts.ovs, prefix);
      if (removed.length) stderr += `\n[session] removed leftovers: ${removed.join(' ')}\n`;
      let result: ScenarioResult | undefined;
      try {
        result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ScenarioResult;
      } catch {
        result = undefined;
      }
      return { code, signal, result, stdout, stderr, prefix, timedOut: guard.timedOut() };
    })();
    return closing;
  };

  return {
    prefix,
    messages,
    next,
    command: (line, ms) => {
      child.stdin.write(`${line}\n`);
      return next('reply', ms);
    },
    close,
    stderr: () => stderr,
  };
}
