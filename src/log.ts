/**
 * Structured logging (pino, JSON lines on stdout). One root logger; each subsystem gets a child
 * bound to { subsystem } with its own level: `openflow`, `host`, `rest`, `main`, and `app:<name>`
 * per app (falling back to the level of `app`, then the global level).
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Subsystem names accepted in log.levels (plus app:<name>). */
export const LOG_SUBSYSTEMS = ['main', 'openflow', 'host', 'rest', 'app'] as const;

export interface LogConfig {
  level: LogLevel;
  /** Per-subsystem overrides, e.g. { openflow: 'debug', 'app:l2-learning': 'trace' }. */
  levels: Record<string, LogLevel>;
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

/** `base`: fields on every line (a worker process's `worker` index). */
export function createLogs(cfg: LogConfig, destination?: DestinationStream, base: Record<string, unknown> = {}): Logs {
  const root = pino({ level: cfg.level, base: { pid: process.pid, ...base }, name: 'weft' }, destination ?? pino.destination(1));
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
