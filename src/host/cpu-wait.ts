/**
 * How long this thread has waited for a CPU while runnable (Linux: the second field of
 * /proc/thread-self/schedstat, in ns). The app watchdog takes it off a slow call's wall time, so
 * that a weft starved by an overloaded machine does not disable apps whose handlers were merely
 * kept off the CPU; a handler that really spins still shows its own time.
 *
 * Sampled every 50 ms by an unref'd timer; a slow call is charged with the wait since the last
 * sample, which covers the call (the timer cannot run during it) and at most ~50 ms before it.
 */
import { readFileSync } from 'node:fs';

const FILE = '/proc/thread-self/schedstat';
const SAMPLE_MS = 50;

function readWaitNs(): number | undefined {
  try {
    const waited = Number(readFileSync(FILE, 'latin1').split(' ')[1]);
    return Number.isFinite(waited) ? waited : undefined;
  } catch {
    return undefined;
  }
}

export class CpuWait {
  #lastNs: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly read: () => number | undefined = readWaitNs) {
    this.#lastNs = read();
    if (this.#lastNs === undefined) return; // not Linux: no correction
    this.#timer = setInterval(() => (this.#lastNs = this.read() ?? this.#lastNs), SAMPLE_MS);
    this.#timer.unref();
  }

  /** Milliseconds spent waiting for a CPU since the last sample (0 where unknown). */
  waitedMs(): number {
    if (this.#lastNs === undefined) return 0;
    const now = this.read();
    return now === undefined ? 0 : Math.max(0, (now - this.#lastNs) / 1e6);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}

let shared: CpuWait | undefined;
/** One sampler per thread (worker processes and threads each have their own). */
export function cpuWait(): CpuWait {
  return (shared ??= new CpuWait());
}
