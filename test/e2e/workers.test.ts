/**
 * Worker processes (openflow.workers, src/workers.ts) with weft as a real process and scripted
 * switches over real TCP: two workers share the switches (each connection goes to one worker,
 * which runs the apps and the REST API for it), over TCP and over a TLS listener with client
 * authentication; a worker that dies is started again; a datapath id that reconnects through
 * the other worker replaces its old connection there; SIGTERM stops every process; and apps
 * that span switches are refused before any worker starts.
 * Needs neither root nor Open vSwitch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import t from 'tap';
import { OFPFC, OFPP } from '../../protocol/index.js';
import type { FlowMod, PacketOut } from '../../protocol/index.js';
import { waitFor } from '../support/e2e.js';
import { FakeSwitch } from '../support/fake-switch.js';
import { makePki } from '../support/pki.js';
import { ensureBuilt, freePort, ROOT, startWeftProcess } from '../support/weft-process.js';
import type { LogLine, WeftProcess } from '../support/weft-process.js';

const APPS = 'table-miss,l2-learning';

/** A free port whose successor is free too (worker i serves REST on rest.port + i). */
async function twoFreePorts(): Promise<number> {
  for (;;) {
    const p = await freePort();
    const next = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (next) return p;
  }
}

async function switchesAt(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/switches`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { dpid: string }[];
  return body.map((s) => s.dpid).sort();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const workerPids = (w: WeftProcess) => w.lines.filter((l) => l.msg === 'worker up').map((l) => Number(l.pid));

/** A broadcast frame from 02:00:00:00:00:0N on port 1: l2-learning floods it. */
function broadcastFrom(n: number): Uint8Array {
  const f = new Uint8Array(60);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, n, 0x88, 0xb5]);
  return f;
}

t.test('two workers share the switches, each running the apps and the REST API for its own', async (t) => {
  const restPort = await twoFreePorts();
  const weft = await startWeftProcess({ restPort, args: ['--workers', '2', '--apps', APPS] });
  t.teardown(() => weft.stop());
  const started = weft.lines.find((l) => l.msg === 'weft started') as LogLine & { workers: { index: number; rest: { port: number } }[] };
  t.same(
    started.workers.map((w) => [w.index, w.rest.port]),
    [
      [0, restPort],
      [1, restPort + 1],
    ],
    'worker i serves REST on rest.port + i',
  );
  const pids = workerPids(weft);
  t.equal(new Set(pids).size, 2, 'two worker processes');
  t.notOk(pids.includes(weft.pid), 'apart from the primary');

  const switches: FakeSwitch[] = [];
  t.teardown(() => switches.forEach((s) => s.destroy()));
  for (let i = 1; i <= 6; i++) {
    const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: BigInt(0xc0 + i) });
    switches.push(sw);
    const miss = await sw.waitFor<FlowMod>((m) => m.type === 'flowMod' && m.priority === 0 && m.command === OFPFC.ADD, 5000);
    t.equal(miss.instructions.length, 1, `switch ${i} got the table-miss flow`);
  }
  await waitFor(async () => (await switchesAt(restPort)).length + (await switchesAt(restPort + 1)).length === 6, 5000, 'both REST APIs list the six switches');
  const a = await switchesAt(restPort);
  const b = await switchesAt(restPort + 1);
  t.ok(a.length > 0 && b.length > 0, `both workers hold switches (${a.length} and ${b.length})`);
  t.same([...a, ...b].sort(), switches.map((s) => s.datapathId.toString(16).padStart(16, '0')).sort(), 'every switch in exactly one worker');

  // The apps run in the workers: a broadcast is flooded by l2-learning of whichever holds it.
  for (const [i, sw] of switches.entries()) {
    sw.send({ type: 'packetIn', xid: 0, bufferId: 0xffffffff, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data: broadcastFrom(i + 1) });
    const out = await sw.waitFor<PacketOut>((m) => m.type === 'packetOut', 5000);
    t.same(
      out.actions.map((x) => (x.type === 'output' ? x.port : x.type)),
      [OFPP.FLOOD],
      `switch ${i + 1}: flooded`,
    );
  }

  t.equal(await weft.stop(), 0, 'SIGTERM: exit code 0');
  await waitFor(() => pids.every((p) => !alive(p)), 5000, 'worker processes gone');
  t.ok(
    weft.lines.filter((l) => l.msg === 'weft stopped').length >= 3,
    'each worker, then the primary, logged its stop',
  );
});

t.test('a worker that dies is started again, on the same REST port', async (t) => {
  const restPort = await twoFreePorts();
  const weft = await startWeftProcess({ restPort, args: ['--workers', '2', '--apps', APPS] });
  t.teardown(() => weft.stop());
  const [first] = workerPids(weft);
  const index = Number(weft.lines.find((l) => l.msg === 'worker up' && l.pid === first)!.worker);
  process.kill(first!, 'SIGKILL');
  const warn = await weft.waitForLog((l) => l.msg === 'worker exited; starting a new one (its switches reconnect)', 5000, 'the exit noticed');
  t.match(warn, { worker: index, signal: 'SIGKILL' });
  const again = await weft.waitForLog((l) => l.msg === 'worker up' && l.worker === index && l.pid !== first, 10_000, 'a new worker');
  t.not(again.pid, first);
  t.same(await switchesAt(restPort + index), [], 'its REST API answers again');
  const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0xd1n });
  t.teardown(() => sw.destroy());
  await sw.waitFor((m) => m.type === 'flowMod', 5000);
  t.pass('a switch connecting now is served');
  t.equal(await weft.stop(), 0);
});

t.test('a TLS listener is shared by the workers too, with its client authentication', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-workers-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = makePki(dir);
  const pem = (k: string) => readFileSync(f[k]!);
  const restPort = await twoFreePorts();
  const tlsPort = await freePort();
  const weft = await startWeftProcess({
    restPort,
    args: ['--workers', '2', '--apps', APPS, '--listen', `ssl:127.0.0.1:${tlsPort}`, '--tls-cert', f['server.crt']!, '--tls-key', f['server.key']!, '--tls-ca', f['caA.crt']!],
  });
  t.teardown(() => weft.stop());
  const good: FakeSwitch[] = [];
  t.teardown(() => good.forEach((s) => s.destroy()));
  for (let i = 1; i <= 4; i++) {
    const sw = await FakeSwitch.connect({ port: tlsPort, datapathId: BigInt(0xf0 + i), tls: { ca: pem('caA.crt'), cert: pem('switchA.crt'), key: pem('switchA.key') } });
    good.push(sw);
    await sw.waitFor((m) => m.type === 'flowMod', 5000);
  }
  await waitFor(async () => (await switchesAt(restPort)).length + (await switchesAt(restPort + 1)).length === 4, 5000, 'four TLS switches listed');
  t.ok((await switchesAt(restPort)).length > 0 && (await switchesAt(restPort + 1)).length > 0, 'TLS connections reach both workers');
  const other = await FakeSwitch.connect({ port: tlsPort, datapathId: 0xf9n, tls: { ca: pem('caA.crt'), cert: pem('switchB.crt'), key: pem('switchB.key') } }).catch(() => undefined);
  if (other) {
    await Promise.race([other.closed, new Promise((r) => setTimeout(r, 3000))]);
    t.ok(other.isClosed, 'a certificate from another CA is refused');
    other.destroy();
  } else t.pass('a certificate from another CA is refused (at connect)');
  t.equal((await switchesAt(restPort)).length + (await switchesAt(restPort + 1)).length, 4, 'and never listed');
  t.equal(await weft.stop(), 0);
});

t.test('a datapath id that reconnects through another worker replaces its old connection there', async (t) => {
  const restPort = await twoFreePorts();
  const weft = await startWeftProcess({ restPort, args: ['--workers', '2', '--apps', APPS] });
  t.teardown(() => weft.stop());
  const X = 0xe1n;
  const hex = X.toString(16).padStart(16, '0');
  const holder = async () => ((await switchesAt(restPort)).includes(hex) ? 0 : (await switchesAt(restPort + 1)).includes(hex) ? 1 : -1);
  const conns: FakeSwitch[] = [];
  t.teardown(() => conns.forEach((c) => c.destroy()));
  const connectX = async () => {
    const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: X });
    conns.push(sw);
    await sw.waitFor((m) => m.type === 'flowMod', 5000);
    return sw;
  };
  let old = await connectX();
  await waitFor(async () => (await holder()) >= 0, 5000, 'X listed');
  // The old connection stays open but falls silent, as one lost without a FIN does: the probe
  // of the old connection (dpidConflict replace) finds it dead, so the newcomer replaces it.
  // Connections go to the workers in turn, so within a few tries one lands on the other worker.
  let crossed = false;
  for (let tries = 0; tries < 4 && !crossed; tries++) {
    const before = await holder();
    old.answerEcho = false;
    const next = await connectX();
    await old.closed;
    t.ok(old.isClosed, `try ${tries + 1}: the older connection of ${hex} was closed`);
    await waitFor(async () => (await holder()) >= 0, 5000, 'X listed again');
    const after = await holder();
    crossed = after !== before;
    old = next;
  }
  t.ok(crossed, 'a reconnect landed on the other worker, and replaced the connection there');
  t.ok(weft.lines.some((l) => l.msg === 'datapath id in two workers: closing one connection'), 'the primary logged the cross-worker conflict');
  t.same([...(await switchesAt(restPort)), ...(await switchesAt(restPort + 1))], [hex], 'listed once, by one worker');
  t.notOk(old.isClosed, 'the newest connection stays');
  t.equal(await weft.stop(), 0);
});

t.test('apps that span switches are refused with workers > 1, before any worker starts', async (t) => {
  await ensureBuilt();
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['dist/src/cli.js', '--openflow-host', '127.0.0.1', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', WEFT_STATE_DIR: mkdtempSync(join(tmpdir(), 'weft-test-state-')) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
  const port = await freePort();
  const dflt = await run(['--workers', '2', '--openflow-port', String(port)]);
  t.equal(dflt.code, 2, 'a configuration error');
  t.match(dflt.stderr, /config\.openflow\.workers is 2, but app topology is not switch-local/);
  t.notMatch(dflt.stdout, /worker up/, 'no worker was started');
  const routing = await run(['--workers', '3', '--apps', 'table-miss,l2-learning,routing', '--openflow-port', String(port)]);
  t.equal(routing.code, 2);
  t.match(routing.stderr, /apps routing(, \w+)* are not switch-local|app routing is not switch-local/);
  const zero = await run(['--workers', '0']);
  t.equal(zero.code, 2);
  t.match(zero.stderr, /workers/);
});
