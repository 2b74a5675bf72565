/**
 * Cluster instances: an app's writes for a switch this instance does not master go to the
 * forward hook (its master) when caused by an event only this instance sees (packet-in,
 * command), in the order the master must send them; writes caused by events every instance
 * sees (ticks, switch up, store and cluster deliveries outside events) are not forwarded.
 * Without a cluster (no mayWrite) nothing is forwarded and every message goes to its switch.
 */
import t from 'tap';
import { OFP_NO_BUFFER, OFPFC, OFPP, OFPR } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { flowAdd, flowDelete, output, Outbox, packetOut, toDpid } from '../../apps/sdk/index.js';
import type { App, AppContext } from '../../apps/sdk/index.js';
import { splitForwarded } from '../../src/host/forwarding.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { makeHost } from './helpers.js';

const MINE = 0x1n;
const THEIRS = 0x2n;
const mine = toDpid(MINE);
const theirs = toDpid(THEIRS);

/** An app that, on any packet-in, installs a "path" over both switches and sends the frame out of the other. */
function pathApp() {
  let ctx!: AppContext;
  const both = (): Outbox =>
    new Outbox()
      .to(MINE, flowAdd({ priority: 10, match: { in_port: 1 }, actions: [output(2)] }))
      .to(THEIRS, flowDelete({ match: { eth_dst: '0a:00:00:00:00:01' } }), flowAdd({ priority: 10, match: { in_port: 2 }, actions: [output(1)] }), packetOut({ data: new Uint8Array(60), actions: [output(1)] }));
  const app: App = {
    name: 'path',
    receiveTableMiss: true,
    init: (c) => void (ctx = c),
    packetIn: () => both(),
    tick: () => both(),
    command: () => void ctx.emit(both()),
  };
  return app;
}

function setup(cluster: boolean) {
  const forwarded: { dpid: string; msgs: readonly OfMessage[] }[] = [];
  const { host } = makeHost([pathApp()], cluster ? { mayWrite: (d) => d === mine, forward: (dpid, msgs) => void forwarded.push({ dpid, msgs }) } : {});
  const a = new FakeDatapath({ datapathId: MINE, ports: [1, 2] }).connect(host);
  const b = new FakeDatapath({ datapathId: THEIRS, ports: [1, 2] }).connect(host);
  a.sent.length = 0;
  b.sent.length = 0;
  return { host, a, b, forwarded };
}

/** A table-miss packet-in from switch `f`'s port 1. */
const packetIn = (f: FakeDatapath) =>
  f.receive({ type: 'packetIn', xid: 0, bufferId: OFP_NO_BUFFER, totalLen: 60, reason: OFPR.NO_MATCH, tableId: 0, cookie: 0xffff_ffff_ffff_ffffn, match: [{ field: 'in_port', value: 1 }], data: new Uint8Array(60) });

const writes = (sent: OfMessage[]) => sent.filter((m) => m.type === 'flowMod' || m.type === 'packetOut').map((m) => m.type);

t.test('a packet-in: the other master gets its switch share, deletes, barrier, adds, packet-out', async (t) => {
  const { a, b, forwarded, host } = setup(true);
  packetIn(a);
  t.same(writes(a.sent), ['flowMod'], 'our own switch gets its flow');
  t.same(writes(b.sent), [], 'nothing goes to the other master\'s switch from here');
  t.equal(forwarded.length, 1);
  t.equal(forwarded[0]!.dpid, theirs);
  t.same(
    forwarded[0]!.msgs.map((m) => (m.type === 'flowMod' ? `flowMod ${m.command === OFPFC.DELETE ? 'delete' : 'add'}` : m.type)),
    ['flowMod delete', 'barrierRequest', 'flowMod add', 'packetOut'],
    'in the order the master must send them',
  );
  t.equal(host.counters().messagesForwarded, 3, 'counted (the barrier aside)');
});

t.test('a command (REST) forwards; a tick does not', async (t) => {
  const { b, forwarded, host } = setup(true);
  host.command('path', 'go', {});
  t.equal(forwarded.length, 1, 'the command\'s emit is forwarded');
  forwarded.length = 0;
  host.tick();
  t.equal(forwarded.length, 0, 'every instance ticks: the master does its own');
  t.same(writes(b.sent).length, 3, 'so the tick\'s writes go to the connection, where the cluster gate drops them');
});

t.test('no cluster: nothing forwarded, every switch written directly', async (t) => {
  const { a, b, forwarded } = setup(false);
  packetIn(a);
  t.equal(forwarded.length, 0);
  t.same(writes(a.sent), ['flowMod']);
  t.same(writes(b.sent), ['flowMod', 'flowMod', 'packetOut']);
});

t.test('splitForwarded keeps requests of this connection and, below level 2, packet-outs', async (t) => {
  const app = { app: { name: 'x' } } as never;
  const msgs: OfMessage[] = [
    { type: 'setAsync', xid: 0, packetInMask: [1, 0], portStatusMask: [1, 1], flowRemovedMask: [1, 0] },
    flowAdd({ priority: 1, match: {}, actions: [output(OFPP.CONTROLLER)] }),
    packetOut({ data: new Uint8Array(60), actions: [output(1)] }),
  ];
  const l1 = splitForwarded(msgs, app, 1);
  t.same(l1.forwarded.map((m) => m.type), ['flowMod']);
  t.same(l1.kept.map((m) => m.type), ['setAsync', 'packetOut']);
  const l2 = splitForwarded(msgs, app, 2);
  t.same(l2.forwarded.map((m) => m.type), ['flowMod', 'packetOut']);
  t.same(l2.kept.map((m) => m.type), ['setAsync']);
});
