/**
 * Reconciliation on the fake switch: missing, extra, modified, foreign and identical flows,
 * semantic comparison, adoption, desired-state sources, and a switch that refuses a flow
 * (marked failed, retried with backoff a bounded number of times).
 */
import t from 'tap';
import { OFPET, OFPFC } from '../../protocol/index.js';
import type { FlowMod, FlowStats } from '../../protocol/index.js';
import type { App, AppContext, SwitchView } from '../../apps/sdk/index.js';
import { flowAdd, output, toController } from '../../apps/sdk/index.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { makeHost, settle } from './helpers.js';

const APP_ID = 0x77;
const cookieOf = (low: number) => (BigInt(APP_ID) << 48n) | BigInt(low);

/** An app whose desired flows are whatever the test puts in `want`. */
function wanting(want: () => FlowMod[], extra: Partial<App> = {}): App & { ctx?: AppContext } {
  const app: App & { ctx?: AppContext } = {
    name: 'wanting',
    cookie: APP_ID,
    init(c) {
      app.ctx = c;
    },
    desiredFlows: () => want(),
    ...extra,
  };
  return app;
}

const fa = (priority: number, port: number, low = 1, more: Partial<Parameters<typeof flowAdd>[0]> = {}) =>
  flowAdd({ priority, match: { in_port: 1, eth_dst: '0a:00:00:00:00:02' }, actions: [output(port)], cookie: cookieOf(low), ...more });

const flowMods = (f: FakeDatapath) => f.sent.filter((m): m is FlowMod => m.type === 'flowMod');

t.test('a fresh switch gets every desired flow; a second run touches nothing', async (t) => {
  const { host, clock } = makeHost([wanting(() => [fa(10, 2), fa(20, 3, 2)])]);
  const f = new FakeDatapath({ clock: clock.now }).connect(host);
  t.equal(f.flows().length, 2);
  const r = host.reconciler.status(f.info.dpid)!.last!;
  t.match(r, { trigger: 'switchUp', error: null, flows: { onSwitch: 0, desired: 2, added: 2, modified: 0, deleted: 0, kept: 0, failed: 0 } });
  f.clearSent();
  const again = await host.reconciler.reconcile(f.info.dpid, 'audit');
  t.match(again, { trigger: 'audit', flows: { onSwitch: 2, added: 0, modified: 0, deleted: 0, kept: 2 } });
  t.same(f.sent.map((m) => m.type), ['multipartRequest'], 'only the read: nothing to send');
});

t.test('identical flows survive a controller restart untouched: counters and install time kept', async (t) => {
  const want = () => [fa(10, 2), fa(20, 3, 2)];
  const first = makeHost([wanting(want)]);
  const f = new FakeDatapath({ clock: first.clock.now }).connect(first.host);
  f.trace({ in_port: 1, eth_dst: '0a:00:00:00:00:02' }, { count: true, bytes: 100 });
  const before = f.flows().map((x) => ({ p: x.priority, at: x.installedAt, n: x.packetCount }));
  first.clock.advance(5000);
  // A new weft process: a new host, the same switch with its flows.
  const second = makeHost([wanting(want)]);
  second.clock.set(first.clock.now());
  f.clearSent();
  f.connect(second.host);
  t.same(flowMods(f), [], 'no flow mod at all');
  t.same(f.flows().map((x) => ({ p: x.priority, at: x.installedAt, n: x.packetCount })), before);
  t.ok(before.some((b) => b.n === 1n), 'a counter was running');
  t.match(second.host.reconciler.status(f.info.dpid)!.last, { flows: { kept: 2, added: 0, deleted: 0, modified: 0 } });
});

t.test('missing, extra, modified (in place) and re-cookied (replaced) flows', async (t) => {
  const { host, clock } = makeHost([wanting(() => [fa(10, 2), fa(20, 3), fa(30, 4, 3), fa(40, 5)])]);
  const f = new FakeDatapath({ clock: clock.now });
  f.send(fa(10, 2)); // identical
  f.send(fa(20, 9)); // other output: modified in place
  f.send(fa(30, 4, 1)); // other cookie: replaced by an ADD
  f.send(fa(50, 6)); // ours, not wanted: deleted
  f.clearSent();
  f.connect(host);
  const r = host.reconciler.status(f.info.dpid)!.last!;
  t.match(r.flows, { onSwitch: 4, desired: 4, added: 2, modified: 1, deleted: 1, kept: 1, failed: 0 });
  const mods = flowMods(f);
  t.same(mods.map((m) => [m.command, m.priority]), [
    [OFPFC.DELETE_STRICT, 50],
    [OFPFC.ADD, 30],
    [OFPFC.ADD, 40],
    [OFPFC.MODIFY_STRICT, 20],
  ]);
  t.equal(mods[0]!.cookieMask, 0xffff_ffff_ffff_ffffn, 'the delete names the exact cookie');
  const types = f.sent.map((m) => m.type);
  t.same(types, ['multipartRequest', 'flowMod', 'barrierRequest', 'flowMod', 'flowMod', 'flowMod', 'barrierRequest'], 'deletes, barrier, adds, barrier');
  t.same(f.flows().map((x) => x.priority).sort(), [10, 20, 30, 40]);
  const p20 = f.flows().find((x) => x.priority === 20)!;
  t.same(p20.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: 3, maxLen: 0 }] }]);
  t.equal(f.flows().find((x) => x.priority === 30)!.cookie, cookieOf(3));
});

t.test('comparison is semantic: field order, all-ones masks, empty apply-actions', async (t) => {
  const { host, clock } = makeHost([
    wanting(() => [
      flowAdd({ priority: 7, match: { in_port: 1, eth_dst: '0a:00:00:00:00:02', eth_type: 0x800, ipv4_dst: { value: '10.0.0.0', mask: '255.0.0.0' } }, actions: [output(2)], cookie: cookieOf(1) }),
      flowAdd({ priority: 8, match: { eth_type: 0x800 }, instructions: [{ type: 'applyActions', actions: [] }], cookie: cookieOf(1) }),
    ]),
  ]);
  const f = new FakeDatapath({ clock: clock.now });
  // As Open vSwitch may report them: its own field order, a full mask dropped, no empty instruction.
  const raw = (priority: number, match: FlowMod['match'], instructions: FlowMod['instructions']): FlowMod => ({ ...fa(priority, 2), match, instructions });
  f.send(
    raw(
      7,
      [
        { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.0.0.0' },
        { field: 'eth_dst', value: '0a:00:00:00:00:02', mask: 'ff:ff:ff:ff:ff:ff' },
        { field: 'in_port', value: 1 },
        { field: 'eth_type', value: 0x800 },
      ],
      [{ type: 'applyActions', actions: [output(2)] }],
    ),
  );
  f.send(raw(8, [{ field: 'eth_type', value: 0x800 }], []));
  f.clearSent();
  f.connect(host);
  t.match(host.reconciler.status(f.info.dpid)!.last!.flows, { kept: 2, added: 0, modified: 0, deleted: 0 });
  t.same(flowMods(f), []);
});

t.test('foreign flows are left alone, or deleted when the option says so', async (t) => {
  const foreign = flowAdd({ priority: 99, match: { in_port: 3 }, actions: [output(1)], cookie: 0x42n });
  for (const mode of ['keep', 'delete'] as const) {
    const { host, clock } = makeHost([wanting(() => [fa(10, 2)])], { reconcile: { foreignFlows: mode } });
    const f = new FakeDatapath({ clock: clock.now });
    f.send(foreign);
    f.connect(host);
    const r = host.reconciler.status(f.info.dpid)!.last!;
    if (mode === 'keep') {
      t.match(r.flows, { foreign: 1, deleted: 0, added: 1 });
      t.ok(f.flows().some((x) => x.cookie === 0x42n), 'hand-added flow survives');
    } else {
      t.match(r.flows, { foreign: 0, deleted: 1, added: 1 });
      t.notOk(f.flows().some((x) => x.cookie === 0x42n), 'deleted with foreignFlows=delete');
    }
  }
});

t.test('adoptFlow keeps learned flows; apps without desired state keep managing their own', async (t) => {
  const offered: FlowStats[] = [];
  const learner = wanting(() => [fa(10, 2)], {
    adoptFlow: (_sw: SwitchView, fl: FlowStats) => {
      offered.push(fl);
      return fl.priority === 60;
    },
  });
  const legacy: App = { name: 'legacy', cookie: 0x99, switchUp: () => [flowAdd({ priority: 5, actions: [toController()], cookie: 0x99n << 48n })] };
  const { host, clock } = makeHost([learner, legacy]);
  const f = new FakeDatapath({ clock: clock.now });
  f.send(fa(60, 3, 9));
  f.send(fa(61, 3, 9));
  f.connect(host);
  t.same(offered.map((x) => x.priority).sort(), [60, 61], 'both offered to their owner');
  t.match(host.reconciler.status(f.info.dpid)!.last!.flows, { adopted: 2, deleted: 1, added: 1 }, 'legacy app flow counted as adopted');
  t.same(f.flows().map((x) => x.priority).sort((a, b) => a - b), [5, 10, 60], 'legacy switchUp flow and the adopted one stay');
});

t.test('an app whose desiredFlows throws loses none of its flows', async (t) => {
  let fail = false;
  const { host, clock, lines } = makeHost([wanting(() => (fail ? (() => { throw new Error('state not ready'); })() : [fa(10, 2)]))]);
  const f = new FakeDatapath({ clock: clock.now }).connect(host);
  fail = true;
  f.send(fa(70, 4));
  const r = await host.reconciler.reconcile(f.info.dpid, 'audit');
  t.match(r!.flows, { deleted: 0, adopted: 2 });
  t.equal(f.flows().length, 2);
  t.equal(host.counters().apps.wanting!.failures.desiredFlows, 1);
  t.ok(lines.some((l) => l.msg === 'desired state unavailable; its flows are left as they are'));
});

t.test('a desired-state source: its flows installed, its extras deleted, groups and meters added', async (t) => {
  const { host, clock } = makeHost([]);
  const srcCookie = 0xabcd_0000_0000_0001n;
  host.addDesiredSource({
    name: 'store',
    owns: (c) => c >> 48n === 0xabcdn,
    flows: (dpid) => (dpid === '0000000000000001' ? [flowAdd({ priority: 3, match: { in_port: 2 }, actions: [output(1)], cookie: srcCookie })] : []),
  });
  t.throws(() => host.addDesiredSource({ name: 'store' }), /exists already/);
  const f = new FakeDatapath({ clock: clock.now });
  f.send(flowAdd({ priority: 4, match: { in_port: 3 }, actions: [output(1)], cookie: 0xabcd_0000_0000_0002n }));
  f.connect(host);
  t.match(host.reconciler.status(f.info.dpid)!.last!.flows, { added: 1, deleted: 1 });
  t.same(f.flows().map((x) => x.priority), [3]);
});

t.test('a refused flow is marked failed, retried with backoff, at most maxAttempts times', async (t) => {
  const { host, clock, lines } = makeHost([wanting(() => [fa(10, 2), fa(77, 3)])], { reconcile: { maxAttempts: 3, retryBackoffMs: 1000, auditIntervalMs: 0 } });
  const f = new FakeDatapath({ clock: clock.now });
  f.reject((m) => m.type === 'flowMod' && m.priority === 77, OFPET.BAD_MATCH, 3);
  f.connect(host);
  await settle();
  const st = host.reconciler.status(f.info.dpid)!;
  t.match(st.last!.flows, { added: 1, failed: 1 });
  t.equal(st.failed.length, 1);
  t.match(st.failed[0], { owner: 'wanting', attempts: 1, error: /BAD_MATCH/, nextRetryAt: clock.now() + 1000 });
  t.match(st.failed[0]!.flow, /priority=77/);
  t.ok(lines.some((l) => l.msg === 'switch refused a desired flow'));

  // An audit before the retry is due does not send it again.
  f.clearSent();
  let r = await host.reconciler.reconcile(f.info.dpid, 'audit');
  t.same(flowMods(f), [], 'held back');
  t.match(r!.flows, { failed: 1, added: 0, kept: 1 });
  clock.advance(1000);
  r = await host.reconciler.reconcile(f.info.dpid, 'retry');
  await settle();
  t.equal(flowMods(f).length, 1, 'retried once');
  t.match(host.reconciler.status(f.info.dpid)!.failed[0], { attempts: 2, nextRetryAt: clock.now() + 2000 });
  clock.advance(2000);
  await host.reconciler.reconcile(f.info.dpid, 'retry');
  await settle();
  t.match(host.reconciler.status(f.info.dpid)!.failed[0], { attempts: 3, nextRetryAt: null }, 'gave up');
  f.clearSent();
  clock.advance(3_600_000);
  await host.reconciler.reconcile(f.info.dpid, 'audit');
  t.same(flowMods(f), [], 'never re-pushed after the cap');
  t.equal(host.reconciler.totals.runs.switchUp, 1);
  host.stop();

  // The switch accepts it after a reconnect: fresh attempts.
  f.close('bye');
  const ok = new FakeDatapath({ clock: clock.now });
  ok.connect(host);
  await settle();
  t.equal(ok.flows().length, 2);
  t.same(host.reconciler.status(ok.info.dpid)!.failed, []);
});

t.test('a switch whose flow dump fails: the run reports the error, desired flows are added, nothing deleted', async (t) => {
  const { host, clock, lines } = makeHost([wanting(() => [fa(10, 2)])]);
  const f = new FakeDatapath({ clock: clock.now });
  const answer = f.answerNow.bind(f);
  f.answerNow = (step) => {
    if (step.type === 'multipartRequest') throw new Error('no reply within 10000 ms');
    return answer(step);
  };
  f.connect(host);
  t.match(host.reconciler.status(f.info.dpid)!.last, { error: /flow dump failed \(no reply within 10000 ms\)/ });
  const mods = flowMods(f);
  t.equal(mods.length, 1, 'the one desired flow is sent');
  t.equal(mods[0]!.command, OFPFC.ADD, 'as an add');
  t.ok(lines.some((l) => l.msg === 'switch reconciliation failed'));
});
