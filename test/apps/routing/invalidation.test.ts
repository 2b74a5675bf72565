/**
 * Flows follow the network: a host that moves, a link that goes down, an interface change.
 */
import t from 'tap';
import { buildEthernet, ICMP_TYPE } from '../../../protocol/packet/index.js';
import { KIND } from '../../../apps/routing/index.js';
import { arpRequest, GW3, HOSTS, lab, ping } from './lab.js';
import type { Lab } from './lab.js';
import { REPEAT_LIMIT } from '../../../apps/topology/repeats.js';

const pings = (l: Lab, name: string) => l.received(name).filter((f) => f.icmp?.type === ICMP_TYPE.ECHO_REQUEST);
const ours = (l: Lab, sw: bigint, kind: number) => {
  const base = l.host.apps().find((a) => a.name === 'routing')!.cookieBase;
  return l.net.switches.get(sw)!.flows().filter((f) => f.cookie === base + BigInt(kind));
};

t.test('a host moves: its flows are deleted, traffic follows it', async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h4.ip));
  t.equal(ours(l, 1n, KIND.host).length, 1);
  t.equal(ours(l, 3n, KIND.transit).length, 1);
  // h4 moves to s2 port 4 and says so (it asks for its gateway from there).
  l.net.moveHost('h4', [2n, 4]);
  l.send('h4', arpRequest('h4', '10.0.3.1'));
  t.equal(ours(l, 1n, KIND.host).length, 0, 'FIB flow to the old place deleted');
  t.equal(ours(l, 3n, KIND.transit).length, 0, 'transit flows to it deleted');
  t.same(l.routing.neighbors().find((n) => n.ip === HOSTS.h4.ip)!.port, 4);
  l.clear();
  const r = l.send('h1', ping('h1', HOSTS.h4.ip));
  t.same(r.delivered, { h4: 1 }, 'delivered at the new place');
  t.equal(r.linkHops, 0, 'the first packet leaves at the new switch (PACKET_OUT)');
  t.equal(pings(l, 'h4')[0]!.eth.src, GW3);
  const next = l.send('h1', ping('h1', HOSTS.h4.ip));
  t.same(next.delivered, { h4: 1 });
  t.equal(next.linkHops, 1, 'the next one in the flows: one hop, s1 -> s2');
});

t.test("a loop hold on a host's port: its neighbour entry and flows go, and come back when it speaks again", async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h4.ip));
  t.equal(ours(l, 1n, KIND.host).length, 1);
  t.ok(l.routing.neighbors().some((n) => n.ip === HOSTS.h4.ip));
  // The same broadcast arrives REPEAT_LIMIT times on h4's port: the topology holds it (a loop).
  const bcast = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: HOSTS.h4.mac, ethType: 0x88b5 }, new Uint8Array(46));
  for (let i = 0; i < REPEAT_LIMIT; i++) l.send('h4', bcast);
  t.equal(l.topo.counters().loopHolds, 1);
  t.notOk(l.routing.neighbors().some((n) => n.ip === HOSTS.h4.ip), 'neighbour entry forgotten');
  t.equal(ours(l, 1n, KIND.host).length, 0, 'FIB flow to the held place deleted');
  t.equal(ours(l, 3n, KIND.transit).length, 0, 'transit flows to it deleted');
  l.advance(60_000); // past the hold
  l.send('h4', arpRequest('h4', '10.0.3.1'));
  l.clear();
  t.same(l.send('h1', ping('h1', HOSTS.h4.ip)).delivered, { h4: 1 }, 'reached again once it spoke after the hold');
});

t.test('a link goes down: every forwarding flow is flushed, the next packet takes the new path', async (t) => {
  const l = lab({ ring: true });
  l.send('h1', ping('h1', HOSTS.h4.ip));
  l.clear();
  t.equal(l.send('h1', ping('h1', HOSTS.h4.ip)).linkHops, 1, 'direct link s1 - s3');
  l.net.setLink([1n, 2], false);
  for (const sw of [1n, 2n, 3n]) {
    t.equal(ours(l, sw, KIND.host).length + ours(l, sw, KIND.transit).length, 0, `s${sw}: forwarding flows flushed`);
    t.ok(ours(l, sw, KIND.trap).length > 0, `s${sw}: trap flows stay`);
  }
  l.clear();
  const first = l.send('h1', ping('h1', HOSTS.h4.ip));
  t.same(first.delivered, { h4: 1 }, 'the first packet after the flush is delivered');
  t.same(first.packetIns, { 1: 1 }, 'after one packet-in at s1');
  const r = l.send('h1', ping('h1', HOSTS.h4.ip));
  t.same(r.delivered, { h4: 1 });
  t.equal(r.linkHops, 2, 'and the next one goes around by s2 in the new flows');
  t.same(r.packetIns, {}, 'without the controller');
  t.ok(l.routing.counters().flushes >= 1);
});

t.test('interfaces changed at run time: flows replaced on every switch', async (t) => {
  const l = lab();
  const added = (await l.host.command('routing', 'addInterface', { address: '172.16.5.1/16', mac: '02:AA:BB:CC:DD:EE' })) as { mac: string; network: string };
  t.equal(added.mac, '02:aa:bb:cc:dd:ee');
  t.equal(added.network, '172.16.0.0/16');
  l.answer(l.net.pump());
  const trace = l.net.switches.get(2n)!.trace({ in_port: 3, eth_type: 0x0806, arp_tpa: '172.16.5.1', eth_dst: 'ff:ff:ff:ff:ff:ff' });
  t.ok(trace.toController, 'ARP for the new gateway is caught');
  l.host.command('routing', 'deleteInterface', { address: '172.16.5.1' });
  l.answer(l.net.pump());
  const after = l.net.switches.get(2n)!.trace({ in_port: 3, eth_type: 0x0806, arp_tpa: '172.16.5.1', eth_dst: 'ff:ff:ff:ff:ff:ff' });
  t.notOk(after.flows.some((f) => f.cookie === l.host.apps().find((a) => a.name === 'routing')!.cookieBase + 1n), 'no longer ours');
  // The router still works for the others.
  l.clear();
  l.send('h1', ping('h1', '10.0.1.1'));
  t.equal(l.received('h1')[0]!.icmp!.type, ICMP_TYPE.ECHO_REPLY);
});
