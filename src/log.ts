/**
 * Structured logging (pino on stdout): JSON lines for machines, or a readable one-line form for
 * a person at a terminal (pino-pretty, in process). One root logger; each subsystem gets a child
 * bound to { subsystem } with its own level: `openflow`, `host`, `rest`, `main`, and `app:<name>`
 * per app (falling back to the level of `app`, then the global level).
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { createRequire } from 'node:module';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Subsystem names accepted in log.levels (plus app:<name>). */
export const LOG_SUBSYSTEMS = ['main', 'openflow', 'host', 'rest', 'app'] as const;

/** `auto`: pretty when stdout is a terminal, JSON otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogConfig {
  level: LogLevel;
  /** Per-subsystem overrides, e.g. { openflow: 'debug', 'app:l2-learning': 'trace' }. */
  levels: Record<string, LogLevel>;
  /** Default 'auto'. */
  format?: LogFormat;
}

export interface Logs {
  readonly root: Logger;
  /** The child logger of a subsystem; the same instance for the same name. */
  for(subsystem: string): Logger;
  /**
   * A logger at a subsystem's level but without the subsystem binding, for components that add
   * { subsystem } themselves (the OpenFlow server does).
   */
  unbound(subsystem: string): Logger;
}

export function levelFor(cfg: LogConfig, subsystem: string): LogLevel {
  const own = cfg.levels[subsystem];
  if (own) return own;
  if (subsystem.startsWith('app:') && cfg.levels.app) return cfg.levels.app;
  return cfg.level;
}

/** The format `format` means for a stdout that is (or is not) a terminal. */
export function resolveLogFormat(format: LogFormat | undefined, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (format === 'json' || format === 'pretty') return format;
  return stdoutIsTty ? 'pretty' : 'json';
}

/**
 * A stream that turns pino's JSON lines into "[HH:MM:ss.l] LEVEL: [subsystem] message {fields}"
 * lines (an error's stack below its line), written to `destination` (default stdout)
 * synchronously, so a line is out before the process exits. Colours on a colour terminal.
 */
export function prettyStream(destination: number | NodeJS.WritableStream = 1): DestinationStream {
  // Loaded on first use: a process logging JSON does not pay for pino-pretty at start.
  const { build } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return build({
    destination,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,subsystem,worker',
    messageFormat: (log, key) => {
      const worker = log.worker === undefined ? '' : `worker ${String(log.worker)} `;
      const sub = log.subsystem === undefined ? '' : `[${String(log.subsystem)}] `;
      return `${worker}${sub}${String(log[key] ?? '')}`;
    },
  });
}

/**
 * `destination`: where the lines go (default stdout, in `cfg.format`; a given destination gets
 * JSON). `base`: fields on every line (a worker process's `worker` index).
 */
export function createLogs(cfg: LogConfig, destination?: DestinationStream, base: Record<string, unknown> = {}): Logs {
  const out = destination ?? (resolveLogFormat(cfg.format, process.stdout.isTTY === true) === 'pretty' ? prettyStream() : pino.destination(1));
  const root = pino({ level: cfg.level, base: { pid: process.pid, ...base }, name: 'weft' }, out);
  const children = new Map<string, Logger>();
  return {
    root,
    for(subsystem) {
      let child = children.get(subsystem);
      if (!child) {
        child = root.child({ subsystem }, { level: levelFor(cfg, subsystem) });
        children.set(subsystem, child);
      }
      return child;
    },
    unbound(subsystem) {
      return root.child({}, { level: levelFor(cfg, subsystem) });
    },
  };
}
