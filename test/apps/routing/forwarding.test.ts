/**
 * Routing between subnets: resolution of the destination by ARP from the gateway, held
 * packets released, rewrites (MACs, TTL - 1, checksum), flows along the path so the next
 * packets never reach the controller, and same-subnet traffic left to l2-learning.
 */
import t from 'tap';
import { ARP_OP, arpReplyFrame, ICMP_TYPE } from '../../../protocol/packet/index.js';
import { arpRequest, GW1, GW2, GW3, HOSTS, ipChecksumOk, lab, ping } from './lab.js';
import type { Lab } from './lab.js';

const pingsTo = (l: Lab, name: string) => l.received(name).filter((f) => f.icmp?.type === ICMP_TYPE.ECHO_REQUEST);

t.test('h1 -> h4 across two switches: ARP from the gateway, held packet released rewritten', async (t) => {
  const l = lab();
  const r = l.send('h1', ping('h1', HOSTS.h4.ip, { ttl: 9 }));
  // The ARP request came from 10.0.3.1 with the gateway's MAC, out of every edge port.
  const asked = l.received('h4').filter((f) => f.arp?.op === ARP_OP.REQUEST);
  t.equal(asked.length, 1);
  t.equal(asked[0]!.arp!.spa, '10.0.3.1');
  t.equal(asked[0]!.arp!.sha, GW3);
  t.equal(asked[0]!.arp!.tpa, HOSTS.h4.ip);
  for (const other of ['h1', 'h2', 'h3', 'r']) t.equal(l.received(other).filter((f) => f.arp).length, 1, `${other} got the request too (edge port)`);
  t.equal(r.linkHops, 0, 'nothing crossed links: ARP goes out edge ports only, the released packet leaves at h4\'s own switch');

  const [got] = pingsTo(l, 'h4');
  t.ok(got, 'h4 got the ping after answering ARP');
  const raw = l.net.hosts.get('h4')!.received.find((d) => d[12] === 0x08 && d[13] === 0x00)!;
  t.equal(got!.eth.src, GW3, 'source: the egress gateway MAC');
  t.equal(got!.eth.dst, HOSTS.h4.mac);
  t.equal(got!.ipv4!.ttl, 8, 'TTL decremented');
  t.equal(got!.ipv4!.src, HOSTS.h1.ip);
  t.ok(ipChecksumOk(raw), 'header checksum updated');
  t.equal(l.routing.counters().held, 1);
  t.equal(l.routing.counters().resolved, 1);

  // Flows: the FIB entry on s1 (table 1), transit flows on s2 and s3.
  const s1 = l.net.switches.get(1n)!;
  const fib = s1.flows(1).find((f) => f.match.some((m) => m.field === 'ipv4_dst' && m.value === HOSTS.h4.ip));
  t.ok(fib, 'FIB flow for 10.0.3.4/32 on s1');
  t.equal(fib!.priority, 165, 'a /32 forwarding flow: 100 + 2 x 32 + 1');
  t.same(fib!.instructions[0]!.type === 'applyActions' && fib!.instructions[0]!.actions.map((a) => a.type), ['decNwTtl', 'setField', 'setField', 'output']);
  for (const [sw, port] of [[2n, 1], [3n, 3]] as const) {
    const tr = l.net.switches.get(sw)!.trace({ in_port: 2, eth_src: GW3, eth_dst: HOSTS.h4.mac, eth_type: 0x0800 });
    t.same(tr.ports, [port], `transit on s${sw}`);
    t.equal(tr.flows[0]!.priority, 300);
  }

  // The second packet runs entirely in the datapath, rewritten by the flows.
  l.clear();
  const second = l.send('h1', ping('h1', HOSTS.h4.ip, { ttl: 30, seq: 8 }));
  t.same(second.packetIns, {}, 'no packet-in for the second packet');
  t.same(second.delivered, { h4: 1 });
  const [again] = l.received('h4');
  t.equal(again!.ipv4!.ttl, 29);
  t.equal(again!.eth.src, GW3);
  t.equal(again!.eth.dst, HOSTS.h4.mac);
  t.equal(again!.icmp!.seq, 8);
  t.ok(ipChecksumOk(l.net.hosts.get('h4')!.received[0]!));
});

t.test('the reply needs no ARP: the sender was learned from its own packets', async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h4.ip));
  l.clear();
  const back = l.send('h4', ping('h4', HOSTS.h1.ip, { ttl: 64 }));
  t.same(back.packetIns, { 3: 1 }, 'one packet-in at h4\'s switch, none for ARP');
  const [f] = l.received('h1');
  t.equal(f!.eth.src, GW1);
  t.equal(f!.eth.dst, HOSTS.h1.mac);
  t.equal(f!.ipv4!.ttl, 63);
  t.equal(l.received('h4').length, 0, 'no ARP request was flooded');
  l.clear();
  t.same(l.send('h4', ping('h4', HOSTS.h1.ip)).packetIns, {}, 'then in the flows');
});

t.test('a destination on the ingress switch: FIB flow outputs straight to the host', async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h2.ip));
  const [f] = pingsTo(l, 'h2');
  t.equal(f!.eth.src, GW2);
  t.equal(f!.ipv4!.ttl, 63);
  l.clear();
  const r = l.send('h1', ping('h1', HOSTS.h2.ip));
  t.same(r.packetIns, {});
  t.equal(r.linkHops, 0);
  t.same(r.delivered, { h2: 1 });
});

t.test('a destination the topology already knows is not ARPed for', async (t) => {
  const l = lab();
  // h3 talks to h2 in its own subnet (through l2-learning): the topology learns 10.0.2.3.
  l.send('h3', arpRequest('h3', HOSTS.h2.ip));
  t.equal(l.topo.hostByIp(HOSTS.h3.ip)?.mac, HOSTS.h3.mac);
  l.clear();
  l.send('h1', ping('h1', HOSTS.h3.ip));
  t.equal(l.received('h3').filter((f) => f.arp).length, 0, 'no ARP');
  t.equal(pingsTo(l, 'h3').length, 1);
  t.equal(pingsTo(l, 'h3')[0]!.eth.src, GW2);
});

t.test('same-subnet traffic is not touched by the router', async (t) => {
  const l = lab();
  l.send('h2', arpRequest('h2', HOSTS.h3.ip));
  l.send('h3', arpRequest('h3', HOSTS.h2.ip));
  l.clear();
  const frame = ping('h2', HOSTS.h3.ip, { dstMac: HOSTS.h3.mac, ttl: 5 });
  l.send('h2', frame);
  const got = l.net.hosts.get('h3')!.received;
  t.equal(got.length, 1);
  t.same([...got[0]!], [...frame], 'delivered byte for byte (TTL and MACs unchanged)');
  t.equal(l.routing.counters().routed, 0);
});

t.test('held packets: up to maxQueuePerDest per address, released in order', async (t) => {
  const l = lab({ silent: ['h4'], routing: { maxQueuePerDest: 3 } });
  for (let seq = 1; seq <= 5; seq++) l.send('h1', ping('h1', HOSTS.h4.ip, { seq }));
  t.equal(l.routing.stats!().held, 3);
  t.equal(l.routing.stats!().heldDropped, 2);
  t.equal(l.received('h4').filter((f) => f.arp).length, 1, 'one ARP request for five packets');
  // h4 answers late (before the timeout).
  l.send('h4', arpReplyFrame({ sha: HOSTS.h4.mac, spa: HOSTS.h4.ip, tha: GW3, tpa: '10.0.3.1' }));
  t.same(pingsTo(l, 'h4').map((f) => f.icmp!.seq), [1, 2, 3]);
  t.equal(l.routing.stats!().held, 0);
});
