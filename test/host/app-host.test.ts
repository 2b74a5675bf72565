import t from 'tap';
import { OFPBMC, OFPET, OFPFC, OFPFF, OFPP, OFPPR, OFPR } from '../../protocol/index.js';
import type { ErrorMsg, OfMessage } from '../../protocol/index.js';
import { flowAdd, flowDelete, output, Outbox, packetOut, tableMiss } from '../../apps/sdk/index.js';
import type { App, AppContext, PacketInEvent, SwitchView } from '../../apps/sdk/index.js';
import { cookieAppId } from '../../apps/sdk/cookies.js';
import { createTableMissApp } from '../../apps/table-miss/index.js';
import { FakeDatapath, frameFor, makePort } from '../support/fake-datapath.js';
import { makeHost, settle } from './helpers.js';

const A = '0a:00:00:00:00:0a';
const B = '0b:00:00:00:00:0b';

/** An app that records every event it gets. */
function recorder(name: string, extra: Partial<App> = {}) {
  const seen: string[] = [];
  let ctx!: AppContext;
  const app: App = {
    name,
    init: (c) => void (ctx = c),
    switchUp: (sw) => void seen.push(`up ${sw.dpid}`),
    switchDown: (sw, reason) => void seen.push(`down ${sw.dpid} ${reason}`),
    portStatus: (sw, m) => void seen.push(`port ${sw.dpid} ${m.desc.portNo} ${m.reason}`),
    ...extra,
  };
  return { app, seen, ctx: () => ctx };
}

t.test('events reach apps in load order, with a live switch view', async (t) => {
  const order: string[] = [];
  const a = recorder('a', { switchUp: (sw) => void order.push(`a ${sw.dpid} ${sw.ports.size} ${sw.nTables}`) });
  const b = recorder('b', { switchUp: (sw) => void order.push(`b ${sw.dpid}`) });
  const { host } = makeHost([a.app, b.app]);
  const f = new FakeDatapath({ datapathId: 0x1234n, ports: [1, 2], nTables: 7 }).connect(host);
  t.same(order, ['a 0000000000001234 2 7', 'b 0000000000001234']);
  f.portStatus(OFPPR.ADD, makePort(0x1234n, 9));
  t.same(a.seen, ['port 0000000000001234 9 0']);
  t.equal(host.switches()[0]!.ports.size, 3, 'the view follows the port change');
  t.equal(a.ctx().switch(0x1234n)?.dpid, '0000000000001234');
  f.close('peer closed');
  t.same(b.seen, ['port 0000000000001234 9 0', 'down 0000000000001234 peer closed']);
  t.same(host.switches(), []);
  t.equal(host.counters().apps.a!.events, 3);
});

t.test('table-miss app installs its flow; packets then reach the controller', async (t) => {
  const { host } = makeHost([createTableMissApp({})]);
  const f = new FakeDatapath({ datapathId: 5n }).connect(host);
  t.same(f.sent.map((m) => m.type), ['multipartRequest', 'flowMod', 'barrierRequest'], 'read the flows, add the missing one, barrier');
  const fm = f.sent[1]!;
  t.match(fm, { type: 'flowMod', command: OFPFC.ADD, priority: 0, match: [], tableId: 0 });
  t.same(fm.type === 'flowMod' && fm.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }]);
  t.equal(cookieAppId((fm as { cookie: bigint }).cookie), host.apps()[0]!.appId, 'in the app cookie range');
  t.equal(f.trace({ in_port: 1, eth_dst: A }).toController, true);
});

t.test('per switch: deletes, one barrier, then adds; no barrier without deletes', async (t) => {
  const app: App = {
    name: 'orderer',
    switchUp: () => [
      packetOut({ data: frameFor({ eth_dst: A }), actions: [output(1)] }),
      flowAdd({ priority: 5, match: { eth_dst: A }, actions: [output(1)] }),
      flowDelete({ match: { eth_dst: B } }),
      flowAdd({ priority: 6, match: { eth_dst: B }, actions: [output(2)] }),
      flowDelete({ match: { in_port: 3 }, strict: true, priority: 2 }),
    ],
    portStatus: () => [flowAdd({ priority: 7, match: { in_port: 2 }, actions: [output(1)] })],
  };
  const { host } = makeHost([app]);
  const f = new FakeDatapath().connect(host);
  t.same(
    f.sent.map((m) => (m.type === 'flowMod' ? `${m.command === OFPFC.ADD ? 'add' : 'del'}${m.priority}` : m.type)),
    ['del0', 'del2', 'barrierRequest', 'add5', 'add6', 'packetOut'],
  );
  t.equal(host.counters().barriers, 1);
  f.clearSent();
  f.portStatus(OFPPR.MODIFY, makePort(1n, 2));
  t.same(f.sent.map((m) => m.type), ['flowMod'], 'adds alone need no barrier');
});

t.test('messages of several apps for one event are ordered together', async (t) => {
  const a: App = { name: 'adder', switchUp: () => [flowAdd({ priority: 1, actions: [output(2)] })] };
  const d: App = { name: 'deleter', switchUp: (sw) => new Outbox().to(sw.dpid, flowDelete()) };
  const { host } = makeHost([a, d]);
  const f = new FakeDatapath().connect(host);
  t.same(f.sent.map((m) => m.type === 'flowMod' ? m.command : m.type), [OFPFC.DELETE, 'barrierRequest', OFPFC.ADD]);
  t.equal(f.flows().length, 1, 'the add survived the delete');
});

t.test('a switch error goes to the app whose message caused it', async (t) => {
  const errors: { app: string; err: ErrorMsg; sent: OfMessage }[] = [];
  const mk = (name: string, priority: number): App => ({
    name,
    switchUp: () => [flowAdd({ priority, actions: [output(1)] })],
    error: (_sw, err, sent) => {
      errors.push({ app: name, err, sent });
      // The handler may answer; its messages go to the same switch.
      return [flowAdd({ priority: priority + 1000, actions: [output(2)] })];
    },
  });
  const { host, lines } = makeHost([mk('first', 10), mk('second', 20)]);
  const f = new FakeDatapath();
  f.reject((m) => m.type === 'flowMod' && m.priority === 20, OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, { once: true });
  f.connect(host);
  await settle();
  t.equal(errors.length, 1);
  t.equal(errors[0]!.app, 'second');
  t.match(errors[0]!.sent, { type: 'flowMod', priority: 20 });
  t.match(errors[0]!.err, { errType: OFPET.BAD_MATCH, code: OFPBMC.BAD_FIELD });
  t.same(f.flows().map((x) => x.priority).sort(), [10, 1020]);
  t.equal(host.counters().apps.second!.switchErrors, 1);
  t.equal(host.counters().apps.first!.switchErrors, 0);
  t.ok(lines.some((l) => l.msg === 'switch refused an app message' && l.app === 'second' && l.error === 'OFPBMC_BAD_FIELD'));
});

t.test('a switch error for an app without an error handler is counted and logged with the refused type', async (t) => {
  // Such an app's sends share one error callback per switch (no message kept per send): the
  // refused message's type comes from the ERROR's data instead.
  const app: App = {
    name: 'no-handler',
    switchUp: () => [flowAdd({ priority: 31, actions: [output(3)] }), packetOut({ data: new Uint8Array(60), inPort: 2, actions: [output(4)] })],
  };
  const { host, lines } = makeHost([app]);
  const f = new FakeDatapath();
  f.reject((m) => m.type === 'packetOut', OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, { once: true });
  f.connect(host);
  await settle();
  t.equal(host.counters().apps['no-handler']!.switchErrors, 1);
  const line = lines.find((l) => l.msg === 'switch refused an app message');
  t.match(line, { app: 'no-handler', sent: 'packetOut', error: 'OFPBMC_BAD_FIELD' });
  t.same(f.flows().map((x) => x.priority), [31], 'the flow mod was applied');
});

t.test('an app that throws is isolated, logged once per event and counted', async (t) => {
  let calls = 0;
  const bad: App = {
    name: 'bad',
    switchUp: () => {
      calls++;
      throw new Error('boom');
    },
    tick: () => 42 as never,
    portStatus: () => Promise.resolve([]) as never,
  };
  const good = recorder('good');
  const { host, lines } = makeHost([bad, good.app]);
  const f1 = new FakeDatapath({ datapathId: 1n }).connect(host);
  new FakeDatapath({ datapathId: 2n }).connect(host);
  host.tick();
  f1.portStatus(OFPPR.ADD, makePort(1n, 7));
  t.equal(calls, 2);
  t.same(good.seen.slice(0, 2), ['up 0000000000000001', 'up 0000000000000002'], 'the next app still ran');
  const c = host.counters().apps.bad!;
  t.same(c.failures, { switchUp: 2, tick: 1, portStatus: 1 });
  const logged = lines.filter((l) => l.app === 'bad' && l.level === 50);
  t.equal(logged.length, 4, 'one line per failed event');
  t.match(logged[0], { handler: 'switchUp', msg: 'app bad failed in switchUp', err: { message: 'boom' } });
  t.match(logged[2]!.err, { message: /expected messages, an Outbox or nothing/ });
  t.match(logged[3]!.err, { message: /synchronous/ });
});

t.test('an unencodable message is refused at send and counted against the app', async (t) => {
  const app: App = { name: 'sloppy', switchUp: () => [{ type: 'flowMod', xid: 0 } as never, flowAdd({ priority: 3, actions: [] })] };
  const { host } = makeHost([app]);
  const f = new FakeDatapath().connect(host);
  t.equal(f.flows().length, 1, 'the good message still went');
  t.same(host.counters().apps.sloppy!.failures, { send: 1 });
  t.equal(host.counters().apps.sloppy!.messagesSent, 1);
});

t.test('packet-ins: owned cookies go to the owner, misses to subscribers in order', async (t) => {
  const got: string[] = [];
  const mkPi = (name: string) => (sw: SwitchView, ev: PacketInEvent) => {
    got.push(`${name} ${sw.dpid.slice(-1)} ${ev.inPort} ${ev.miss} ${ev.frame.eth.src}`);
  };
  let lldpCtx!: AppContext;
  const lldp: App = {
    name: 'lldp',
    receiveTableMiss: true,
    init: (c) => void (lldpCtx = c),
    switchUp: () => [flowAdd({ priority: 100, match: { eth_type: 0x88cc }, actions: [output(OFPP.CONTROLLER)], cookie: lldpCtx.cookie(7) })],
    packetIn: mkPi('lldp'),
  };
  const l2: App = { name: 'l2', receiveTableMiss: true, packetIn: mkPi('l2') };
  const quiet: App = { name: 'quiet', packetIn: mkPi('quiet') };
  const { host } = makeHost([createTableMissApp({}), lldp, l2, quiet]);
  const f = new FakeDatapath({ datapathId: 3n }).connect(host);
  f.inject({ in_port: 2, eth_src: A, eth_dst: B, eth_type: 0x0800 });
  f.inject({ in_port: 1, eth_src: B, eth_type: 0x88cc, eth_dst: '01:80:c2:00:00:0e' });
  t.same(got, [`lldp 3 2 true ${A}`, `l2 3 2 true ${A}`, `lldp 3 1 false ${B}`]);
  // A flow nobody owns (cookie 0, e.g. from ovs-ofctl) sending to the controller: treated as a miss.
  f.send(flowAdd({ priority: 50, match: { in_port: 4 }, actions: [output(OFPP.CONTROLLER)] }));
  f.inject({ in_port: 4, eth_src: B });
  t.equal(got.length, 5);
  t.equal(host.counters().packetInsMiss, 2);
  t.equal(host.counters().packetInsOwned, 1);
});

t.test('packet-ins nobody wants are counted; flow-removed goes to the owner by cookie', async (t) => {
  const removed: bigint[] = [];
  let ctx!: AppContext;
  const owner: App = {
    name: 'owner',
    init: (c) => void (ctx = c),
    switchUp: () => [
      flowAdd({ priority: 2, match: { in_port: 1 }, actions: [output(2)], cookie: ctx.cookie(0xbeef), flags: OFPFF.SEND_FLOW_REM, idle: 1 }),
      flowAdd({ priority: 2, match: { in_port: 2 }, actions: [output(1)], cookie: 0x1234n, flags: OFPFF.SEND_FLOW_REM }),
    ],
    flowRemoved: (_sw, m) => void removed.push(m.cookie),
  };
  const { host, clock } = makeHost([createTableMissApp({}), owner]);
  const f = new FakeDatapath({ clock: clock.now }).connect(host);
  f.inject({ in_port: 3 });
  t.equal(host.counters().packetInsUnclaimed, 1);
  clock.advance(1500);
  f.expire();
  f.send(flowDelete({ match: { in_port: 2 } }));
  t.same(removed, [ctx.cookie(0xbeef)]);
  t.equal(host.counters().flowRemovedUnclaimed, 1);
});

t.test('ctx.deleteOwnFlows removes exactly the app flows', async (t) => {
  let ctx!: AppContext;
  const app: App = {
    name: 'cleaner',
    init: (c) => void (ctx = c),
    switchUp: () => [ctx.deleteOwnFlows(), flowAdd({ priority: 9, match: { in_port: 1 }, actions: [output(2)], cookie: ctx.cookie(1) })],
  };
  const { host } = makeHost([createTableMissApp({}), app]);
  const f = new FakeDatapath();
  // Left from a previous run: one of ours, one of table-miss's, one of nobody's.
  f.send(flowAdd({ priority: 9, match: { in_port: 3 }, actions: [output(2)], cookie: 0n }));
  f.connect(host);
  f.send(flowAdd({ priority: 4, match: { in_port: 2 }, actions: [output(1)], cookie: ctx.cookie(99) }));
  f.send(ctx.deleteOwnFlows());
  t.same(f.flows().map((x) => x.priority), [9, 0], 'table-miss and the unowned flow stay');
  t.ok(ctx.owns(ctx.cookie(5)));
  t.notOk(ctx.owns(0n));
});

t.test('tick uses the injected clock; plain arrays from tick are refused, an Outbox works', async (t) => {
  const ticks: number[] = [];
  const app: App = {
    name: 'ticker',
    tick: (now) => {
      ticks.push(now);
      return ticks.length === 1 ? [tableMiss()] : new Outbox().to(7n, tableMiss()).to(8n, flowDelete());
    },
  };
  const { host, clock } = makeHost([app]);
  const s7 = new FakeDatapath({ datapathId: 7n }).connect(host);
  clock.advance(1234);
  host.tick();
  t.same(host.counters().apps.ticker!.failures, { tick: 1 });
  clock.advance(1000);
  host.tick();
  t.same(ticks, [1_700_000_001_234, 1_700_000_002_234]);
  t.equal(s7.sent.length, 1);
  t.equal(host.counters().apps.ticker!.messagesDropped, 1, 'switch 8 is not connected');
});

t.test('start() runs ticks on an interval; stop() ends them', async (t) => {
  let n = 0;
  const { host } = makeHost([{ name: 'timer', tick: () => void n++ }], { tickIntervalMs: 10 });
  host.start();
  await new Promise((r) => setTimeout(r, 120));
  host.stop();
  const seen = n;
  await new Promise((r) => setTimeout(r, 50));
  t.ok(seen >= 3, `ticked ${seen} times`);
  t.equal(n, seen);
});

t.test('commands: results returned, messages via ctx.emit, errors counted and rethrown', async (t) => {
  let ctx!: AppContext;
  const app: App = {
    name: 'cmd',
    init: (c) => void (ctx = c),
    command: (name, args) => {
      if (name === 'fail') throw new Error('nope');
      ctx.emit(new Outbox().to((args as { dpid: string }).dpid, tableMiss({ cookie: ctx.cookie(3) })));
      return { done: name };
    },
  };
  const { host } = makeHost([app]);
  const f = new FakeDatapath({ datapathId: 0x99n }).connect(host);
  t.same(host.command('cmd', 'install', { dpid: '99' }), { done: 'install' });
  t.equal(f.flows().length, 1);
  t.throws(() => host.command('cmd', 'fail', {}), /nope/);
  t.throws(() => host.command('other', 'x', {}), /no app named other/);
  t.same(host.counters().apps.cmd!.failures, { command: 1 });
});

t.test('app ids: stable per name, fixed ids honoured, clashes refused; init failures stop the start', async (t) => {
  const one = makeHost([{ name: 'alpha' }, { name: 'beta', cookie: 0x42 }]).host.apps();
  const two = makeHost([{ name: 'gamma' }, { name: 'alpha' }]).host.apps();
  t.equal(one[0]!.appId, two[1]!.appId, 'same name, same id whatever the order');
  t.equal(one[1]!.appId, 0x42);
  t.equal(one[1]!.cookieBase, 0x42n << 48n);
  t.throws(() => makeHost([{ name: 'x', cookie: 5 }, { name: 'y', cookie: 5 }]), /both ask for app id 5/);
  t.throws(() => makeHost([{ name: 'x' }, { name: 'x' }]), /two apps are named x/);
  t.throws(() => makeHost([{ name: 'x', cookie: 0 }]), /not an integer 1-65535/);
  t.throws(() => makeHost([{ name: 'x', init: () => { throw new Error('no db'); } }]), /app x: init failed: no db/);
});

t.test('unclaimed switch errors and messages before switch up are logged, not fatal', async (t) => {
  const { host, lines } = makeHost([createTableMissApp({})]);
  const f = new FakeDatapath();
  host.message(f, { type: 'packetIn', xid: 1, bufferId: 0xffffffff, totalLen: 0, reason: OFPR.NO_MATCH, tableId: 0, cookie: 0n, match: [], data: new Uint8Array(0) });
  f.connect(host);
  f.receive({ type: 'error', xid: 77, errType: OFPET.BAD_REQUEST, code: 1, data: new Uint8Array(0) });
  t.equal(host.counters().errorsUnclaimed, 1);
  t.ok(lines.some((l) => l.msg === 'switch error not caused by an app message' && l.error === 'OFPBRC_BAD_TYPE'));
});
