/**
 * IPv6 routing between prefixes on the fake network: resolution by neighbour solicitation from
 * the gateway, the held packet released rewritten (MACs, hop limit - 1), the /128 flow doing the
 * same in the datapath, static IPv6 routes, and the ICMPv6 errors: time exceeded (controller
 * path and INVALID_TTL from a flow), no route, address unreachable, port unreachable, packet
 * too big; link-local traffic is never routed.
 */
import t from 'tap';
import { OFPR } from '../../../protocol/index.js';
import { buildEthernet, buildIcmpv6Error, buildIpv6, ETH_TYPE, ICMPV6_TYPE, IP_PROTO, parseIpPacket } from '../../../protocol/packet/index.js';
import { GW1, GW3, HOSTS } from './lab.js';
import { gw6, lab6, ping6, udp6, V6 } from './ipv6-lab.js';
import { linkLocalOf } from '../../../apps/routing/ipv6-addr.js';

const pingsTo = (l: ReturnType<typeof lab6>, name: string) => l.icmp6(name, ICMPV6_TYPE.ECHO_REQUEST);

t.test('h1 -> h4: solicitation from the gateway, held packet released, then the datapath', async (t) => {
  const l = lab6();
  const r = l.send('h1', ping6('h1', V6.h4, { hopLimit: 9 }));
  const asked = l.icmp6('h4', ICMPV6_TYPE.NEIGHBOR_SOLICITATION);
  t.equal(asked.length, 1, 'one solicitation reached h4');
  t.equal(asked[0]!.icmpv6!.target, V6.h4);
  t.equal(asked[0]!.ipv6!.src, gw6('h4'), 'from the gateway address of h4\'s prefix');
  t.equal(asked[0]!.ipv6!.dst, 'ff02::1:ff00:34', 'to the solicited-node group');
  t.equal(asked[0]!.eth.dst, '33:33:ff:00:00:34');
  t.equal(asked[0]!.icmpv6!.sourceLinkAddr, GW3);
  t.equal(r.linkHops, 0, 'out of edge ports only');
  const [got] = pingsTo(l, 'h4');
  t.ok(got, 'h4 got the ping once it answered');
  t.equal(got!.eth.src, GW3);
  t.equal(got!.eth.dst, HOSTS.h4.mac);
  t.equal(got!.ipv6!.hopLimit, 8, 'hop limit decremented');
  t.equal(got!.ipv6!.src, V6.h1);
  t.equal(l.routing.counters().nsRequests, 1);
  const fib = l.net.switches.get(1n)!.flows(1).find((f) => f.match.some((m) => m.field === 'ipv6_dst' && m.value === V6.h4));
  t.ok(fib, 'a /128 flow for h4 on s1');
  t.equal(fib!.priority, 100 + 2 * 128 + 1);
  t.same(fib!.instructions[0]!.type === 'applyActions' && fib!.instructions[0]!.actions.map((a) => a.type), ['decNwTtl', 'setField', 'setField', 'output']);

  l.clear();
  const second = l.send('h1', ping6('h1', V6.h4, { hopLimit: 30, seq: 2 }));
  t.same(second.packetIns, {}, 'no packet-in for the second packet');
  const [again] = pingsTo(l, 'h4');
  t.equal(again!.ipv6!.hopLimit, 29, 'decremented by the flow');
  t.equal(again!.eth.src, GW3);
  t.ok(l.routing.neighbors().some((n) => n.ip === V6.h4 && n.mac === HOSTS.h4.mac), 'h4 learned from its advertisement');

  // The reply needs no solicitation: h1 was learned from its packet.
  l.clear();
  l.send('h4', ping6('h4', V6.h1, { seq: 3 }));
  const [back] = pingsTo(l, 'h1');
  t.equal(back!.eth.src, GW1);
  t.equal(l.icmp6('h1', ICMPV6_TYPE.NEIGHBOR_SOLICITATION).length, 0);
});

t.test('hop limit 1: time exceeded from the sender\'s gateway, first from the controller then from a flow', async (t) => {
  const l = lab6();
  l.send('h1', ping6('h1', V6.h4, { hopLimit: 1 }));
  const [e] = l.icmp6('h1', ICMPV6_TYPE.TIME_EXCEEDED);
  t.equal(e!.ipv6!.src, gw6('h1'), 'traceroute6 shows the gateway address');
  t.equal(e!.eth.src, GW1);
  t.equal(parseIpPacket(e!.icmpv6!.original!).ipv6!.dst, V6.h4, 'quotes the packet');
  t.same(pingsTo(l, 'h4'), []);
  l.send('h1', ping6('h1', V6.h4, { seq: 2 }));
  l.clear();
  const s1 = l.net.switches.get(1n)!;
  const reasons: number[] = [];
  const receive = s1.receive.bind(s1);
  s1.receive = (m) => {
    if (m.type === 'packetIn') reasons.push(m.reason, m.tableId);
    receive(m);
  };
  const r = l.send('h1', ping6('h1', V6.h4, { hopLimit: 1, seq: 3 }));
  t.same(r.packetIns, { 1: 1 }, 'the flow sent it up');
  t.same(reasons, [OFPR.INVALID_TTL, 1], 'from the /128 flow in table 1, reason INVALID_TTL');
  const [e2] = l.icmp6('h1', ICMPV6_TYPE.TIME_EXCEEDED);
  t.ok(e2, 'time exceeded for the packet the flow sent up');
  t.equal(parseIpPacket(e2!.icmpv6!.original!).icmpv6!.seq, 3);
  t.same(pingsTo(l, 'h4'), [], 'not forwarded');
  t.equal(l.routing.counters().timeExceeded, 2);
});

t.test('no route, unknown address, UDP to the gateway, link-local destinations', async (t) => {
  const l = lab6({ silent6: ['h4'] });
  l.send('h1', ping6('h1', '2001:db8:99::1'));
  const [nr] = l.icmp6('h1', ICMPV6_TYPE.DEST_UNREACHABLE);
  t.same([nr!.icmpv6!.code, nr!.ipv6!.src], [0, gw6('h1')], 'no route to destination');
  l.clear();
  l.send('h1', ping6('h1', V6.h4));
  t.same(l.icmp6('h1', ICMPV6_TYPE.DEST_UNREACHABLE), [], 'held while asking');
  l.advance(3_000);
  const [au] = l.icmp6('h1', ICMPV6_TYPE.DEST_UNREACHABLE);
  t.equal(au!.icmpv6!.code, 3, 'address unreachable after the attempts');
  t.equal(l.icmp6('h4', ICMPV6_TYPE.NEIGHBOR_SOLICITATION).length, 3, 'three solicitations');
  l.clear();
  l.send('h2', udp6('h2', gw6('h2')));
  const [pu] = l.icmp6('h2', ICMPV6_TYPE.DEST_UNREACHABLE);
  t.same([pu!.icmpv6!.code, pu!.ipv6!.src], [4, gw6('h2')], 'port unreachable: the end of a UDP traceroute6 to the gateway');
  l.clear();
  l.send('h1', ping6('h1', linkLocalOf(HOSTS.h4.mac)));
  t.same(pingsTo(l, 'h4'), [], 'a link-local destination is not routed');
  l.send('h1', ping6('h1', V6.h3, { src: linkLocalOf(HOSTS.h1.mac) }));
  const [scope] = l.icmp6('h1', ICMPV6_TYPE.DEST_UNREACHABLE);
  t.equal(scope!.icmpv6!.code, 2, 'a link-local source: beyond scope');
  t.same(pingsTo(l, 'h3'), []);
});

t.test('ICMPv6 errors are never sent about ICMPv6 errors', async (t) => {
  const l = lab6();
  const quoted = buildIpv6({ src: V6.h4, dst: V6.h1, nextHeader: 17, hopLimit: 3 }, new Uint8Array(8));
  const err = buildIcmpv6Error({ type: ICMPV6_TYPE.DEST_UNREACHABLE, code: 4, original: quoted, src: V6.h1, dst: V6.h4 });
  const frame = (hopLimit: number, dst: string) => buildEthernet({ dst: GW1, src: HOSTS.h1.mac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src: V6.h1, dst, nextHeader: IP_PROTO.ICMPV6, hopLimit }, err));
  const dropped = l.routing.counters().dropped;
  l.send('h1', frame(1, V6.h4));
  l.send('h1', frame(64, '2001:db8:99::1'));
  t.same(l.icmp6('h1').filter((f) => f.icmpv6!.type < 128), [], 'no time exceeded, no unreachable');
  t.equal(l.routing.counters().dropped, dropped + 2);
  t.equal(l.routing.counters().timeExceeded + l.routing.counters().netUnreachable, 0);
  // The same expiring as an echo request does get its error.
  l.send('h1', ping6('h1', V6.h4, { hopLimit: 1 }));
  t.equal(l.icmp6('h1', ICMPV6_TYPE.TIME_EXCEEDED).length, 1);
});

t.test('packet too big towards an interface with an MTU; no flow there, every packet checked', async (t) => {
  const l = lab6({
    routing: {
      interfaces: [
        { address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] },
        { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64'] },
        { address: '10.0.3.1/24', ipv6: ['2001:db8:3::1/64'], mtu: 1280 },
      ],
    },
  });
  l.send('h1', ping6('h1', V6.h4, { size: 1300 }));
  const [ptb] = l.icmp6('h1', ICMPV6_TYPE.PACKET_TOO_BIG);
  t.ok(ptb, 'packet too big');
  t.equal(ptb!.icmpv6!.mtu, 1280);
  t.equal(ptb!.ipv6!.src, gw6('h1'));
  t.ok(ptb!.ipv6!.payloadLength + 40 <= 1280, 'the error itself fits the minimum MTU');
  t.same(pingsTo(l, 'h4'), []);
  l.clear();
  l.send('h1', ping6('h1', V6.h4, { size: 1000 }));
  t.equal(pingsTo(l, 'h4').length, 1, 'a packet within the MTU is routed');
  t.notOk(l.net.switches.get(1n)!.flows(1).some((f) => f.match.some((m) => m.field === 'ipv6_dst' && m.value === V6.h4)), 'no /128 flow towards the MTU interface');
  l.clear();
  const r = l.send('h1', ping6('h1', V6.h4, { size: 1300, seq: 5 }));
  t.same(r.packetIns, { 1: 1 }, 'the next big packet comes up again');
  t.equal(l.icmp6('h1', ICMPV6_TYPE.PACKET_TOO_BIG).length, 1);
  t.equal(l.routing.counters().packetTooBig, 2);
  // Towards the other interfaces flows are installed as usual.
  l.send('h1', ping6('h1', V6.h2));
  t.ok(l.net.switches.get(1n)!.flows(1).some((f) => f.match.some((m) => m.field === 'ipv6_dst' && m.value === V6.h2)));
});

t.test('static IPv6 route via a router host', async (t) => {
  const l = lab6();
  const add = (await l.host.command('routing', 'addRoute', { prefix: '2001:db8:9::/48', nextHop: V6.r })) as { state: string };
  l.advance(1_000);
  t.ok(['resolving', 'resolved'].includes(add.state));
  const route = l.routing.routesTable().find((x) => x.prefix === '2001:db8:9::/48');
  t.equal(route?.state, 'resolved', 'the next hop answered the solicitation');
  l.clear();
  l.send('h1', ping6('h1', '2001:db8:9::5', { hopLimit: 20 }));
  const [got] = pingsTo(l, 'r');
  t.ok(got, 'the router host got it');
  t.equal(got!.eth.dst, HOSTS.r.mac);
  t.equal(got!.ipv6!.dst, '2001:db8:9::5');
  t.equal(got!.ipv6!.hopLimit, 19);
  const flow = l.net.switches.get(1n)!.flows(1).find((f) => f.priority === 100 + 2 * 48 + 1);
  t.ok(flow, 'the route\'s forwarding flow at /48 priority');
  t.ok(l.net.switches.get(1n)!.flows(1).some((f) => f.priority === 100 + 2 * 48), 'and its guard');
  const del = (await l.host.command('routing', 'deleteRoute', { prefix: '2001:db8:9::/48' })) as { prefix: string };
  t.equal(del.prefix, '2001:db8:9::/48');
  l.clear();
  l.send('h1', ping6('h1', '2001:db8:9::5'));
  t.equal(l.icmp6('h1', ICMPV6_TYPE.DEST_UNREACHABLE)[0]?.icmpv6?.code, 0, 'no route once deleted');
});
