/**
 * IPv6 configuration: interface IPv6 addresses, MTU and router-advertisement settings and
 * static IPv6 routes, refused at start with the entry named, and over REST (real HTTP against
 * weft started in-process) with 400s naming the field; the views show the IPv6 side, and the
 * flows follow (NS trap, goto routing table, prefix guards); what was added at run time is
 * restored from the state store.
 */
import t from 'tap';
import { Writable } from 'node:stream';
import { defaultConfig } from '../../../src/config/index.js';
import type { WeftConfig } from '../../../src/config/index.js';
import { startWeft } from '../../../src/main.js';
import { freePort } from '../../support/weft-process.js';
import { http } from '../../rest/rig.js';
import { createRoutingApp } from '../../../apps/routing/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { makeHost } from '../../host/helpers.js';
import { memoryAppState } from '../../../apps/sdk/index.js';
import { lab6 } from './ipv6-lab.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const start = (options: Record<string, unknown>) => makeHost([createTopologyApp({}), createRoutingApp(options)]).host;
const iface = (more: Record<string, unknown>) => ({ interfaces: [{ address: '10.0.1.1/24', ...more }] });

t.test('options: bad IPv6 settings stop the start, naming the entry and field', async (t) => {
  t.throws(() => start(iface({ ipv6: '2001:db8::1/64' })), /interfaces\[0\]: ipv6: expected a list/);
  t.throws(() => start(iface({ ipv6: ['2001:db8::1'] })), /ipv6: "2001:db8::1" has no prefix length/);
  t.throws(() => start(iface({ ipv6: ['10.0.2.1/24'] })), /ipv6: "10\.0\.2\.1\/24" is not an IPv6 address/);
  t.throws(() => start(iface({ ipv6: ['fe80::1/64'] })), /ipv6: fe80::1 is link-local/);
  t.throws(() => start(iface({ ipv6: ['ff02::1/64'] })), /not a global or unique-local unicast/);
  t.throws(() => start(iface({ ipv6: ['2001:db8::/64'] })), /subnet-router anycast/);
  t.throws(() => start(iface({ ipv6: ['2001:db8::1/128'] })), /prefix length \/128 .* out of range/);
  t.throws(() => start(iface({ ipv6: ['2001:db8::1/64', '2001:db8::2/48'] })), /prefix 2001:db8::\/48 overlaps 2001:db8::\/64 of this interface/);
  t.throws(
    () => start({ interfaces: [{ address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] }, { address: '10.0.2.1/24', ipv6: ['2001:db8:1::2/64'] }] }),
    /interfaces\[1\]: ipv6: prefix 2001:db8:1::\/64 overlaps 2001:db8:1::\/64 of 10\.0\.1\.1\/24/,
  );
  t.throws(() => start(iface({ mtu: 1000 })), /mtu: 1000 is not an integer in 1280-65535/);
  t.throws(() => start(iface({ ra: { intervalSec: 0 } })), /ra\.intervalSec: 0 is not an integer in 1-1800/);
  t.throws(() => start(iface({ ra: { enabled: 'yes' } })), /ra\.enabled: expected true or false/);
  t.throws(() => start(iface({ ra: { often: true } })), /ra\.often: unknown/);
  t.throws(() => start(iface({ ra: { preferredLifetimeSec: 100, validLifetimeSec: 50 } })), /ra\.preferredLifetimeSec: 100 exceeds ra\.validLifetimeSec 50/);
  t.throws(() => start(iface({ ra: { intervalSec: 60, routerLifetimeSec: 30 } })), /routerLifetimeSec: 30 s is shorter than ra\.intervalSec/);
  t.throws(() => start({ address: '2001:db8::1/64' }), /unknown/);
  t.throws(() => start({ interfaces: [{ address: '2001:db8::1/64' }] }), /is not IPv4 \(IPv6 addresses go in "ipv6"/);
  const withV6 = { interfaces: [{ address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] }] };
  t.throws(() => start({ ...withV6, routes: [{ prefix: '2001:db8:9::/48', nextHop: '10.0.1.5' }] }), /routes\[0\]: nextHop: "10\.0\.1\.5" is not an IPv6 address/);
  t.throws(() => start({ ...withV6, routes: [{ prefix: '2001:db8:9::/48', nextHop: '2001:db8:7::5' }] }), /nextHop: 2001:db8:7::5 is not in any connected IPv6 prefix \(2001:db8:1::\/64\)/);
  t.throws(() => start({ ...withV6, routes: [{ prefix: '2001:db8:9::1/48', nextHop: '2001:db8:1::5' }] }), /prefix: .*host bits set/);
  t.throws(() => start({ ...withV6, routes: [{ prefix: '2001:db8:1:0:8000::/65', nextHop: '2001:db8:1::5' }] }), /lies inside connected prefix 2001:db8:1::\/64/);
  t.throws(() => start({ ...withV6, routes: [{ prefix: '::/0', nextHop: '2001:db8:1::1' }] }), /the router's own address/);
  t.throws(() => start({ ...withV6, routes: [{ prefix: '::/0', nextHop: 'fe80::1' }] }), /link-local/);
  t.doesNotThrow(() => start({ ...withV6, routes: [{ prefix: '::/0', nextHop: '2001:db8:1::fe' }] }));
});

t.test('flows: NS trap per router address, IPv6 to the routing table, prefix guards', async (t) => {
  const l = lab6();
  const s1 = l.net.switches.get(1n)!;
  const nsTraps = s1.flows(0).filter((f) => f.match.some((m) => m.field === 'ipv6_nd_target'));
  t.equal(nsTraps.length, 6, 'a global and a link-local target per interface');
  t.ok(s1.flows(0).some((f) => f.match.some((m) => m.field === 'icmpv6_type' && m.value === 133)), 'router solicitations trapped');
  t.equal(s1.flows(0).filter((f) => f.match.some((m) => m.field === 'eth_type' && m.value === 0x86dd) && f.match.some((m) => m.field === 'eth_dst')).length, 3, 'IPv6 to each router MAC goes to the routing table');
  const guards = s1.flows(1).filter((f) => f.priority === 100 + 2 * 64 && f.match.some((m) => m.field === 'ipv6_dst'));
  t.equal(guards.length, 3, 'a /64 guard per prefix');
});

t.test('REST: dual-stack interfaces, IPv6 routes, 400s that name the field', async (t) => {
  const base = defaultConfig();
  const config: WeftConfig = {
    ...base,
    openflow: { ...base.openflow, host: '127.0.0.1', port: await freePort() },
    rest: { ...base.rest, port: await freePort() },
    apps: ['table-miss', 'topology', 'l2-learning', 'routing'],
    appOptions: { routing: { interfaces: [{ address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'], ra: { intervalSec: 5, routerLifetimeSec: 15 } }] } },
    log: { level: 'silent', levels: {} },
  };
  const weft = await startWeft(config, { logDestination: quiet });
  t.teardown(() => weft.stop());
  const rig = { base: `http://127.0.0.1:${weft.restAddress().port}` };
  const api = '/api/v1/apps/routing';

  let r = await http(rig, 'GET', `${api}/interfaces`);
  t.same(r.json, [
    {
      address: '10.0.1.1/24',
      ip: '10.0.1.1',
      network: '10.0.1.0/24',
      mac: '0e:00:0a:00:01:01',
      ipv6: ['2001:db8:1::1/64'],
      linkLocal: 'fe80::c00:aff:fe00:101',
      ra: { enabled: true, intervalSec: 5, validLifetimeSec: 86400, preferredLifetimeSec: 14400, routerLifetimeSec: 15 },
    },
  ]);
  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64', 'fd00:2::1/64'], mtu: 1400, ra: { enabled: false } } });
  t.equal(r.status, 201);
  t.same((r.json as { ipv6: string[]; mtu: number }).ipv6, ['2001:db8:2::1/64', 'fd00:2::1/64']);
  t.equal((r.json as { mtu: number }).mtu, 1400);
  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.3.1/24', ipv6: ['2001:db8:2::9/64'] } });
  t.equal(r.status, 400);
  t.match(r.json, { error: { field: 'ipv6', message: /overlaps 2001:db8:2::\/64 of 10\.0\.2\.1\/24/ } });
  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.3.1/24', ipv6: ['2001:db8:3::1/64'], mtu: 100 } });
  t.equal(r.status, 400);
  t.match(r.json, { error: { field: 'mtu' } });
  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.3.1/24', ipv6: ['2001:db8:3::1/64'], ra: { intervalSec: 0 } } });
  t.equal(r.status, 400);
  t.match(r.json, { error: { field: 'ra.intervalSec' } });

  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '2001:db8:9::/48', nextHop: '2001:db8:2::fe' } });
  t.equal(r.status, 201);
  t.match(r.json, { prefix: '2001:db8:9::/48', nextHop: '2001:db8:2::fe', type: 'static', state: 'resolving' });
  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '2001:db8:9::/48', nextHop: '2001:db8:2::fd' } });
  t.equal(r.status, 409);
  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '2001:db8:8::/48', nextHop: '10.0.2.5' } });
  t.equal(r.status, 400);
  t.match(r.json, { error: { field: 'nextHop' } });
  r = await http(rig, 'GET', `${api}/routes`);
  t.same(
    (r.json as { prefix: string; type: string }[]).map((x) => `${x.prefix} ${x.type}`),
    ['10.0.1.0/24 connected', '10.0.2.0/24 connected', '2001:db8:1::/64 connected', '2001:db8:2::/64 connected', 'fd00:2::/64 connected', '2001:db8:9::/48 static'],
    'IPv4 first, then IPv6, longest prefix first',
  );
  r = await http(rig, 'DELETE', `${api}/interfaces/10.0.2.1`);
  t.equal(r.status, 409, 'the IPv6 route needs the interface');
  t.match(r.json, { error: { message: /2001:db8:9::\/48 via 2001:db8:2::fe/ } });
  r = await http(rig, 'DELETE', `${api}/routes/2001:db8:9::/48`);
  t.equal(r.status, 200);
  r = await http(rig, 'DELETE', `${api}/routes/2001:db8:9::/48`);
  t.equal(r.status, 404);
  r = await http(rig, 'DELETE', `${api}/interfaces/10.0.2.1`);
  t.equal(r.status, 200);
  r = await http(rig, 'GET', `${api}/neighbors`);
  t.same(r.json, []);
});

t.test('a dual-stack interface and an IPv6 route added at run time come back after a restart', async (t) => {
  const state = memoryAppState();
  const first = createRoutingApp({ interfaces: [{ address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] }] });
  const h1 = makeHost([createTopologyApp({}), first], { appState: (name) => (name === 'routing' ? state : memoryAppState()) }).host;
  await h1.command('routing', 'addInterface', { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64'], mtu: 1400, ra: { intervalSec: 7, routerLifetimeSec: 21 } });
  await h1.command('routing', 'addRoute', { prefix: '2001:db8:9::/48', nextHop: '2001:db8:2::fe' });
  t.same(state.entries('').map(([k]) => k).sort(), ['interfaces/10.0.2.1', 'routes/2001:db8:9::/48']);

  const second = createRoutingApp({ interfaces: [{ address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'] }] });
  const h2 = makeHost([createTopologyApp({}), second], { appState: (name) => (name === 'routing' ? state : memoryAppState()) }).host;
  const ifs = (await h2.command('routing', 'interfaces', {})) as { ip: string; ipv6?: string[]; mtu?: number; ra?: { intervalSec: number } }[];
  const back = ifs.find((i) => i.ip === '10.0.2.1');
  t.same([back?.ipv6, back?.mtu, back?.ra?.intervalSec], [['2001:db8:2::1/64'], 1400, 7], 'the interface with its IPv6 side');
  const routes = second.routesTable();
  t.ok(routes.some((r) => r.prefix === '2001:db8:9::/48' && r.type === 'static' && r.nextHop === '2001:db8:2::fe'), 'the IPv6 route');
});
