/**
 * ctx.defer(): messages an app causes outside its own handlers join the batch of the event at
 * hand (deletes, barrier, adds), or go at once when no event is being handled.
 */
import t from 'tap';
import { OFPFC, OFPPR } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { flowAdd, flowDelete, Outbox } from '../../apps/sdk/index.js';
import type { ApiProvider, App, AppContext } from '../../apps/sdk/index.js';
import { createL2LearningApp } from '../../apps/l2-learning/index.js';
import { createTableMissApp } from '../../apps/table-miss/index.js';
import { FakeDatapath, makePort } from '../support/fake-datapath.js';
import { StubTopology } from '../apps/l2/stub-topology.js';
import { makeHost } from './helpers.js';

const A = '0a:00:00:00:00:0a';
const B = '0c:00:00:00:00:0c';
const D1 = '0000000000000001';

/** add, delete, barrier or the message type: the shape of what a switch received. */
function kinds(msgs: readonly OfMessage[]): string[] {
  return msgs.map((m) => (m.type === 'flowMod' ? (m.command === OFPFC.ADD ? 'add' : m.command === OFPFC.DELETE || m.command === OFPFC.DELETE_STRICT ? 'delete' : 'modify') : m.type));
}

t.test("a topology listener's deletes and l2-learning's add for one packet-in: delete, barrier, add", async (t) => {
  const topo = new StubTopology({ [D1]: [1, 2, 3] });
  // The topology stand-in learns hosts from packet-ins, as the real app does: a host seen on a
  // new port is a hostMoved event, delivered to l2-learning's listener inside this handler.
  const topology: ApiProvider<'topology'> & App = {
    name: 'topology',
    api: topo,
    receiveTableMiss: true,
    packetIn: (sw, ev) => void topo.placeHost(ev.frame.eth.src, sw.dpid, ev.inPort),
  };
  const { host } = makeHost([createTableMissApp({}), topology, createL2LearningApp({})]);
  const f = new FakeDatapath({ datapathId: 1n, ports: [1, 2, 3] }).connect(host);
  f.inject({ in_port: 2, eth_src: B, eth_dst: A });
  f.inject({ in_port: 1, eth_src: A, eth_dst: B });
  t.ok(f.sent.some((m) => m.type === 'flowMod' && m.command === OFPFC.ADD && m.priority === 100), 'A -> B has a flow');

  f.clearSent();
  f.inject({ in_port: 3, eth_src: A, eth_dst: B });
  const k = kinds(f.sent);
  t.ok(k.indexOf('delete') === 0 && k.lastIndexOf('delete') === k.indexOf('barrierRequest') - 1, `deletes first, then one barrier: ${k.join(' ')}`);
  t.same(k.slice(k.indexOf('barrierRequest')), ['barrierRequest', 'add', 'packetOut'], 'then the new flow and the frame');
  t.equal(k.filter((x) => x === 'barrierRequest').length, 1);
  t.equal(f.trace({ in_port: 3, eth_src: A, eth_dst: B }).ports.join(), '2', 'the new flow survived the deletes');
  t.equal(f.trace({ in_port: 1, eth_src: A, eth_dst: B }).toController, true, 'the old one is gone');
});

t.test('deferred functions run once per batch, failures are counted, and with no event at hand messages go at once', async (t) => {
  let lis!: AppContext;
  let fills = 0;
  let queued = false;
  const listeners: (() => void)[] = [];
  const listener: App = {
    name: 'listener',
    init(c) {
      lis = c;
      listeners.push(() => {
        lis.defer(new Outbox().to(D1, flowDelete({ cookie: lis.cookie(1), cookieMask: lis.cookieMask })));
        if (queued) return;
        queued = true;
        lis.defer((out) => {
          queued = false;
          fills++;
          out.to(D1, flowDelete({ cookie: lis.cookie(2), cookieMask: lis.cookieMask }));
        });
      });
    },
  };
  const source: App = {
    name: 'source',
    portStatus() {
      for (const l of listeners) l();
      for (const l of listeners) l();
      return [flowAdd({ priority: 5, cookie: 1n })];
    },
  };
  const { host } = makeHost([source, listener]);
  const f = new FakeDatapath({ datapathId: 1n, ports: [1] }).connect(host);

  f.portStatus(OFPPR.ADD, makePort(1n, 2));
  t.same(kinds(f.sent), ['delete', 'delete', 'delete', 'barrierRequest', 'add'], 'two deletes, one filled flush, a barrier, then the add');
  t.equal(fills, 1, 'the function ran once for two causes');

  f.clearSent();
  lis.defer(new Outbox().to(D1, flowDelete({ cookie: lis.cookie(3), cookieMask: lis.cookieMask })));
  t.same(kinds(f.sent), ['delete'], 'no event at hand: sent at once');
  t.equal(host.counters().apps.listener!.messagesSent, 4);

  f.clearSent();
  lis.defer(() => {
    throw new Error('boom');
  });
  t.equal(host.counters().apps.listener!.failures.defer, 1, 'a throwing function is counted');
  t.throws(() => lis.defer([] as never), TypeError, 'only an Outbox or a function');
  f.portStatus(OFPPR.ADD, makePort(1n, 3));
  t.same(kinds(f.sent).slice(-1), ['add'], 'later batches go on');
});
