/**
 * Dual-stack routing end to end: weft as a process with apps table-miss, topology, l2-learning,
 * routing (three interfaces, each 10.0.N.1/24 + 2001:db8:N::1/64, router advertisements every
 * 2 s, 10.0.3.1 with IPv6 MTU 1280), Mininet on a private Open vSwitch, tree,2,2. The hosts get
 * their IPv6 addresses by SLAAC from weft's advertisements; mininet/scenarios/routing_ipv6.py
 * checks ping6, hop limits, traceroute -6, the ICMPv6 errors, REST and IPv4 alongside.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { assertScenario, requireMininet, runScenario } from '../support/mininet.js';
import { ovsAndWeft } from '../support/weft-rig.js';

requireRoot();
requireMininet();

const CHECKS = [
  'switches connected',
  'links discovered',
  'links match the topology',
  "SLAAC: one address per host in its own subnet's prefix, default route via weft",
  'gateways answer ping6',
  'ping6 between every pair: hop limit 63 across subnets, 64 within one',
  'IPv6 forwarding flows in the switches (ipv6_dst, dec_ttl + rewrite)',
  'traceroute -6 across subnets: the gateway is hop 1, the host hop 2',
  'ping6 to an address without a route: destination unreachable (no route) from the gateway',
  'ping6 of 1448 bytes towards the MTU 1280 interface: packet too big (mtu 1280) from the gateway',
  'ping6 within the MTU towards that interface goes through',
  "REST lists the hosts' IPv6 addresses as neighbours",
  'IPv4 pingall: 0% loss',
];

t.test('dual-stack routing: SLAAC from weft, ping6 and traceroute -6 across three subnets', async (t) => {
  const ra = { intervalSec: 2, routerLifetimeSec: 60 };
  const { ovs, weft } = await ovsAndWeft(t, {
    apps: ['table-miss', 'topology', 'l2-learning', 'routing'],
    appOptions: {
      topology: { lldpIntervalMs: 1000 },
      routing: {
        interfaces: [
          { address: '10.0.1.1/24', ipv6: ['2001:db8:1::1/64'], ra },
          { address: '10.0.2.1/24', ipv6: ['2001:db8:2::1/64'], ra },
          { address: '10.0.3.1/24', ipv6: ['2001:db8:3::1/64'], ra, mtu: 1280 },
        ],
      },
    },
  }, 60_000);
  const run = await runScenario({
    scenario: 'routing_ipv6',
    ovs,
    controller: { port: weft.openflowPort },
    topo: 'tree,2,2',
    timeoutMs: 90_000,
    options: { rest: `http://127.0.0.1:${weft.restPort}`, settle: '2' },
  });
  assertScenario(t, run, CHECKS);
  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
