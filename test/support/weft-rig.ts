/**
 * The usual start of a Mininet test: a private Open vSwitch and weft as a process started with
 * a config file written from `config` (into a temp dir), both stopped by the test's teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startOvs } from './ovs.js';
import type { OvsInstance } from './ovs.js';
import { startWeftProcess } from './weft-process.js';
import type { WeftProcess } from './weft-process.js';

export async function ovsAndWeft(t: Test, config: Record<string, unknown>, readyTimeoutMs = 60_000): Promise<{ ovs: OvsInstance; weft: WeftProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'weft.json');
  writeFileSync(file, JSON.stringify(config));
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  // A loaded CI machine can take well over the default 15 s to bring REST up.
  const weft = await startWeftProcess({ args: ['--config', file], readyTimeoutMs });
  t.teardown(() => weft.stop());
  return { ovs, weft };
}
