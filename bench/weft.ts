/**
 * weft under benchmark: the built CLI (`node dist/src/cli.js`, rebuilt when stale) as a child
 * process on free ports, logging at warn (the `main` subsystem at info, so its `weft started`
 * line says when it is ready). Uses the end-to-end tests' process helper.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWeftProcess } from '../test/support/weft-process.js';
import type { WeftProcess } from '../test/support/weft-process.js';

export type { WeftProcess } from '../test/support/weft-process.js';
export { ensureBuilt } from '../test/support/weft-process.js';

export interface BenchWeft extends WeftProcess {
  /** GET a REST path; resolves with the status and body text. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Stop weft and remove its temp config. */
  close(): Promise<void>;
  /** Warn-level (and worse) log lines so far. */
  warnings(): string[];
}

/** Start weft; `config` (a partial config file: appOptions...) is written to a temp file. */
export async function startBenchWeft(config?: Record<string, unknown>, env: Record<string, string> = {}): Promise<BenchWeft> {
  let dir: string | undefined;
  const args = ['--log-level', 'warn', '--log-levels', 'main=info'];
  if (config) {
    dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
    const file = join(dir, 'weft.json');
    writeFileSync(file, JSON.stringify(config));
    args.push('--config', file);
  }
  const w = await startWeftProcess({ args, env, readyTimeoutMs: 30_000 });
  const base = `http://127.0.0.1:${w.restPort}`;
  return Object.assign(w, {
    async get(path: string) {
      const r = await fetch(base + path);
      return { status: r.status, text: await r.text() };
    },
    async close() {
      await w.stop(15_000);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    warnings() {
      return w.lines.filter((l) => l.level >= 40).map((l) => `${l.msg}${l.reason ? ` (${String(l.reason)})` : ''}`);
    },
  });
}
