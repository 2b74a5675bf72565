/**
 * The weft command as a real process: exit codes and messages for bad flags, a port in use and
 * an unknown app; a scripted OpenFlow 1.3 switch over a real socket gets the table-miss flow; a
 * signal stops it cleanly with exit code 0.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { decode, encode, Framer } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { makePort } from '../support/fake-datapath.js';
import { CLI, ensureBuilt, freePort } from '../support/weft-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The built CLI (dist/, rebuilt when stale): through tsx every spawn compiled the app again.
await ensureBuilt();

interface Run {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (sig: NodeJS.Signals) => void;
}

function weft(args: string[], env: Record<string, string> = {}): Run {
  // A state store of its own per process (the default, ./weft-state, is one per directory).
  const stateDir = mkdtempSync(join(tmpdir(), 'weft-cli-state-'));
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', WEFT_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  void code.then(() => rmSync(stateDir, { recursive: true, force: true }));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void code.then(() => clearTimeout(timer));
  return { code, stdout: () => out, stderr: () => err, kill: (s) => child.kill(s) };
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a bad flag: one message naming the key, exit 2', async (t) => {
  const r = weft(['--openflow-port', 'abc']);
  t.equal(await r.code, 2);
  t.equal(r.stderr(), 'weft: --openflow-port (config.openflow.port): expected an integer 1-65535, got "abc"\n');
  t.equal(r.stdout(), '');
});

t.test('an unknown config key from the environment and an unknown app: exit 2', async (t) => {
  const r1 = weft([], { WEFT_LOG_LEVEL: 'verbose' });
  t.equal(await r1.code, 2);
  t.match(r1.stderr(), /^weft: WEFT_LOG_LEVEL \(config\.log\.level\): expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"\n$/);
  const r2 = weft(['--apps', 'table-miss,no-such-app', '--openflow-port', String(await freePort())]);
  t.equal(await r2.code, 2);
  t.equal(r2.stderr(), 'weft: app no-such-app: not a built-in app or an installed package\n');
});

t.test('a port in use: one clear line, exit 1', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => blocker.close(r)));
  const port = (blocker.address() as net.AddressInfo).port;
  const r = weft(['--openflow-host', '127.0.0.1', '--openflow-port', String(port), '--log-level', 'silent']);
  t.equal(await r.code, 1);
  t.equal(r.stderr(), `weft: OpenFlow listener 127.0.0.1:${port}: address already in use\n`);
});

t.test('a state store that cannot be read: one line naming the file and the problem, exit 1, nothing listens', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-corrupt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const torn = '{"format":"weft-state","version":1,"revision":3,"entr';
  writeFileSync(join(dir, 'weft-state.json'), torn);
  writeFileSync(join(dir, 'weft-state.log'), 'whatever');
  const port = await freePort();
  const r = weft(['--openflow-host', '127.0.0.1', '--openflow-port', String(port), '--state-dir', dir]);
  t.equal(await r.code, 1);
  t.match(r.stderr(), new RegExp(`^weft: state store ${join(dir, 'weft-state.json')}: not valid JSON \\([^\\n]+\\)\\n$`));
  t.notMatch(r.stdout(), /weft started/);
  t.equal(readFileSync(join(dir, 'weft-state.json'), 'utf8'), torn, 'the store is left as it was');
  writeFileSync(join(dir, 'weft-state.json'), '{"format":"weft-state","version":9,"revision":0,"entries":[]}');
  const newer = weft(['--openflow-host', '127.0.0.1', '--openflow-port', String(port), '--state-dir', dir]);
  t.equal(await newer.code, 1);
  t.equal(newer.stderr(), `weft: state store ${join(dir, 'weft-state.json')}: format version 9 was written by a newer weft (this one reads up to 1)\n`);
});

t.test('--help and --version', async (t) => {
  const h = weft(['--help']);
  t.equal(await h.code, 0);
  t.match(h.stdout(), /^Usage: weft \[options\]/);
  const v = weft(['--version']);
  t.equal(await v.code, 0);
  t.match(v.stdout(), /^weft \d+\.\d+\.\d+\n$/);
});

/** A scripted switch: answers the handshake and records what the controller sends. */
function scriptedSwitch(port: number, dpid: bigint) {
  const got: OfMessage[] = [];
  const sock = net.connect(port, '127.0.0.1');
  const framer = new Framer();
  const send = (m: OfMessage) => sock.write(encode(m));
  sock.on('connect', () => send({ type: 'hello', xid: 1, elements: [{ type: 'versionBitmap', bitmaps: [0x10] }] }));
  sock.on('data', (chunk) =>
    framer.push(chunk, (bytes) => {
      const m = decode(bytes);
      got.push(m);
      switch (m.type) {
        case 'featuresRequest':
          return send({ type: 'featuresReply', xid: m.xid, datapathId: dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 });
        case 'echoRequest':
          return send({ type: 'echoReply', xid: m.xid, data: m.data });
        case 'barrierRequest':
          return send({ type: 'barrierReply', xid: m.xid });
        case 'getConfigRequest':
          return send({ type: 'getConfigReply', xid: m.xid, flags: 0, missSendLen: 0xffff });
        case 'multipartRequest':
          if (m.body.kind === 'portDesc') return send({ type: 'multipartReply', xid: m.xid, flags: 0, body: { kind: 'portDesc', ports: [makePort(dpid, 1), makePort(dpid, 2)] } });
          if (m.body.kind === 'desc') return send({ type: 'multipartReply', xid: m.xid, flags: 0, body: { kind: 'desc', mfrDesc: 'test', hwDesc: 'scripted', swDesc: '1', serialNum: '2', dpDesc: 'cli test' } });
          // An empty flow table: what reconciliation reads at switch up.
          if (m.body.kind === 'flow') return send({ type: 'multipartReply', xid: m.xid, flags: 0, body: { kind: 'flow', stats: [] } });
          return undefined;
        default:
          return undefined;
      }
    }),
  );
  return { got, sock, closed: new Promise<void>((r) => sock.on('close', () => r())) };
}

t.test('a switch connects and gets the table-miss flow; SIGTERM stops weft with exit 0', async (t) => {
  const port = await freePort();
  const r = weft(['--openflow-host', '127.0.0.1', '--openflow-port', String(port), '--rest-port', String(await freePort()), '--log-levels', 'host=debug']);
  await waitFor(() => r.stdout().includes('weft started'), 'weft to start');
  const sw = scriptedSwitch(port, 0xc0ffeen);
  // Other default apps delete their own flows first; find the table-miss add itself.
  const isMiss = (m: (typeof sw.got)[number]) => m.type === 'flowMod' && m.command === 0 && m.priority === 0;
  await waitFor(() => sw.got.some(isMiss), 'the table-miss flow');
  const fm = sw.got.find(isMiss)!;
  t.match(fm, { type: 'flowMod', command: 0, priority: 0, match: [], tableId: 0 });
  // The log line may be flushed after the flow reached the switch: wait for it, bounded.
  await waitFor(() => r.stdout().includes('"msg":"switch up"'), 'the host logging the switch');
  t.ok(r.stdout().includes('"msg":"switch up"'), 'the host logged the switch');
  r.kill('SIGTERM');
  t.equal(await r.code, 0);
  await sw.closed;
  t.match(r.stdout(), /"msg":"weft stopped"/);
});

t.test('SIGINT stops it too', async (t) => {
  const r = weft(['--openflow-host', '127.0.0.1', '--openflow-port', String(await freePort()), '--rest-port', String(await freePort())]);
  await waitFor(() => r.stdout().includes('weft started'), 'weft to start');
  r.kill('SIGINT');
  t.equal(await r.code, 0);
  t.equal(r.stderr(), '');
});
