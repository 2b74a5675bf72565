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

export interface EtcdMember {
  readonly name: string;
  readonly endpoint: string;
  readonly pid: number;
  /** SIGKILL this member alone. */
  kill(): Promise<void>;
}

/** One member (the default) or a cluster of `members` on loopback. */
export async function startEtcd(opts: { members?: number } = {}): Promise<EtcdInstance & { members: EtcdMember[]; hostPorts: string; leader(): Promise<EtcdMember> }> {
  const missing = etcdAvailable();
  if (missing) throw new Error(missing);
  const n = opts.members ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'weft-etcd-'));
  const specs: { name: string; client: number; peer: number }[] = [];
  for (let i = 0; i < n; i++) specs.push({ name: `m${process.pid}-${i}`, client: await freePort(), peer: await freePort() });
  const initial = specs.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  installExitHook();
  const members: (EtcdMember & { exited: Promise<void>; proc: ChildProcess; stderr: () => string })[] = specs.map((m) => {
    const peerUrl = `http://127.0.0.1:${m.peer}`;
    const endpoint = `http://127.0.0.1:${m.client}`;
    const proc: ChildProcess = spawn(ETCD, [
      '--name', m.name, '--data-dir', join(dir, m.name),
      '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', initial, '--initial-cluster-state', 'new',
      // weft's REST bulk writes are one transaction each: etcd's default cap is 128 operations.
      '--max-txn-ops', '10000', '--log-level', 'error',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(proc);
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<void>((r) => proc.once('exit', () => (live.delete(proc), r())));
    const kill = async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGCONT');
        proc.kill('SIGKILL');
        await exited;
      }
    };
    return { name: m.name, endpoint, pid: proc.pid!, kill, exited, proc, stderr: () => stderr };
  });
  const stop = async () => {
    await Promise.all(members.map((m) => m.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(members.map((m) => Promise.race([healthy(m.endpoint, Date.now() + 20_000), m.exited.then(() => Promise.reject(new Error(`etcd exited: ${m.stderr()}`)))])));
  } catch (e) {
    await stop();
    throw e;
  }
  const leader = async (): Promise<EtcdMember> => {
    for (const m of members) {
      if (m.proc.exitCode !== null || m.proc.signalCode !== null) continue;
      const res = await fetch(`${m.endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (!res?.ok) continue;
      const st = (await res.json()) as { header: { member_id: string }; leader: string };
      if (st.header.member_id === st.leader) return m;
    }
    throw new Error('no etcd leader found');
  };
  const first = members[0]!;
  return {
    endpoint: first.endpoint,
    hostPort: first.endpoint.slice('http://'.length),
    hostPorts: members.map((m) => m.endpoint.slice('http://'.length)).join(','),
    pid: first.pid,
    members,
    leader,
    stop,
  };
}
