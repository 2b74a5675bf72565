/**
 * What the benchmark reports about the machine and its processes: CPU model and cores, Node
 * version, the load average (the machine is shared, so every run records it), and per-process
 * CPU time and resident memory read from /proc (Linux only; elsewhere they read as NaN).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^Model name:\s*(.+)$/m.exec(execFileSync('lscpu', { encoding: 'utf8' }));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // no lscpu: os.cpus() will do
  }
  let os = `${process.platform} ${process.arch}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) os = m[1]!;
  } catch {
    // not Linux
  }
  return { cpuModel, cores: cpus().length, node: process.version, os };
}

/** The 1-minute load average, as `uptime` shows it. */
export function load1(): number {
  return loadavg()[0]!;
}

/** Resident memory of a process in bytes (VmRSS), NaN when unknown. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Fields of /proc/PID/stat after the command name (which may hold spaces); undefined when gone. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) a process and its living child processes (weft's workers) have
 * used, in seconds; NaN when the process is unknown.
 */
export function cpuSeconds(pid: number): number {
  const own = statFields(pid);
  if (!own) return NaN;
  let ticks = Number(own[11]) + Number(own[12]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    // Field 4 of stat (index 1 here) is the parent's pid.
    if (f && Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS_PER_S;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy = all - idle - iowait
    const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return (all - f[3]! - f[4]!) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** CPU use of a process (and of the whole machine) between start() and stop(), in cores. */
export class CpuMeter {
  #t0 = 0;
  #p0 = 0;
  #m0 = 0;
  constructor(private readonly pid: number) {}
  start(): void {
    this.#t0 = performance.now();
    this.#p0 = cpuSeconds(this.pid);
    this.#m0 = machineBusySeconds();
  }
  /** proc and machine as fractions of one core over the interval, which lasted `seconds`. */
  stop(): { proc: number; machine: number; seconds: number } {
    const seconds = (performance.now() - this.#t0) / 1000;
    return { proc: (cpuSeconds(this.pid) - this.#p0) / seconds, machine: (machineBusySeconds() - this.#m0) / seconds, seconds };
  }
}

/** Percentiles of a list of numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}
