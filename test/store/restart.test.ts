/**
 * weft as a real process (the built dist/src/cli.js) with a state directory: routing interfaces and a
 * static route, a NAT rule, a topology pin and a flow configured over REST; weft killed with SIGKILL and started
 * again on the same directory shows the same configuration over REST at once, and installs the
 * flow on the switch when it connects.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { CLI, ensureBuilt, freePort } from '../support/weft-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-restart-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
await ensureBuilt();
const APPS = 'table-miss,topology,l2-learning,routing,nat';

async function start(ofPort: number, restPort: number): Promise<ChildProcess> {
  const args = [CLI, '--openflow-host', '127.0.0.1', '--openflow-port', String(ofPort), '--rest-port', String(restPort), '--apps', APPS, '--state-dir', dir];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // Generous: a loaded CI machine takes seconds to start weft.
  const deadline = Date.now() + 120_000;
  while (!out.includes('weft started')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`weft did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

const call = async (port: number, method: string, path: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
};

t.test('routing, NAT and a flow survive kill -9 and show at once after the restart', async (t) => {
  const ofPort = await freePort();
  const restPort = await freePort();
  let weft = await start(ofPort, restPort);
  t.teardown(() => weft.kill('SIGKILL'));
  const dpid = '00000000000000a1';
  let sw = await FakeSwitch.connect({ port: ofPort, datapathId: 0xa1n, ports: [makePort(1, 'eth1'), makePort(2, 'eth2')] });
  t.teardown(() => sw.destroy());
  const deadline = Date.now() + 20_000;
  while ((await call(restPort, 'GET', '/api/v1/switches')).json?.length !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  t.equal((await call(restPort, 'POST', '/api/v1/apps/routing/interfaces', { address: '10.0.1.1/24' })).status, 201);
  t.equal((await call(restPort, 'POST', '/api/v1/apps/routing/interfaces', { address: '203.0.113.1/24', mac: '02:00:00:00:00:99' })).status, 201);
  t.equal((await call(restPort, 'POST', '/api/v1/apps/routing/routes', { prefix: '10.9.0.0/16', nextHop: '10.0.1.254' })).status, 201);
  t.equal((await call(restPort, 'POST', '/api/v1/apps/nat/rules', { type: 'masquerade', inside: '10.0.1.0/24', outside: '203.0.113.100' })).status, 201);
  t.equal((await call(restPort, 'PUT', '/api/v1/apps/topology/pins/0a:00:00:00:00:07', { dpid: 'a1', port: 2 })).status, 200);
  t.equal((await call(restPort, 'POST', `/api/v1/switches/${dpid}/flows`, { table: 0, priority: 1234, match: { in_port: 2 }, actions: [{ type: 'output', port: 1 }] })).status, 201);
  const before = {
    interfaces: (await call(restPort, 'GET', '/api/v1/apps/routing/interfaces')).json,
    routes: (await call(restPort, 'GET', '/api/v1/apps/routing/routes')).json.map((r: any) => ({ prefix: r.prefix, nextHop: r.nextHop, type: r.type })),
    rules: (await call(restPort, 'GET', '/api/v1/apps/nat/rules')).json,
    pins: (await call(restPort, 'GET', '/api/v1/apps/topology/pins')).json,
    flows: (await call(restPort, 'GET', `/api/v1/state/switches/${dpid}`)).json.flows,
  };
  t.equal(before.interfaces.length, 2);
  t.equal(before.rules.length, 1);
  t.equal(before.flows.length, 1);
  t.same(before.pins, [{ mac: '0a:00:00:00:00:07', dpid: dpid, port: 2 }]);

  // kill -9 right after the acknowledgements: nothing acknowledged may be lost.
  weft.kill('SIGKILL');
  await new Promise((r) => weft.once('exit', r));
  sw.destroy();
  weft = await start(ofPort, restPort);
  const after = {
    interfaces: (await call(restPort, 'GET', '/api/v1/apps/routing/interfaces')).json,
    routes: (await call(restPort, 'GET', '/api/v1/apps/routing/routes')).json.map((r: any) => ({ prefix: r.prefix, nextHop: r.nextHop, type: r.type })),
    rules: (await call(restPort, 'GET', '/api/v1/apps/nat/rules')).json,
    pins: (await call(restPort, 'GET', '/api/v1/apps/topology/pins')).json,
    flows: (await call(restPort, 'GET', `/api/v1/state/switches/${dpid}`)).json.flows,
  };
  t.same(after, before, 'the same interfaces, routes, rules, pins and persisted flow, before any switch connects');

  sw = await FakeSwitch.connect({ port: ofPort, datapathId: 0xa1n, ports: [makePort(1, 'eth1'), makePort(2, 'eth2')] });
  const until = Date.now() + 20_000;
  while (!sw.received.some((m) => m.type === 'flowMod' && m.priority === 1234) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  t.ok(sw.received.some((m) => m.type === 'flowMod' && m.priority === 1234 && m.command === 0), 'the persisted flow is installed at switch up');
  t.equal((await call(restPort, 'POST', '/api/v1/apps/nat/rules', { type: 'static', inside: '10.0.1.5', outside: '203.0.113.5' })).json.id, '2', 'rule ids continue after the restored ones');
  weft.kill('SIGTERM');
  await new Promise((r) => weft.once('exit', r));
});
