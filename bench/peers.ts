/**
 * Other controllers under the same ofbench load, for side-by-side rows in `npm run bench`:
 * Debian's ovs-testcontroller (C, part of Open vSwitch: a learning switch) and os-ken (Python,
 * the maintained Ryu fork) running bench/peers/osken_learning.py, a minimal learning switch
 * written for this bench. Each is started on a free loopback port and stopped by pid.
 * Install: apt-get install openvswitch-testcontroller python3-os-ken
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/weft-process.js';
import { REPO } from './ofbench.js';

export interface Peer {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  close(): Promise<void>;
}

export interface PeerKind {
  name: string;
  /** The executable, to tell whether it is installed. */
  bin: string;
  start(port: number, dir: string): ChildProcess;
}

export const PEERS: readonly PeerKind[] = [
  {
    name: 'ovs-testcontroller',
    bin: 'ovs-testcontroller',
    // --unixctl: its default control socket lives under /var/run/openvswitch.
    start: (port, dir) => spawn('ovs-testcontroller', ['-O', 'OpenFlow13', `--unixctl=${join(dir, 'ctl')}`, '-vconsole:emer', `ptcp:${port}:127.0.0.1`], { stdio: 'ignore' }),
  },
  {
    name: 'os-ken',
    bin: 'osken-manager',
    start: (port) =>
      spawn('osken-manager', ['--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), join(REPO, 'bench', 'peers', 'osken_learning.py')], { stdio: 'ignore' }),
  },
];

export function installed(kind: PeerKind): boolean {
  return spawnSync('sh', ['-c', `command -v ${kind.bin}`]).status === 0;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** Start a peer and wait until it accepts connections (os-ken takes seconds to import). */
export async function startPeer(kind: PeerKind, timeoutMs = 30_000): Promise<Peer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weft-peer-'));
  const child = kind.start(port, dir);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + timeoutMs;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${kind.name} did not start listening on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: kind.name,
    port,
    pid: child.pid!,
    async close() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
