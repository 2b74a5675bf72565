/**
 * DHCP end to end: weft as a process with apps table-miss, topology, l2-learning, routing
 * (10.0.1.1/24, 10.0.2.1/24) and dhcp (pools added over REST by the scenario), Mininet on a
 * private Open vSwitch, topology tree,2,2, real ISC dhclient clients and a busybox udhcpd rogue
 * server. mininet/scenarios/dhcp.py does the measuring; this asserts each of its checks.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { requireRoot } from '../support/e2e.js';
import { assertScenario, requireMininet, runScenario } from '../support/mininet.js';
import { ovsAndWeft } from '../support/weft-rig.js';

requireRoot();
requireMininet();
for (const tool of ['/usr/sbin/dhclient', '/usr/bin/busybox', '/usr/bin/tcpdump']) {
  if (!existsSync(tool)) throw new Error(`${tool} not found: apt-get install isc-dhcp-client busybox tcpdump`);
}

const CHECKS = [
  'switches connected',
  'links discovered',
  'pools added over REST',
  'a rogue DHCP server runs on h2',
  'dhclient on h1 (s2) and h3 (s3) get addresses of their subnets',
  'the lease came from weft (server 10.0.1.1), not from the rogue server',
  'h1 and h3 ping each other through the router',
  'h1 renews its lease (T1) and keeps its address',
  'the exhausted pool answers no one (h4 gets nothing), counted',
  'h3 releases 10.0.2.100 and h4 then gets it',
  'rogue server replies from h2 never reach h1 (dropped at s2)',
  'pingall through the router: h1, h2 and h4 reach each other',
];

t.test('DHCP with dhclient on two routed subnets', async (t) => {
  const { ovs, weft } = await ovsAndWeft(t, {
    apps: ['table-miss', 'topology', 'l2-learning', 'routing', 'dhcp'],
    appOptions: {
      topology: { lldpIntervalMs: 1000 },
      routing: { interfaces: [{ address: '10.0.1.1/24' }, { address: '10.0.2.1/24' }] },
      dhcp: {},
    },
  }, 60_000);
  const run = await runScenario({
    scenario: 'dhcp',
    ovs,
    controller: { port: weft.openflowPort },
    topo: 'tree,2,2',
    timeoutMs: 85_000,
    options: { rest: `http://127.0.0.1:${weft.restPort}` },
  });
  assertScenario(t, run, CHECKS);
  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
