/**
 * The app watchdog over real HTTP and a real event stream: an app failing on every PACKET_IN
 * from one port is disabled after host.watchdog.maxFailures failures in a row (an app_disabled
 * event, GET /api/v1/apps and /metrics show it), stops being called, and POST
 * /api/v1/apps/flaky/enable runs it again (app_enabled, switchUp re-run, PACKET_INs handled).
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import { encodeEvent } from '../../src/rest/events/proto.js';
import type { PacketIn } from '../../protocol/index.js';
import { connectEvents } from './events-client.js';
import { http, startRig } from './rig.js';

const FLAKY = fileURLToPath(new URL('./fixtures/flaky-app.ts', import.meta.url));

const packetIn = (inPort: number, xid: number): PacketIn => ({
  type: 'packetIn', xid, bufferId: 0xffffffff, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data: new Uint8Array(60),
});

async function until(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('disabled by the watchdog, enabled again over REST, with events', async (t) => {
  const rig = await startRig({ apps: ['table-miss', FLAKY], host: { watchdog: { budgetMs: 0, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 3 } } });
  t.teardown(() => rig.close());
  const events = await connectEvents(`${rig.base.replace('http', 'ws')}/api/v1/events`);
  t.teardown(() => events.close());
  const flaky = async () => ((await http(rig, 'GET', '/api/v1/apps')).json as { name: string; state: string; reason?: string; stats: Record<string, number> }[]).find((a) => a.name === 'flaky')!;
  t.equal((await flaky()).state, 'enabled');

  rig.sw.send(packetIn(1, 1));
  await until(async () => (await flaky()).stats.handled === 1, 3000, 'a good PACKET_IN handled');
  for (let i = 0; i < 3; i++) rig.sw.send(packetIn(2, 10 + i));
  const off = JSON.parse((await events.next((f) => String(f).includes('"app_disabled"'), 5000)) as string);
  t.match(off, { type: 'app_disabled', app: 'flaky', reason: /3 consecutive failures \(last in packetIn\)/, disables: 1 });
  const disabled = await flaky();
  t.equal(disabled.state, 'disabled', 'GET /api/v1/apps shows it disabled');
  t.match(disabled.reason, /3 consecutive failures/);
  const metrics = (await http(rig, 'GET', '/metrics')).text;
  t.match(metrics, /weft_app_enabled\{app="flaky"\} 0/);
  t.match(metrics, /weft_app_disables_total\{app="flaky"\} 1/);

  // Not called while disabled: a good PACKET_IN is not handled.
  rig.sw.send(packetIn(1, 20));
  await new Promise((r) => setTimeout(r, 200));
  t.equal((await flaky()).stats.handled, 1, 'a disabled app is not called');
  const switchUpsBefore = (await flaky()).stats.switchUps;

  const on = await http(rig, 'POST', '/api/v1/apps/flaky/enable');
  t.equal(on.status, 200);
  t.same(on.json, { name: 'flaky', state: 'enabled', wasDisabled: true });
  t.match(JSON.parse((await events.next((f) => String(f).includes('"app_enabled"'), 5000)) as string), { type: 'app_enabled', app: 'flaky', disables: 1 });
  const enabled = await flaky();
  t.equal(enabled.state, 'enabled');
  t.equal(enabled.stats.switchUps, switchUpsBefore + 1, 'switchUp re-run for the connected switch');
  rig.sw.send(packetIn(1, 21));
  await until(async () => (await flaky()).stats.handled === 2, 3000, 'PACKET_INs handled again');
  t.match((await http(rig, 'GET', '/metrics')).text, /weft_app_enabled\{app="flaky"\} 1/);

  const again = await http(rig, 'POST', '/api/v1/apps/flaky/enable');
  t.same(again.json, { name: 'flaky', state: 'enabled', wasDisabled: false }, 'enabling a running app changes nothing');
  t.equal((await http(rig, 'POST', '/api/v1/apps/nope/enable')).status, 404);
});

t.test('app events as protobuf frames', async (t) => {
  const Event = protobuf.loadSync(fileURLToPath(new URL('../../proto/events.proto', import.meta.url))).lookupType('weft.events.v1.Event');
  const e = Event.toObject(Event.decode(encodeEvent({ type: 'app_disabled', app: 'flaky', reason: '3 consecutive failures (last in packetIn)', disables: 2, seq: 7, time: '2026-12-07T00:00:00.000Z' })), { longs: Number });
  t.match(e, { seq: 7, type: 'app_disabled', app: { app: 'flaky', reason: '3 consecutive failures (last in packetIn)', disables: 2 } });
});
