/**
 * The app watchdog with two apps that both get every table-miss packet-in: a bad one (throws, or
 * spins 200 ms per packet-in on the injected handler timer) and a good one that answers each
 * with a PACKET_OUT. The bad one is disabled after K strikes; the good one answers all along.
 */
import t from 'tap';
import type { App, AppContext } from '../../apps/sdk/index.js';
import { output, packetOut } from '../../apps/sdk/index.js';
import { createTableMissApp } from '../../apps/table-miss/index.js';
import type { AppHealth } from '../../src/host/watchdog.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { makeHost } from './helpers.js';
import { CpuWait } from '../../src/host/cpu-wait.js';

function good(): App {
  return { name: 'good', receiveTableMiss: true, packetIn: (_sw, ev) => [packetOut({ data: ev.data, inPort: ev.inPort, actions: [output(2)] })] };
}

function bad(kind: 'throws' | 'spins', spin: (ms: number) => void): App & { calls: number; ups: number } {
  const app = {
    name: 'bad',
    receiveTableMiss: true,
    calls: 0,
    ups: 0,
    init: (_c: AppContext) => {},
    switchUp: () => void app.ups++,
    packetIn: () => {
      app.calls++;
      if (kind === 'throws') throw new Error('boom');
      spin(200);
      return [];
    },
  };
  return app;
}

function rig(kind: 'throws' | 'spins', waitedPerCall = 0) {
  let timer = 0;
  const b = bad(kind, (ms) => void (timer += ms));
  const states: [string, AppHealth][] = [];
  const { host, lines } = makeHost([createTableMissApp({}), b, good()], {
    timer: () => timer,
    cpuWaitMs: () => waitedPerCall,
    watchdog: { budgetMs: 100, maxSlowCalls: 5, slowWindowMs: 60_000, maxFailures: 10 },
    onAppState: (name, h) => void states.push([name, { ...h }]),
  });
  const sw = new FakeDatapath({ datapathId: 1n, ports: [1, 2] }).connect(host);
  const inject = (n: number) => {
    for (let i = 0; i < n; i++) sw.inject({ in_port: 1, eth_src: '0a:00:00:00:00:01', eth_dst: '0a:00:00:00:00:02' });
  };
  return { host, lines, sw, b, states, inject };
}

t.test('an app throwing on every packet-in is disabled after 10 in a row; its log lines are limited; the other app answers all', async (t) => {
  const r = rig('throws');
  r.inject(50);
  t.equal(r.b.calls, 10, 'called until the 10th consecutive failure, then not any more');
  t.equal(r.sw.packetOuts.length, 50, 'the good app answered every packet-in');
  t.match(r.host.health().bad, { state: 'disabled', reason: /10 consecutive failures \(last in packetIn\)/, disables: 1 });
  t.match(r.host.health().good, { state: 'enabled' });
  t.equal(r.host.counters().apps.bad!.failures.packetIn, 10);
  t.ok(r.lines.filter((l) => /failed in packetIn/.test(l.msg)).length <= 5, 'failure lines are rate-limited');
  t.equal(r.lines.filter((l) => /disabled by the watchdog/.test(l.msg)).length, 1);
  t.same(r.states.map(([n, h]) => `${n} ${h.state}`), ['bad disabled']);
});

t.test('an app spinning 200 ms per packet-in is disabled after 5 calls over budget; enable runs it again with switchUp', async (t) => {
  const r = rig('spins');
  r.inject(20);
  t.equal(r.b.calls, 5);
  t.equal(r.sw.packetOuts.length, 20);
  t.match(r.host.health().bad, { state: 'disabled', reason: /5 calls over the 100 ms budget/, slowCalls: 5, maxCallMs: 200 });
  const upsBefore = r.b.ups;
  t.equal(r.host.enable('bad'), true);
  t.equal(r.b.ups, upsBefore + 1, 'it hears of the connected switch again');
  t.equal(r.host.enable('bad'), false, 'already enabled');
  t.throws(() => r.host.enable('nope'), /no app named nope/);
  r.inject(4);
  t.equal(r.b.calls, 9, 'called again, and the count of strikes starts over');
  t.match(r.host.health().bad, { state: 'enabled' });
  r.inject(1);
  t.match(r.host.health().bad, { state: 'disabled', disables: 2 });
  t.same(r.states.map(([n, h]) => `${n} ${h.state}`), ['bad disabled', 'bad enabled', 'bad disabled']);
});

t.test('a call within budget and a success reset nothing that matters: slow calls spread over more than the window do not disable', async (t) => {
  let timer = 0;
  let wall = 0;
  const b = bad('spins', (ms) => void (timer += ms));
  const { host } = makeHost([createTableMissApp({}), b], { clock: () => wall, timer: () => timer, watchdog: { slowWindowMs: 1_000 } });
  const sw = new FakeDatapath({ datapathId: 1n, ports: [1, 2] }).connect(host);
  for (let i = 0; i < 20; i++) {
    wall += 300; // 5 slow calls take 1.2 s: never 5 within the 1 s window
    sw.inject({ in_port: 1, eth_src: '0a:00:00:00:00:01', eth_dst: '0a:00:00:00:00:02' });
  }
  t.equal(b.calls, 20);
  t.match(host.health().bad, { state: 'enabled', slowCalls: 20 });
});

t.test('a call slow only because weft waited for a CPU (an overloaded machine) is not counted against the app', async (t) => {
  // 200 ms of wall time per call, 150 of them waiting for a CPU: 50 ms of the app's own, under the 100 ms budget.
  const starved = rig('spins', 150);
  starved.inject(20);
  t.equal(starved.b.calls, 20, 'never disabled');
  t.match(starved.host.health().bad, { state: 'enabled', slowCalls: 0 });
  // 200 ms with 50 of waiting: 150 ms of its own, over budget: disabled after 5 as without any wait.
  const spinning = rig('spins', 50);
  spinning.inject(20);
  t.equal(spinning.b.calls, 5, 'disabled after the 5th slow call');
  t.match(spinning.host.health().bad, { state: 'disabled', slowCalls: 5 });
});

t.test('CpuWait: the wait since the last sample from schedstat, none where unknown', async (t) => {
  let ns = 1_000_000;
  const w = new CpuWait(() => ns);
  t.teardown(() => w.stop());
  ns += 30_000_000;
  t.equal(w.waitedMs(), 30, '30 ms waited since the first sample');
  const none = new CpuWait(() => undefined);
  t.equal(none.waitedMs(), 0, 'no schedstat: no correction');
  const real = new CpuWait();
  t.teardown(() => real.stop());
  t.ok(real.waitedMs() >= 0, 'this Linux machine has /proc/thread-self/schedstat');
});
