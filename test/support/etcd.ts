/**
 * A private etcd for tests (Debian `etcd-server`): one member on loopback with a temp data dir
 * and free ports, stopped by pid. It can be frozen and resumed (SIGSTOP/SIGCONT) to cut every
 * client off while the process stays.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './weft-process.js';

const ETCD = '/usr/bin/etcd';
const INSTALL_HINT = 'apt-get install etcd-server etcd-client';

export interface EtcdInstance {
  /** 'http://127.0.0.1:PORT' */
  readonly endpoint: string;
  /** '127.0.0.1:PORT' (for --cluster etcd://...) */
  readonly hostPort: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** etcd processes still running, SIGKILLed by pid if the test process exits first. */
const live = new Set<ChildProcess>();
let hooked = false;
function installExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of live) {
      try {
        process.kill(p.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export function etcdAvailable(): string | undefined {
  const r = spawnSync(ETCD, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `etcd not found at ${ETCD} (${INSTALL_HINT})`;
}

async function healthy(endpoint: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`etcd at ${endpoint} not healthy within the deadline`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startEtcd(): Promise<EtcdInstance> {
  const missing = etcdAvailable();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'weft-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const name = `m${process.pid}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const endpoint = `http://127.0.0.1:${client}`;
  const proc: ChildProcess = spawn(ETCD, [
    '--name', name, '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `${name}=${peerUrl}`, '--initial-cluster-state', 'new',
    // weft's REST bulk writes are one transaction each: etcd's default cap is 128 operations.
    '--max-txn-ops', '10000', '--log-level', 'error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  installExitHook();
  live.add(proc);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => (live.delete(proc), r())));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([healthy(endpoint, Date.now() + 15_000), exited.then(() => Promise.reject(new Error(`etcd exited: ${stderr}`)))]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, hostPort: `127.0.0.1:${client}`, pid: proc.pid!, stop };
}
