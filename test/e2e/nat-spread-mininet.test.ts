/**
 * NAT with hosts anywhere, both backends: weft as a process with apps table-miss, topology,
 * l2-learning, routing (192.168.1.1/24, 203.0.113.100/24) and nat, Mininet on a private Open
 * vSwitch, topology linear,5 (one host per switch: inside hosts on s1, s4 and s5, outside hosts on
 * s2 and s3), so replies enter at another switch than the connection's first packet and the
 * path between them crosses a third. mininet/scenarios/nat_spread.py does the measuring.
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
  'tx checksum offload off on every host',
  'masquerade: TCP from h1 (s1) and h4 (s4) to the server on s3 all work',
  'masquerade: the server saw TCP only from 203.0.113.100',
  'masquerade: UDP from h1 and h4 works',
  'masquerade: the server saw UDP only from 203.0.113.100',
  'masquerade: TCP from h1 (s1) to h2 (s2)',
  'masquerade: ping from h1 and h4 to the server',
  'port forwarding: 203.0.113.100:8080 reaches h1 (s1) from h2 (s2) and h3 (s3)',
  'static NAT: the server reaches 203.0.113.105 (h5 on s5)',
  'static NAT: h5 connects out as 203.0.113.105',
];
const BACKEND_CHECKS: Record<string, string[]> = { openflow: ['openflow: TCP sessions listed in REST'], conntrack: [] };

const RULES = [
  { type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' },
  { type: 'static', inside: '192.168.1.5', outside: '203.0.113.105' },
  { type: 'forward', protocol: 'tcp', outside: '203.0.113.100:8080', inside: '192.168.1.2:80' },
];

for (const backend of (process.env.WEFT_NAT_BACKENDS ?? 'openflow,conntrack').split(',')) {
  t.test(`NAT with hosts on five switches, ${backend} backend`, async (t) => {
    const { ovs, weft } = await ovsAndWeft(t, {
      apps: ['table-miss', 'topology', 'l2-learning', 'routing', 'nat'],
      appOptions: {
        topology: { lldpIntervalMs: 1000 },
        routing: { interfaces: [{ address: '192.168.1.1/24' }, { address: '203.0.113.100/24' }] },
        nat: { backend, rules: RULES },
      },
    }, 60_000);
    const run = await runScenario({
      scenario: 'nat_spread',
      ovs,
      controller: { port: weft.openflowPort },
      topo: 'linear,5',
      timeoutMs: 80_000,
      options: { rest: `http://127.0.0.1:${weft.restPort}`, backend, settle: '2' },
    });
    assertScenario(t, run, [...CHECKS, ...BACKEND_CHECKS[backend]!]);
  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
    t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
  });
}
