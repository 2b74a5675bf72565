/**
 * Log format (log.format, --log-format, WEFT_LOG_FORMAT): JSON lines when stdout is a pipe,
 * readable lines on a terminal, either one when asked. The process tests run the built weft
 * with stdout on a pipe and, through util-linux `script`, on a pseudo-terminal.
 */
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { resolveLogFormat } from '../../src/log.js';
import { ensureBuilt, freePort, ROOT } from '../support/weft-process.js';

t.test('auto is pretty on a terminal and JSON elsewhere; json and pretty are taken as given', async (t) => {
  t.equal(resolveLogFormat('auto', true), 'pretty');
  t.equal(resolveLogFormat('auto', false), 'json');
  t.equal(resolveLogFormat(undefined, true), 'pretty', 'the default is auto');
  t.equal(resolveLogFormat('json', true), 'json');
  t.equal(resolveLogFormat('pretty', false), 'pretty');
});

t.test('log.format comes from the defaults, a flag or the environment; bad values name the key', async (t) => {
  const cfg = (argv: string[], env: Record<string, string> = {}) => {
    const r = loadConfig({ argv, env });
    if (r.kind !== 'run') throw new Error(r.kind);
    return r.config.log.format;
  };
  t.equal(cfg([]), 'auto');
  t.equal(cfg(['--log-format', 'json']), 'json');
  t.equal(cfg([], { WEFT_LOG_FORMAT: 'pretty' }), 'pretty');
  t.equal(cfg(['--log-format', 'json'], { WEFT_LOG_FORMAT: 'pretty' }), 'json', 'the flag wins over the environment');
  t.throws(() => cfg(['--log-format', 'text']), ConfigError);
  t.throws(() => cfg(['--log-format', 'text']), /--log-format \(config\.log\.format\).*"text"/);
});

/** Run the built weft until its stdout matches `ready`, then SIGTERM it; its stdout. */
async function run(t: Test, opts: { tty: boolean; args?: string[]; env?: Record<string, string> }, ready: RegExp): Promise<string> {
  await ensureBuilt();
  const argv = [join(ROOT, 'dist', 'src', 'cli.js'), '--openflow-host', '127.0.0.1', '--openflow-port', String(await freePort()), '--rest-host', '127.0.0.1', '--rest-port', String(await freePort()), ...(opts.args ?? [])];
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'dumb', WEFT_STATE_DIR: mkdtempSync(join(tmpdir(), 'weft-test-state-')), ...opts.env };
  // `script -qec CMD /dev/null` runs CMD on a pseudo-terminal and copies what it prints.
  const quoted = [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = opts.tty
    ? spawn('script', ['-qec', `exec ${quoted}`, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
  const deadline = Date.now() + 60_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`weft did not print ${ready}; stdout:\n${out}\nstderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(kill);
  return out;
}

const isJsonLine = (l: string) => {
  try {
    return typeof JSON.parse(l) === 'object';
  } catch {
    return false;
  }
};

t.test('stdout on a pipe: JSON lines by default', async (t) => {
  const out = await run(t, { tty: false }, /"msg":"weft started"/);
  const lines = out.trim().split('\n');
  t.ok(lines.length >= 2 && lines.every(isJsonLine), 'every line is JSON');
  t.match(JSON.parse(lines.find((l) => l.includes('weft started'))!), { subsystem: 'main', msg: 'weft started', level: 30 });
});

t.test('stdout on a pipe with --log-format pretty: readable lines', async (t) => {
  const out = await run(t, { tty: false, args: ['--log-format', 'pretty'] }, /weft started/);
  const lines = out.trim().split('\n');
  t.notOk(lines.some(isJsonLine), 'no line is JSON');
  t.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[openflow\] listening for switches on 127\.0\.0\.1:\d+ \{"host":"127\.0\.0\.1"/m);
  t.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[main\] weft started \{"apps":\["table-miss","topology","l2-learning"\]/m);
  t.notMatch(out, /\x1b\[/, 'no colours on a pipe');
});

t.test('stdout on a terminal: readable lines by default', async (t) => {
  const out = await run(t, { tty: true }, /weft started/);
  t.match(out, /\] INFO: \[main\] weft started \{/);
  t.notMatch(out, /"msg":/, 'no JSON lines');
});

t.test('stdout on a terminal with WEFT_LOG_FORMAT=json: JSON lines', async (t) => {
  const out = await run(t, { tty: true, env: { WEFT_LOG_FORMAT: 'json' } }, /"msg":"weft started"/);
  const lines = out.replace(/\r/g, '').trim().split('\n');
  t.ok(lines.every(isJsonLine), 'every line is JSON');
});
