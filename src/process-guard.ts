/**
 * The last guard of the weft process: a promise rejected with nobody listening, or an exception
 * no handler caught, is logged and counted (weft_process_faults_total) instead of ending the
 * process. One bug in one request must not take every switch's controller with it; the counter
 * and the error line make the bug visible. Lines are limited per kind so a fault in a hot path
 * cannot flood the log (the suppressed ones are counted all the same).
 */
import type { Logger } from 'pino';

export type FaultKind = 'unhandledRejection' | 'uncaughtException';

/** Faults seen by the guard, by kind (read by src/metrics.ts). */
export const processFaults: Record<FaultKind, number> = { unhandledRejection: 0, uncaughtException: 0 };

/** Lines logged per kind and minute at most. */
const MAX_LINES_PER_MINUTE = 20;

let installed: ((kind: FaultKind, err: unknown) => void) | undefined;

/** Install the handlers once per process; later calls only switch the logger. */
export function installProcessGuard(log: Pick<Logger, 'error'>): void {
  const window = { start: 0, lines: 0, suppressed: 0 };
  const report = (kind: FaultKind, err: unknown): void => {
    processFaults[kind]++;
    const now = Date.now();
    if (now - window.start >= 60_000) {
      if (window.suppressed > 0) log.error({ suppressed: window.suppressed }, `${window.suppressed} more unhandled faults were not logged in the last minute`);
      window.start = now;
      window.lines = 0;
      window.suppressed = 0;
    }
    if (++window.lines > MAX_LINES_PER_MINUTE) {
      window.suppressed++;
      return;
    }
    log.error({ err, kind }, `${kind === 'unhandledRejection' ? 'unhandled promise rejection' : 'uncaught exception'} (weft keeps running): ${(err as Error)?.message ?? String(err)}`);
  };
  const first = installed === undefined;
  installed = report;
  if (!first) return;
  process.on('unhandledRejection', (reason) => installed!('unhandledRejection', reason));
  process.on('uncaughtException', (err) => installed!('uncaughtException', err));
}
