/**
 * l2-learning with the topology's host guard: what the topology refuses (a pinned MAC seen
 * elsewhere, a MAC flood past the port's cap) l2-learning does not learn either, so traffic to
 * the real host keeps going to the real host.
 */
import t from 'tap';
import { createL2LearningApp } from '../../../apps/l2-learning/index.js';
import type { L2LearningApp } from '../../../apps/l2-learning/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { arpRequestFrame, buildEthernet } from '../../../protocol/packet/index.js';
import { FakeNetwork } from '../../support/fake-network.js';
import { makeHost } from '../../host/helpers.js';
import { REPEAT_LIMIT } from '../../../apps/topology/repeats.js';

const H1 = '0a:00:00:00:00:01';

/** Switch 1 (h1 on port 3) linked 1:2-2:1 to switch 2 (h2 on 3, h3 on 4). */
function setup(topologyOptions: Record<string, unknown> = {}) {
  const l2 = createL2LearningApp({}) as L2LearningApp;
  const topoApp = createTopologyApp({ lldpIntervalMs: 5_000, ...topologyOptions });
  const { host, clock } = makeHost([createTableMissApp({}), topoApp, l2]);
  const net = new FakeNetwork({ clock: clock.now });
  net.addSwitch(1n, [1, 2, 3]);
  net.addSwitch(2n, [1, 2, 3, 4]);
  net.link([1n, 2], [2n, 1]);
  ['h1', 'h2', 'h3'].forEach((name, i) => net.attach(name, i === 0 ? [1n, 3] : [2n, i + 2], { mac: `0a:00:00:00:00:0${i + 1}`, ip: `10.0.0.${i + 1}` }));
  net.connect(host);
  for (let i = 0; i < 8; i++) {
    clock.advance(1_000);
    host.tick();
    net.pump();
  }
  const arp = (name: string) => {
    const h = net.hosts.get(name)!;
    net.send(name, arpRequestFrame({ sha: h.mac, spa: h.ip!, tpa: '10.0.0.250' }));
  };
  const frame = (from: string, src: string, to: string) => net.send(from, buildEthernet({ dst: net.hosts.get(to)!.mac, src, ethType: 0x88b5 }, new Uint8Array(46)));
  for (const h of ['h1', 'h2', 'h3']) arp(h);
  return { net, l2, topo: topoApp.api, frame };
}

t.test('a frame forging a pinned MAC from another port does not divert its traffic', async (t) => {
  const s = setup({ pinnedHosts: [{ mac: H1, dpid: 1, port: 3 }] });
  s.frame('h3', H1, 'h2'); // h3 claims h1's address
  t.match(s.topo.host(H1), { port: 3 }, 'the topology keeps h1 where it is pinned');
  t.equal(s.l2.stats().refusedByTopology, 1, 'l2-learning refuses it too');
  const r = s.frame('h2', '0a:00:00:00:00:02', 'h1');
  t.same(r.delivered, { h1: 1 }, 'traffic for h1 still reaches h1');
});

t.test('without the pin the same frame takes the MAC over (what pinning prevents)', async (t) => {
  const s = setup();
  s.frame('h3', H1, 'h2');
  t.match(s.topo.host(H1), { port: 4 });
  const r = s.frame('h2', '0a:00:00:00:00:02', 'h1');
  t.same(r.delivered, { h3: 1 }, 'h1\'s traffic goes to h3');
});

t.test('a MAC flood on one port: both apps hold their caps, the quiet host stays reachable', async (t) => {
  const s = setup({ maxHostsPerPort: 100 });
  for (let i = 0; i < 300; i++) s.frame('h3', `0e:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`, 'h2');
  t.equal(s.topo.hostCount, 3 + 99, 'h3 and 99 flood MACs on its port, h1 and h2');
  t.equal(s.topo.counters().hostsRefused['port-cap'], 201);
  t.equal(s.l2.stats().refusedByTopology, 201, 'what the topology refused l2-learning did not learn');
  t.match(s.topo.host(H1), { port: 3 });
  const r = s.frame('h2', '0a:00:00:00:00:02', 'h1');
  t.same(r.delivered, { h1: 1 });
});

t.test('a loop hold forgets the hosts of the held port in l2-learning too: their traffic stops going there', async (t) => {
  const s = setup();
  s.frame('h3', H1, 'h2'); // h3 claims h1's address: h1 is "at" 2:4 now, for both apps
  t.match(s.topo.host(H1), { dpid: '0000000000000002', port: 4 });
  const at2 = () => s.l2.api.macTable('0000000000000002').filter((r) => r.mac === H1);
  t.equal(at2().length, 1);
  // The same broadcast keeps arriving on 2:4 (a loop behind it): the port is held.
  const bcast = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: '0a:00:00:00:00:03', ethType: 0x88b5 }, new Uint8Array(46));
  for (let i = 0; i < REPEAT_LIMIT; i++) s.net.send('h3', bcast);
  t.equal(s.topo.counters().loopHolds, 1);
  t.equal(s.topo.host(H1), undefined, 'the topology forgot what it had on 2:4');
  t.same(at2(), [], 'l2-learning forgot it too (hostRemoved with wrongPlace)');
  const during = s.frame('h2', '0a:00:00:00:00:02', 'h1');
  t.ok(during.linkHops > 0, 'traffic for h1 is flooded (unknown), not sent to 2:4 by a stale entry or flow');
  t.equal(during.delivered.h3, undefined, 'and the held port gets none of it');
  s.frame('h1', H1, 'h2');
  t.match(s.topo.host(H1), { dpid: '0000000000000001', port: 3 }, 'h1 speaks: found at its own port');
  t.same(s.frame('h2', '0a:00:00:00:00:02', 'h1').delivered, { h1: 1 });
});
