import { pino } from 'pino';
import type { App } from '../../apps/sdk/index.js';
import { AppHost } from '../../src/host/app-host.js';
import type { AppHostOptions } from '../../src/host/app-host.js';

export interface LogLine {
  level: number;
  msg: string;
  app?: string;
  handler?: string;
  subsystem?: string;
  [k: string]: unknown;
}

/** A pino logger whose lines are collected, parsed, for assertions. */
export function memoryLogger(level = 'debug') {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}

/** A clock tests move by hand. */
export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (t: number) => (now = t) };
}

export function makeHost(apps: App[], extra: Partial<AppHostOptions> = {}) {
  const { log, lines } = memoryLogger();
  const clock = fakeClock();
  const host = new AppHost({ apps, log, clock: clock.now, ...extra });
  return { host, lines, clock };
}

/** Wait for queued microtasks (errors from the fake datapath arrive that way). */
export const settle = () => new Promise<void>((r) => setImmediate(r));
