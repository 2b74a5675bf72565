/**
 * `npm run demo -- --batch` for real: private Open vSwitch, weft with its default apps, ring,4
 * in Mininet; pingall 0% loss, the switches, links and hosts weft discovered printed with their
 * Mininet names, exit 0, and nothing left behind (no interface with the run's prefix, the OVS
 * run dir removed, weft gone). With only the table-miss app nothing is forwarded: exit 1, still
 * clean. The install hints are checked through the pure preflight (nothing is uninstalled).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet } from '../support/mininet.js';
import { ROOT } from '../support/weft-process.js';
import { preflight, REQUIREMENTS } from '../../tools/demo-preflight.js';

requireRoot();
requireMininet();

interface DemoRun {
  code: number | null;
  out: string;
}

function demo(args: string[], timeoutMs = 150_000): Promise<DemoRun> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'demo', '--', '--batch', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    // SIGTERM is the demo's orderly stop (Mininet first, then weft and OVS).
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function assertClean(t: Test, out: string): void {
  const prefix = /node names start with (d[0-9a-f])\b/.exec(out)?.[1];
  t.ok(prefix, 'the demo printed its name prefix');
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  t.same([...links.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]!).filter((n) => new RegExp(`^${prefix}[sh]\\d`).test(n)), [], 'no interface of the demo left');
  const dir = /^ {4}(\/\S*weft-ovs-\S+)$/m.exec(out)?.[1];
  t.ok(dir, 'the demo printed its Open vSwitch run dir');
  t.notOk(dir && existsSync(dir), 'the private Open vSwitch run dir is gone');
  const pid = Number(/pid (\d+), OpenFlow/.exec(out)?.[1]);
  t.ok(pid > 0, 'the demo printed weft\'s pid');
  t.throws(() => process.kill(pid, 0), 'weft is no longer running');
  t.match(out, /Open vSwitch stopped, nothing left behind/, 'the demo says it cleaned up');
}

t.test('npm run demo -- --batch: ring,4, pingall 0%, topology printed, clean exit', async (t) => {
  const { code, out } = await demo([]);
  t.equal(code, 0, code === 0 ? 'exit code 0' : `exit code 0\n${out}`);
  t.match(out, /\*\*\* Results: 0% dropped \(12\/12 received\)/, 'pingall: 0% dropped');
  t.match(out, /weft knows 8 of 8 directed links/, 'every link discovered before pingall');
  const prefix = /node names start with (d[0-9a-f])\b/.exec(out)?.[1] ?? 'd?';
  t.match(out, /weft knows 4 switches:/, 'four switches listed');
  for (let i = 1; i <= 4; i++) t.match(out, new RegExp(`^  ${prefix}s${i} +dpid [0-9a-f]{16}  4 ports`, 'm'), `switch ${prefix}s${i} listed`);
  t.match(out, /^8 links \(each direction learned from LLDP\):$/m, 'eight directed links listed');
  // The ring: s1-s2-s3-s4-s1, eth1 is each switch's host port.
  for (const [a, b] of [['s1-eth2', 's2-eth2'], ['s2-eth3', 's3-eth2'], ['s3-eth3', 's4-eth2'], ['s4-eth3', 's1-eth3']]) {
    t.match(out, new RegExp(`^  ${prefix}${a} -> ${prefix}${b}$`, 'm'), `link ${a} -> ${b}`);
    t.match(out, new RegExp(`^  ${prefix}${b} -> ${prefix}${a}$`, 'm'), `link ${b} -> ${a}`);
  }
  t.match(out, /^4 hosts:$/m, 'four hosts listed');
  for (let i = 1; i <= 4; i++) t.match(out, new RegExp(`^  00:00:00:00:00:0${i}  10\\.0\\.0\\.${i} +on ${prefix}s${i}-eth1`, 'm'), `host ${i} on ${prefix}s${i}-eth1`);
  t.match(out, /batch mode: 0% loss/, 'batch verdict: 0% loss');
  assertClean(t, out);
});

t.test('with only the table-miss app nothing is forwarded: exit 1, still clean', async (t) => {
  // Two hosts are enough to show it: Mininet's pingall waits out each lost ping (12 on ring,4 took ~25 s).
  const { code, out } = await demo(['--apps', 'table-miss', '--topo', 'single,2']);
  t.equal(code, 1, code === 1 ? 'exit code 1' : `exit code 1\n${out}`);
  t.match(out, /\*\*\* Results: 100% dropped \(0\/2 received\)/, 'pingall: 100% dropped');
  t.match(out, /batch mode: 100% loss/, 'batch verdict: 100% loss');
  assertClean(t, out);
});

t.test('preflight names the Debian packages to install', async (t) => {
  const none = preflight(() => false, false);
  t.same(none.packages, ['openvswitch-switch', 'openvswitch-common', 'python3', 'mininet', 'iputils-ping']);
  t.match(none.message, /sudo apt-get install openvswitch-switch openvswitch-common python3 mininet iputils-ping/);
  t.match(none.message, /must run as root/);
  const noMininet = preflight((p) => !/mininet|mnexec/.test(p), true);
  t.same(noMininet.missing, ["Mininet's Python package", 'mnexec']);
  t.same(noMininet.packages, ['mininet']);
  t.notMatch(noMininet.message, /root/);
  const noOfctl = preflight((p) => !p.endsWith('/ovs-ofctl'), true);
  t.same(noOfctl.packages, ['openvswitch-common']);
  t.same(preflight(() => true, true), { missing: [], packages: [], message: '' });
  t.equal(REQUIREMENTS.filter((r) => r.paths.some((p) => existsSync(p))).length, REQUIREMENTS.length, 'this machine has everything');
});
