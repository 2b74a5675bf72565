/**
 * Static routes: next hop resolved by ARP, longest prefix match (in the controller and in the
 * switch's FIB priorities), unresolved next hops, removal.
 */
import t from 'tap';
import { ICMP_TYPE } from '../../../protocol/packet/index.js';
import { KIND } from '../../../apps/routing/index.js';
import { GW3, HOSTS, lab, ping } from './lab.js';
import type { Lab } from './lab.js';

/** Flows of the routing app's static-route kind in table 1 of a switch. */
const routeFlows = (l: Lab, sw: bigint) => {
  const base = l.host.apps().find((a) => a.name === 'routing')!.cookieBase;
  return l.net.switches.get(sw)!.flows(1).filter((f) => f.cookie === base + BigInt(KIND.route));
};
const forwarding = (l: Lab, sw: bigint) => routeFlows(l, sw).filter((f) => f.priority % 2 === 1);
const cmd = (l: Lab, name: string, args?: unknown) => l.host.command('routing', name, args);
const pings = (l: Lab, name: string) => l.received(name).filter((f) => f.icmp?.type === ICMP_TYPE.ECHO_REQUEST);
const errors = (l: Lab, name: string) => l.received(name).filter((f) => f.icmp?.type === ICMP_TYPE.DEST_UNREACHABLE);

t.test('a route via a router host: resolved by ARP, then forwarded to the next hop\'s MAC', async (t) => {
  const l = lab();
  const added = (await cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip })) as { state: string };
  t.equal(added.state, 'resolving');
  l.host.tick();
  l.answer(l.net.pump());
  const view = (cmd(l, 'routes') as { prefix: string; state: string; mac?: string }[]).find((r) => r.prefix === '10.0.9.0/24')!;
  t.equal(view.state, 'resolved', 'r answered the ARP for its address');
  t.equal(view.mac, HOSTS.r.mac);

  l.clear();
  const first = l.send('h1', ping('h1', '10.0.9.5', { ttl: 12 }));
  t.same(first.packetIns, { 1: 1 }, 'no ARP needed: one packet-in');
  const [f] = pings(l, 'r');
  t.equal(f!.eth.dst, HOSTS.r.mac, 'to the next hop');
  t.equal(f!.eth.src, GW3);
  t.equal(f!.ipv4!.dst, '10.0.9.5', 'destination address unchanged');
  t.equal(f!.ipv4!.ttl, 11);
  // One FIB flow for the whole prefix: another address of it needs no packet-in.
  l.clear();
  const second = l.send('h1', ping('h1', '10.0.9.200'));
  t.same(second.packetIns, {});
  t.same(second.delivered, { r: 1 });
  const [fib] = forwarding(l, 1n);
  t.equal(fib!.priority, 149, '100 + 2 x 24 + 1');
  t.same(fib!.match.find((m) => m.field === 'ipv4_dst'), { field: 'ipv4_dst', value: '10.0.9.0', mask: '255.255.255.0' });
  t.same(routeFlows(l, 2n).map((f) => f.priority), [148], 'other switches: the guard only');
});

t.test('a resolving route that resolves keeps its guard (no delete and add again)', async (t) => {
  const l = lab();
  await cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  l.net.pump();
  const [guard] = routeFlows(l, 2n);
  t.equal(guard?.priority, 148, 'the guard went out with the route');
  // r answers the ARP half a second later.
  l.clock.advance(500);
  l.answer(l.net.pump());
  t.equal((cmd(l, 'routes') as { prefix: string; state: string }[]).find((r) => r.prefix === '10.0.9.0/24')!.state, 'resolved');
  t.same(routeFlows(l, 2n).map((f) => [f.priority, f.installedAt]), [[148, guard!.installedAt]], 'the same guard, installed once');
});

t.test('next hops: attempts that reach no port do not count, and they start over when a switch comes up', async (t) => {
  const state = (l: Lab) => (cmd(l, 'routes') as { prefix: string; state: string }[]).find((r) => r.prefix === '10.0.9.0/24')!.state;
  // A route restored at a start, before any switch connects: no attempt is wasted on nobody.
  const early = lab({ connectLater: true });
  await cmd(early, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  early.advance(5_000);
  t.equal(state(early), 'resolving', 'no switch: attempts do not count');
  early.connect();
  early.advance(9_000);
  t.equal(state(early), 'resolved', 'attempts that reached no port (ports not settled yet) did not count');
  // The next hop's switch connects after the last attempt went out, before it timed out.
  const late = lab({ connectLater: true, topology: { settleMs: 0 } });
  late.connect([1n]);
  await cmd(late, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  late.advance(2_000);
  late.clock.advance(500);
  late.connect([2n, 3n]);
  late.advance(1_000);
  t.equal(state(late), 'resolved', 'the attempts start over when a switch comes up');
});

t.test('longest prefix wins: default route and a more specific one', async (t) => {
  const l = lab();
  cmd(l, 'addRoute', { prefix: '0.0.0.0/0', nextHop: HOSTS.h4.ip });
  cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  l.advance(1_000);
  l.clear();
  l.send('h1', ping('h1', '10.0.8.1'));
  l.send('h1', ping('h1', '10.0.9.1'));
  t.same(pings(l, 'h4').map((f) => f.ipv4!.dst), ['10.0.8.1'], 'default route');
  t.same(pings(l, 'r').map((f) => f.ipv4!.dst), ['10.0.9.1'], '/24');
  // In the switch: both FIB flows, the /24 above the /0.
  l.clear();
  l.send('h1', ping('h1', '10.0.9.2'));
  l.send('h1', ping('h1', '203.0.113.9'));
  t.same(pings(l, 'r').map((f) => f.ipv4!.dst), ['10.0.9.2']);
  t.same(pings(l, 'h4').map((f) => f.ipv4!.dst), ['203.0.113.9']);
  // A connected host still wins over the default route (its subnet flow goes to the controller).
  l.clear();
  l.send('h1', ping('h1', HOSTS.h3.ip));
  t.equal(pings(l, 'h3').length, 1);
  t.equal(pings(l, 'h4').length, 0);
});

t.test('route removal: its flows go, the next packet gets net unreachable', async (t) => {
  const l = lab();
  cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  l.advance(1_000);
  l.send('h1', ping('h1', '10.0.9.5'));
  t.equal(forwarding(l, 1n).length, 1);
  const removed = (await cmd(l, 'deleteRoute', { prefix: '10.0.9.0/24' })) as { prefix: string };
  t.equal(removed.prefix, '10.0.9.0/24');
  l.answer(l.net.pump());
  t.same([1n, 2n, 3n].map((sw) => routeFlows(l, sw).length), [0, 0, 0], 'route flows and guards deleted on every switch');
  l.clear();
  l.send('h1', ping('h1', '10.0.9.5'));
  t.equal(pings(l, 'r').length, 0);
  const [e] = errors(l, 'h1');
  t.equal(e!.icmp!.code, 0);
  t.equal(e!.ipv4!.src, '10.0.1.1');
});

t.test('a next hop that does not answer: the route becomes unresolved (and is skipped), then recovers', async (t) => {
  const l = lab({ silent: ['r'], routing: { routeRetryMs: 5_000 } });
  cmd(l, 'addRoute', { prefix: '0.0.0.0/0', nextHop: HOSTS.h4.ip });
  cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: HOSTS.r.ip });
  l.send('h1', ping('h1', '10.0.9.7', { seq: 1 }));
  const state = () => (cmd(l, 'routes') as { prefix: string; state: string }[]).find((r) => r.prefix === '10.0.9.0/24')!.state;
  t.equal(state(), 'resolving');
  l.advance(3_000);
  t.equal(state(), 'unresolved');
  const [held] = errors(l, 'h1');
  t.equal(held!.icmp!.code, 1, 'the packet held for the next hop: host unreachable');
  // Unresolved: the less specific default route takes the traffic.
  l.clear();
  l.send('h1', ping('h1', '10.0.9.7', { seq: 2 }));
  t.same(pings(l, 'h4').map((f) => f.icmp!.seq), [2]);
  t.same(routeFlows(l, 2n).map((f) => f.priority), [100], 'only the default route\'s guard: the /24 has none while unresolved');
  // r speaks again (a packet through the router): the /24 is resolved and used again.
  l.clear();
  l.send('r', ping('r', HOSTS.h4.ip, { dstMac: GW3 }));
  t.equal(state(), 'resolved', 'learned from the next hop\'s own packet');
  l.clear();
  l.send('h1', ping('h1', '10.0.9.7', { seq: 3 }));
  t.same(pings(l, 'r').map((f) => f.icmp!.seq), [3]);
  t.equal(pings(l, 'h4').length, 0, 'the default route\'s flow was flushed when the /24 came back');
});

t.test('unresolved route retried every routeRetryMs', async (t) => {
  const l = lab({ routing: { routeRetryMs: 5_000 } });
  cmd(l, 'addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.3.50' });
  l.advance(3_000);
  const arpsFor = () => l.received('h4').filter((f) => f.arp?.tpa === '10.0.3.50').length;
  t.equal(arpsFor(), 3);
  l.clear();
  l.advance(4_000);
  t.equal(arpsFor(), 0);
  l.advance(1_000);
  t.equal(arpsFor(), 1, 'asked again, routeRetryMs after it failed');
  l.advance(1_000);
  t.equal(arpsFor(), 2, 'a new round of attempts');
});
