/**
 * IPv6 neighbour and router discovery at the router: solicitations for the gateway addresses
 * (global and the EUI-64 link-local of the router MAC) answered, askers learned, router
 * advertisements to the hosts of each interface only (periodic and solicited), and the
 * interface settings that switch them off or change them.
 */
import t from 'tap';
import { ICMPV6_TYPE } from '../../../protocol/packet/index.js';
import { linkLocalOf } from '../../../apps/routing/ipv6-addr.js';
import { GW1, GW2, HOSTS, ping } from './lab.js';
import { gw6, IFACES6, lab6, ns, ping6, rs, V6 } from './ipv6-lab.js';

t.test('the router link-local address is fe80:: + EUI-64 of the router MAC', async (t) => {
  t.equal(linkLocalOf('0e:00:0a:00:01:01'), 'fe80::c00:aff:fe00:101');
  t.equal(linkLocalOf('02:00:00:00:02:01'), 'fe80::ff:fe00:201');
});

t.test('neighbour solicitation for a gateway address: advertisement from the router MAC, asker learned', async (t) => {
  const l = lab6();
  const r = l.send('h1', ns('h1', gw6('h1')));
  t.same(r.packetIns, { 1: 1 }, 'trapped at the ingress switch');
  const [na] = l.icmp6('h1', ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT);
  t.ok(na, 'an advertisement came back');
  t.equal(na!.eth.src, GW1);
  t.equal(na!.eth.dst, HOSTS.h1.mac);
  t.equal(na!.ipv6!.src, gw6('h1'));
  t.equal(na!.ipv6!.dst, V6.h1);
  t.equal(na!.ipv6!.hopLimit, 255);
  t.same([na!.icmpv6!.target, na!.icmpv6!.targetLinkAddr, na!.icmpv6!.router, na!.icmpv6!.solicited, na!.icmpv6!.override], [gw6('h1'), GW1, true, true, true]);
  t.equal(l.routing.counters().naReplies, 1);
  t.ok(l.routing.neighbors().some((n) => n.ip === V6.h1 && n.mac === HOSTS.h1.mac), 'the asker is a neighbour');
  t.equal(l.received('h4').length, 0, 'the solicitation was not flooded');
});

t.test('solicitation for the link-local gateway, and a DAD probe of a gateway address', async (t) => {
  const l = lab6();
  const ll = linkLocalOf(GW2);
  l.send('h2', ns('h2', ll, { src: linkLocalOf(HOSTS.h2.mac) }));
  const [na] = l.icmp6('h2', ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT);
  t.equal(na!.icmpv6!.target, ll);
  t.equal(na!.ipv6!.src, ll);
  t.equal(na!.ipv6!.dst, linkLocalOf(HOSTS.h2.mac));
  t.equal(l.routing.neighbors().filter((n) => n.ip.startsWith('fe80')).length, 0, 'link-local askers are not routing neighbours');
  l.clear();
  // Duplicate address detection (from ::) for the gateway's address: "it is taken", to all nodes.
  l.send('h2', ns('h2', gw6('h2'), { src: '::' }));
  const [dad] = l.icmp6('h2', ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT);
  t.equal(dad!.ipv6!.dst, 'ff02::1');
  t.equal(dad!.icmpv6!.solicited, false);
});

t.test('a gateway does not answer for another subnet\'s asker', async (t) => {
  const l = lab6();
  l.send('h1', ns('h1', gw6('h2')));
  t.same(l.icmp6('h1', ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT), []);
});

t.test('router advertisements go to the hosts of each interface only, every intervalSec', async (t) => {
  const l = lab6({ routing: { interfaces: IFACES6.map((i) => ({ ...i, ra: { intervalSec: 10, routerLifetimeSec: 30 } })) } });
  // The hosts are seen with their IPv4 addresses (which put them in a subnet).
  for (const h of ['h1', 'h2', 'h4'] as const) l.send(h, ping(h, HOSTS[h].ip.replace(/\.\d+$/, '.1')));
  l.advance(1_000);
  const ras = (name: string) => l.icmp6(name, ICMPV6_TYPE.ROUTER_ADVERTISEMENT);
  const [ra1] = ras('h1');
  t.ok(ra1, 'h1 got an advertisement within a tick');
  t.equal(ras('h1').length, 1, 'just one');
  t.equal(ra1!.eth.src, GW1);
  t.equal(ra1!.ipv6!.src, linkLocalOf(GW1));
  t.equal(ra1!.ipv6!.dst, 'ff02::1');
  t.equal(ra1!.ipv6!.hopLimit, 255);
  t.equal(ra1!.icmpv6!.routerLifetime, 30);
  t.equal(ra1!.icmpv6!.sourceLinkAddr, GW1);
  t.same(ra1!.icmpv6!.prefixes, [{ prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 }]);
  t.same(ras('h2').map((f) => f.icmpv6!.prefixes![0]!.prefix), ['2001:db8:2::'], 'h2 only its own subnet\'s');
  t.same(ras('h4').map((f) => f.icmpv6!.prefixes![0]!.prefix), ['2001:db8:3::']);
  t.same(ras('h3'), [], 'h3 has not been seen: no advertisement on its port yet');
  l.clear();
  l.advance(8_000);
  t.same(ras('h1'), [], 'nothing before the interval');
  l.advance(2_000);
  t.equal(ras('h1').length, 1, 'the next round');
});

t.test('router solicitation answered on the asking port; unknown host with several interfaces: no answer', async (t) => {
  const l = lab6();
  l.send('h3', rs('h3'));
  t.same(l.icmp6('h3', ICMPV6_TYPE.ROUTER_ADVERTISEMENT), [], 'h3 unknown: which subnet is ambiguous');
  l.send('h3', ping('h3', '10.0.2.1'));
  l.clear();
  l.send('h3', rs('h3'));
  const [ra] = l.icmp6('h3', ICMPV6_TYPE.ROUTER_ADVERTISEMENT);
  t.equal(ra!.ipv6!.dst, linkLocalOf(HOSTS.h3.mac), 'to the asker');
  t.equal(ra!.eth.dst, HOSTS.h3.mac);
  t.equal(ra!.icmpv6!.prefixes![0]!.prefix, '2001:db8:2::');
  t.equal(l.received('h2').filter((f) => f.icmpv6?.type === ICMPV6_TYPE.ROUTER_ADVERTISEMENT).length, 0, 'h2 (same subnet, other port) got none');
});

t.test('ra.enabled false, an MTU, and a non-/64 prefix in the advertisement', async (t) => {
  const l = lab6({
    routing: {
      interfaces: [
        { address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64', 'fd00:1::1/56'], mtu: 1400 },
        { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64'], ra: { enabled: false } },
        { address: '10.0.3.1/24' },
      ],
    },
  });
  for (const h of ['h1', 'h2'] as const) l.send(h, ping(h, HOSTS[h].ip.replace(/\.\d+$/, '.1')));
  l.advance(1_000);
  const [ra] = l.icmp6('h1', ICMPV6_TYPE.ROUTER_ADVERTISEMENT);
  t.equal(ra!.icmpv6!.linkMtu, 1400);
  t.same(ra!.icmpv6!.prefixes!.map((p) => [p.prefix, p.prefixLength, p.autonomous]), [['2001:db8:1::', 64, true], ['fd00:1::', 56, false]], 'SLAAC only for the /64');
  t.same(l.icmp6('h2', ICMPV6_TYPE.ROUTER_ADVERTISEMENT), [], 'advertisements off on 10.0.2.1');
  // The neighbour machinery still works without advertisements.
  l.send('h2', ns('h2', '2001:db8:2::1'));
  t.equal(l.icmp6('h2', ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT).length, 1);
});

t.test('echo to the gateway address and to its link-local address', async (t) => {
  const l = lab6();
  l.send('h1', ping6('h1', gw6('h1'), { seq: 3 }));
  const [rep] = l.icmp6('h1', ICMPV6_TYPE.ECHO_REPLY);
  t.equal(rep!.ipv6!.src, gw6('h1'));
  t.equal(rep!.icmpv6!.seq, 3);
  t.equal(rep!.eth.src, GW1);
  l.clear();
  l.send('h1', ping6('h1', linkLocalOf(GW1), { src: linkLocalOf(HOSTS.h1.mac), seq: 4 }));
  const [rep2] = l.icmp6('h1', ICMPV6_TYPE.ECHO_REPLY);
  t.equal(rep2!.ipv6!.src, linkLocalOf(GW1));
  t.equal(rep2!.ipv6!.dst, linkLocalOf(HOSTS.h1.mac));
});

t.test('an interface deleted: its hosts get a last advertisement with router lifetime 0', async (t) => {
  const l = lab6();
  for (const h of ['h1', 'h2'] as const) l.send(h, ping(h, HOSTS[h].ip.replace(/\.\d+$/, '.1')));
  l.advance(1_000);
  l.clear();
  await l.host.command('routing', 'deleteInterface', { address: '10.0.1.1' });
  l.net.pump();
  const [bye] = l.icmp6('h1', ICMPV6_TYPE.ROUTER_ADVERTISEMENT);
  t.ok(bye, 'h1 was told');
  t.equal(bye!.icmpv6!.routerLifetime, 0, 'no longer a default router');
  t.same(bye!.icmpv6!.prefixes!.map((p) => [p.prefix, p.preferredLifetime]), [['2001:db8:1::', 0]], 'the prefix deprecated');
  t.same(l.icmp6('h2', ICMPV6_TYPE.ROUTER_ADVERTISEMENT), [], 'h2 (another interface) was not');
  l.advance(40_000);
  t.same(l.icmp6('h1', ICMPV6_TYPE.ROUTER_ADVERTISEMENT), [bye], 'and nothing more for the deleted interface');
  t.ok(l.icmp6('h2', ICMPV6_TYPE.ROUTER_ADVERTISEMENT).length > 0, 'the others go on');
});
