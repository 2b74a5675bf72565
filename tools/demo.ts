/**
 * `npm run demo [-- --batch] [--topo SPEC] [--apps LIST]`: a private Open vSwitch, weft (built,
 * default apps) on free loopback ports, and a Mininet topology with a loop (ring,4 by default)
 * against it. mininet/demo.py waits for link discovery, runs pingall, prints what weft
 * discovered (REST), then opens the Mininet CLI; with --batch it stops and exits 1 on any loss.
 *
 * Nothing is left behind: the Mininet script runs net.stop() in a finally block (also on
 * SIGTERM), then weft and the private Open vSwitch are stopped, and any interface still named
 * with this run's prefix is deleted. Ctrl-C in the CLI is Mininet's (it interrupts the running
 * command); `exit` or Ctrl-D ends the demo.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupPrefix, PYTHON } from '../test/support/mininet.js';
import { startOvs } from '../test/support/ovs.js';
import type { OvsInstance } from '../test/support/ovs.js';
import { ROOT, startWeftProcess } from '../test/support/weft-process.js';
import type { WeftProcess } from '../test/support/weft-process.js';
import { preflight } from './demo-preflight.js';

const USAGE = `Usage: npm run demo -- [--batch] [--topo SPEC] [--apps LIST]
  --batch      no Mininet CLI: pingall, print the topology, clean up; exit 1 on any loss
  --topo SPEC  single,N | linear,N | tree,D,F | ring,N | torus,R,C (default ring,4: a loop)
  --apps LIST  weft's apps (default: its defaults, table-miss,topology,l2-learning)`;

interface Args {
  batch: boolean;
  topo: string;
  apps?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { batch: false, topo: 'ring,4' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--batch') out.batch = true;
    else if (a === '--topo' && argv[i + 1]) out.topo = argv[++i]!;
    else if (a === '--apps' && argv[i + 1]) out.apps = argv[++i]!;
    else {
      process.stderr.write(`${a === '--help' || a === '-h' ? '' : `unknown argument ${a}\n`}${USAGE}\n`);
      process.exit(a === '--help' || a === '-h' ? 0 : 2);
    }
  }
  return out;
}

/** 'd' and one hex digit that no interface or bridge on this host starts with (short CLI names). */
function freePrefix(): string {
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const names = [...links.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]!);
  const digits = [...'123456789abcdef'].sort(() => Math.random() - 0.5);
  const free = digits.map((d) => `d${d}`).find((p) => !names.some((n) => new RegExp(`^${p}[shc]\\d`).test(n)));
  if (!free) throw new Error('no free demo prefix (d1..df all in use by interfaces on this host)');
  return free;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const pre = preflight(existsSync, process.getuid?.() === 0);
  if (pre.message) {
    process.stderr.write(`${pre.message}\n`);
    return 1;
  }
  let ovs: OvsInstance | undefined;
  let weft: WeftProcess | undefined;
  let child: ChildProcess | undefined;
  let prefix: string | undefined;
  let stopping = false;
  let termSent = false;

  // Replace the test helpers' signal handlers (they exit at once): Ctrl-C belongs to the
  // Mininet CLI while it runs; SIGTERM/SIGHUP stop the Mininet script first, then the rest.
  const onSignal = (sig: NodeJS.Signals) => {
    if (child && child.exitCode === null) {
      // Once: a second SIGTERM must not interrupt the script's own cleanup.
      if (sig !== 'SIGINT' && !termSent) {
        termSent = true;
        child.kill('SIGTERM');
      }
      return;
    }
    if (!stopping) process.exitCode = 130;
    stopping = true;
  };
  const takeSignals = () => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.removeAllListeners(sig);
      process.on(sig, onSignal);
    }
  };
  takeSignals();
  // `npm run` does not pass SIGTERM on to us (its shell dies, we are re-parented): treat the
  // loss of our parent like SIGTERM, so that a killed npm still tears the network down.
  const parent = process.ppid;
  const orphan = setInterval(() => process.ppid !== parent && onSignal('SIGTERM'), 500);
  orphan.unref();

  try {
    say(`*** starting a private Open vSwitch (userspace datapath) ...`);
    ovs = await startOvs();
    takeSignals();
    say(`    ${ovs.dir}`);
    say(`*** building and starting weft${args.apps ? ` (apps ${args.apps})` : ' with its default apps'} ...`);
    weft = await startWeftProcess({ args: args.apps ? ['--apps', args.apps] : [] });
    takeSignals();
    const rest = `http://127.0.0.1:${weft.restPort}`;
    say(`    pid ${weft.pid}, OpenFlow 127.0.0.1:${weft.openflowPort}, REST ${rest}/api/v1 (docs: ${rest}/docs)`);
    if (stopping) return 1;
    prefix = freePrefix();
    say(`*** Mininet topology ${args.topo}, node names start with ${prefix}`);
    const py = [join(ROOT, 'mininet', 'demo.py'), '--controller', `127.0.0.1:${weft.openflowPort}`, '--rest', rest, '--topo', args.topo, '--prefix', prefix];
    if (args.batch) py.push('--batch');
    const proc = spawn(PYTHON, py, { cwd: ROOT, env: ovs.env, stdio: ['inherit', 'inherit', 'inherit'] });
    child = proc;
    const code = await new Promise<number>((resolve) => proc.once('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
    return code;
  } finally {
    clearInterval(orphan);
    if (weft) {
      const log = join(tmpdir(), `weft-demo-${process.pid}.log`);
      writeFileSync(log, weft.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      await weft.stop();
      say(`*** weft stopped; its log: ${log}`);
    }
    if (ovs) {
      const left = prefix ? await cleanupPrefix(ovs, prefix) : [];
      if (left.length) say(`*** removed leftovers: ${left.join(' ')}`);
      await ovs.stop();
      say('*** Open vSwitch stopped, nothing left behind');
    }
  }
}

main().then(
  (code) => process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : code),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
