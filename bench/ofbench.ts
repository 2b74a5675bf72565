/**
 * ofbench (../shared/bench, a cbench for OpenFlow 1.3): find it, build it, run it, parse the
 * one JSON line `-j` prints. The directory comes from WEFT_OFBENCH_DIR or defaults to
 * ../shared/bench next to the repository. When that directory cannot be written (a read-only
 * checkout), the C file is compiled into a temp directory instead.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * Where ofbench's sources are: WEFT_OFBENCH_DIR, else the workplace's shared/bench beside the
 * checkout, else /work/shared/bench (a CI clone may live elsewhere on the same machine).
 */
export function ofbenchDir(): string {
  if (process.env.WEFT_OFBENCH_DIR) return resolve(process.env.WEFT_OFBENCH_DIR);
  const candidates = [join(REPO, '..', 'shared', 'bench'), '/work/shared/bench'];
  return resolve(candidates.find((d) => existsSync(join(d, 'ofbench.c'))) ?? candidates[0]!);
}

/** Build ofbench (make, or cc into a temp dir) and return the binary's path. */
export function buildOfbench(dir = ofbenchDir()): string {
  return buildTool('ofbench', dir);
}

/**
 * Build nullctl, the tool's own minimal C controller (one PACKET_OUT per PACKET_IN): ofbench
 * against it measures what the tool and the kernel allow on this machine right now.
 */
export function buildNullctl(dir = ofbenchDir()): string {
  return buildTool('nullctl', dir);
}

function buildTool(name: 'ofbench' | 'nullctl', dir: string): string {
  const src = join(dir, `${name}.c`);
  if (!existsSync(src)) throw new Error(`${name}.c not found in ${dir} (set WEFT_OFBENCH_DIR)`);
  let writable = true;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    writable = false;
  }
  if (writable) {
    execFileSync('make', ['-s', '-C', dir, name], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
    return join(dir, name);
  }
  const outDir = join(tmpdir(), 'weft-ofbench');
  mkdirSync(outDir, { recursive: true });
  const bin = join(outDir, name);
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('cc', ['-O2', '-std=c11', '-o', bin, src], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  }
  return bin;
}

export interface OfbenchOptions {
  port: number;
  switches: number;
  throughput: boolean;
  /** -N: unbuffered PACKET_INs (FLOW_MOD + PACKET_OUT per answer). */
  unbuffered?: boolean;
  /** -l: periods including the warmup. */
  periods?: number;
  /** -m: ms per period. */
  periodMs?: number;
  macs?: number;
  /** -D: first datapath id. */
  firstDpid?: number;
  /** Extra raw arguments. */
  extra?: string[];
}

/** The `-j` summary line. */
export interface OfbenchResult {
  mode: 'throughput' | 'latency';
  switches: number;
  macs: number;
  window: number;
  buffered: boolean;
  periods: number;
  period_ms: number;
  avg_rps: number;
  min_rps: number;
  max_rps: number;
  stdev_rps: number;
  flow_mods: number;
  packet_outs: number;
  packet_ins: number;
  avg_rtt_us: number;
  errors: number;
  stalls: number;
  tool_cpu_pct: number;
  complete: boolean;
}

export interface OfbenchRun {
  args: string[];
  exitCode: number;
  result: OfbenchResult | undefined;
  output: string;
}

export function ofbenchArgs(o: OfbenchOptions): string[] {
  const a = ['-c', '127.0.0.1', '-p', String(o.port), '-s', String(o.switches), '-j'];
  if (o.throughput) a.push('-t');
  if (o.unbuffered) a.push('-N');
  if (o.periods !== undefined) a.push('-l', String(o.periods));
  if (o.periodMs !== undefined) a.push('-m', String(o.periodMs));
  if (o.macs !== undefined) a.push('-M', String(o.macs));
  if (o.firstDpid !== undefined) a.push('-D', String(o.firstDpid));
  if (o.extra) a.push(...o.extra);
  return a;
}

/**
 * Run ofbench to completion. `onLine` sees each line of its output as it comes (the harness
 * starts measuring weft's CPU at the end of the warmup period, "period 1: ...").
 */
export function runOfbench(bin: string, o: OfbenchOptions, timeoutMs = 120_000, onLine?: (line: string) => void): Promise<OfbenchRun> {
  const args = ofbenchArgs(o);
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      partial += d;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        onLine?.(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('{'));
      let result: OfbenchResult | undefined;
      try {
        result = line ? (JSON.parse(line) as OfbenchResult) : undefined;
      } catch {
        result = undefined;
      }
      resolve({ args, exitCode: code ?? (signal ? -1 : 0), result, output: `${stdout}${stderr}` });
    });
  });
}
