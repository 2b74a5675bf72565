/**
 * The router as a gateway: base flows and SET_ASYNC at switch up, ARP replies for gateway
 * addresses, echo replies, port unreachable for other traffic to the router.
 */
import t from 'tap';
import { OFPR } from '../../../protocol/index.js';
import { ARP_OP, ICMP_TYPE, parseFrame } from '../../../protocol/packet/index.js';
import { KIND } from '../../../apps/routing/index.js';
import { arpRequest, GW1, GW2, HOSTS, ipChecksumOk, lab, ping, udp } from './lab.js';

t.test('switch up: SET_ASYNC with INVALID_TTL, trap flows in table 0, FIB base in table 1', async (t) => {
  const l = lab();
  const s2 = l.net.switches.get(2n)!;
  const async = s2.sentOfType('setAsync');
  t.equal(async.length, 1);
  t.same(async[0]!.packetInMask, [1 << OFPR.NO_MATCH | 1 << OFPR.ACTION | 1 << OFPR.INVALID_TTL, 0]);
  const app = l.host.apps().find((a) => a.name === 'routing')!;
  const ours = (k: number) => s2.flows().filter((f) => f.cookie === app.cookieBase + BigInt(k));
  // Per MAC: ARP to controller, IPv4 goto table 1, the rest dropped; per gateway: ARP for it.
  t.equal(ours(KIND.trap).length, 3 * 3 + 3);
  // Table 1: miss, and per interface its /32 and its subnet to the controller.
  t.equal(ours(KIND.fib).length, 1 + 3 * 2);
  t.ok(ours(KIND.fib).every((f) => f.tableId === 1));
  const trace = s2.trace({ in_port: 3, eth_src: HOSTS.h3.mac, eth_dst: GW2, eth_type: 0x0800, ipv4_src: HOSTS.h3.ip, ipv4_dst: '10.0.1.77', ip_proto: 1 });
  t.same(trace.flows.map((f) => f.tableId), [0, 1], 'frames to the router MAC go through the routing table');
  t.ok(trace.toController, 'an unresolved host of a connected subnet goes to the controller');
});

t.test('ARP for the gateway is answered out of the port it came in on', async (t) => {
  const l = lab();
  const r = l.send('h1', arpRequest('h1', '10.0.1.1'));
  t.same(r.packetIns, { 1: 1 }, 'one packet-in, at the first switch');
  t.same(Object.keys(r.delivered), ['h1'], 'not flooded: only the asker gets an answer');
  const [f] = l.received('h1');
  t.equal(f!.arp!.op, ARP_OP.REPLY);
  t.equal(f!.arp!.sha, GW1);
  t.equal(f!.arp!.spa, '10.0.1.1');
  t.equal(f!.arp!.tpa, HOSTS.h1.ip);
  t.equal(f!.eth.dst, HOSTS.h1.mac);
  t.equal(f!.eth.src, GW1);
  t.equal(l.routing.counters().arpReplies, 1);

  // A gateway of another subnet does not answer a host of this one (no proxy ARP).
  l.clear();
  const other = l.send('h1', arpRequest('h1', '10.0.2.1'));
  t.same(other.delivered, {}, 'no answer for 10.0.2.1 from 10.0.1.2');
  t.equal(l.routing.counters().arpReplies, 1);

  // The asker is now a known neighbour, where it asked from.
  t.same(l.routing.neighbors().map((n) => [n.ip, n.mac, n.dpid, n.port]), [[HOSTS.h1.ip, HOSTS.h1.mac, '0000000000000001', 3]]);
});

t.test('echo requests to a gateway address get echo replies', async (t) => {
  const l = lab();
  const data = Uint8Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff);
  const r = l.send('h3', ping('h3', '10.0.2.1', { id: 0x3131, seq: 17, data }));
  t.same(r.packetIns, { 2: 1 });
  const [f] = l.received('h3');
  const raw = l.net.hosts.get('h3')!.received[0]!;
  t.equal(f!.eth.src, GW2);
  t.equal(f!.eth.dst, HOSTS.h3.mac);
  t.equal(f!.ipv4!.src, '10.0.2.1');
  t.equal(f!.ipv4!.dst, HOSTS.h3.ip);
  t.equal(f!.icmp!.type, ICMP_TYPE.ECHO_REPLY);
  t.equal(f!.icmp!.id, 0x3131);
  t.equal(f!.icmp!.seq, 17);
  t.same([...raw.subarray(14 + 20 + 8, 14 + 20 + 8 + 40)], [...data], 'payload echoed');
  t.ok(ipChecksumOk(raw));

  // Another gateway address of the router answers too (its address, through this subnet's MAC).
  l.clear();
  l.send('h3', ping('h3', '10.0.3.1'));
  const [g] = l.received('h3');
  t.equal(g!.ipv4!.src, '10.0.3.1');
  t.equal(g!.eth.src, GW2, 'sent from the MAC the host addressed');
  t.equal(l.routing.counters().echoReplies, 2);
});

t.test('UDP to a gateway address: ICMP port unreachable (the end of a traceroute to it)', async (t) => {
  const l = lab();
  l.send('h1', udp('h1', '10.0.1.1', { dstPort: 33435 }));
  const [f] = l.received('h1');
  t.equal(f!.icmp!.type, ICMP_TYPE.DEST_UNREACHABLE);
  t.equal(f!.icmp!.code, 3);
  t.equal(f!.ipv4!.src, '10.0.1.1');
  const quoted = parseFrame(new Uint8Array([...new Uint8Array(14).fill(0).map((_, i) => (i === 12 ? 8 : 0)), ...f!.icmp!.original!]));
  t.equal(quoted.ipv4!.dst, '10.0.1.1', 'the error quotes the probe');
  t.equal(quoted.udp!.dstPort, 33435);
});
