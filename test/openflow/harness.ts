import type { OfMessage } from '../../protocol/index.js';
import type { OpenFlowConnection } from '../../src/openflow/connection.js';
import type { OfLogger } from '../../src/openflow/options.js';
import { OpenFlowServer } from '../../src/openflow/server.js';
import type { OpenFlowServerOptions } from '../../src/openflow/server.js';
import type { ConnectionEvents, SwitchConnection } from '../../src/openflow/switch-connection.js';

export interface LogLine {
  level: string;
  bindings: Record<string, unknown>;
  obj: unknown;
  msg: string | undefined;
}

/** A logger that records every line (with its child bindings) for assertions. */
export function captureLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): OfLogger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      lines.push({ level, bindings, obj, msg: typeof obj === 'string' ? obj : msg });
    };
  return {
    lines,
    child: (b) => captureLogger(lines, { ...bindings, ...b }),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

export type Event =
  | { kind: 'up'; sw: SwitchConnection }
  | { kind: 'down'; sw: SwitchConnection; reason: string }
  | { kind: 'message'; sw: SwitchConnection; msg: OfMessage };

/** ConnectionEvents that record in order and let a test wait for one. */
export class EventLog implements ConnectionEvents {
  readonly events: Event[] = [];
  private waiters: { pred: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];

  switchUp(sw: SwitchConnection): void {
    this.push({ kind: 'up', sw });
  }
  switchDown(sw: SwitchConnection, reason: string): void {
    this.push({ kind: 'down', sw, reason });
  }
  message(sw: SwitchConnection, msg: OfMessage): void {
    this.push({ kind: 'message', sw, msg });
  }

  // Generous: a loaded CI machine (2 cores, load 20+) took over 3 s for a byte-split handshake.
  waitFor(pred: (e: Event) => boolean, timeoutMs = 15_000, what = 'event'): Promise<Event> {
    const past = this.events.find(pred);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no ${what} within ${timeoutMs} ms; saw ${this.events.map((e) => e.kind).join(', ')}`));
      }, timeoutMs).unref();
    });
  }

  async waitUp(dpid?: bigint, timeoutMs = 15_000): Promise<OpenFlowConnection> {
    const e = await this.waitFor((e) => e.kind === 'up' && (dpid === undefined || e.sw.info.datapathId === dpid), timeoutMs, 'switchUp');
    return e.sw as OpenFlowConnection;
  }

  async waitDown(sw: SwitchConnection, timeoutMs = 15_000): Promise<string> {
    const e = await this.waitFor((e) => e.kind === 'down' && e.sw === sw, timeoutMs, 'switchDown');
    return (e as { reason: string }).reason;
  }

  private push(e: Event): void {
    this.events.push(e);
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(e);
      }
    }
  }
}

export interface Harness {
  server: OpenFlowServer;
  port: number;
  events: EventLog;
  log: ReturnType<typeof captureLogger>;
}

/** A server on an ephemeral loopback port; stopped by the test's teardown. */
export async function startServer(
  t: { teardown(fn: () => unknown): void },
  opts: Partial<OpenFlowServerOptions> = {},
): Promise<Harness> {
  const events = new EventLog();
  const log = captureLogger();
  const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }], ...opts }, log, events);
  await server.start();
  t.teardown(() => server.stop());
  return { server, port: server.addresses()[0]!.port, events, log };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `cond` every 10 ms until true or the timeout. */
export async function until(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Wait for `p`, at most `ms` (the timer is cleared, so it never holds the process open). */
export async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
