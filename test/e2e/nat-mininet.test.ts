/**
 * NAT end to end, both backends: weft as a process with apps table-miss, topology, l2-learning,
 * routing (192.168.1.1/24, 203.0.113.100/24) and nat (masquerade, static, forward rules), Mininet
 * on a private Open vSwitch, topology single,4 (h1-h3 inside, h4 the outside server).
 * mininet/scenarios/nat.py does the measuring; this asserts each of its checks ran and passed.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet, runScenario } from '../support/mininet.js';
import { ovsAndWeft } from '../support/weft-rig.js';

requireRoot();
requireMininet();

const CHECKS = [
  'switches connected',
  'tx checksum offload off on every host',
  'inside hosts ping their gateway',
  'masquerade: concurrent TCP connections from h1 and h3 all work',
  'masquerade: the server saw TCP only from 203.0.113.100',
  'masquerade: UDP from h1 and h3 works',
  'masquerade: the server saw UDP only from 203.0.113.100',
  'masquerade: ping from h1 and h3 to the server',
  'static NAT: the server reaches 203.0.113.103 (h2 HTTP server)',
  'static NAT: h2 connects out as 203.0.113.103',
  'port forwarding: 203.0.113.100:8080 reaches 192.168.1.2:80',
];
const BACKEND_CHECKS: Record<string, string[]> = {
  openflow: [
    'openflow: sessions listed in REST (tcp, udp, icmp)',
    'openflow: an ICMP error from outside reaches the inside socket (ECONNREFUSED)',
    'session cap: a flood of new connections is refused and counted',
    'idle sessions expire (flow removed) and new connections work again',
  ],
  conntrack: ['conntrack: translations committed in the datapath, no sessions in weft'],
};
/** Short idle timeouts and a small cap so the expiry and flood checks run in seconds. */
const BACKEND_OPTIONS: Record<string, Record<string, unknown>> = {
  openflow: { tcpIdleSec: 4, udpIdleSec: 3, echoTtlMs: 3000, maxSessions: 40 },
  conntrack: {},
};

const RULES = [
  { type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' },
  { type: 'static', inside: '192.168.1.3', outside: '203.0.113.103' },
  { type: 'forward', protocol: 'tcp', outside: '203.0.113.100:8080', inside: '192.168.1.2:80' },
];

for (const backend of (process.env.WEFT_NAT_BACKENDS ?? 'openflow,conntrack').split(',')) {
  t.test(`NAT through Open vSwitch, ${backend} backend`, async (t) => {
    const { ovs, weft } = await ovsAndWeft(t, {
      apps: ['table-miss', 'topology', 'l2-learning', 'routing', 'nat'],
      appOptions: {
        topology: { lldpIntervalMs: 1000 },
        routing: { interfaces: [{ address: '192.168.1.1/24' }, { address: '203.0.113.100/24' }] },
        nat: { backend, rules: RULES, ...BACKEND_OPTIONS[backend] },
      },
    });
    const run = await runScenario({
      scenario: 'nat',
      ovs,
      controller: { port: weft.openflowPort },
      topo: 'single,4',
      timeoutMs: 150_000,
      options: { rest: `http://127.0.0.1:${weft.restPort}`, backend },
    });
    const r = run.result;
    if (!r) {
      t.fail(`no JSON result (exit ${run.code}, signal ${run.signal}, timed out ${run.timedOut})\n${run.stdout}\n${run.stderr.slice(-3000)}`);
      return;
    }
    t.same(r.checks.map((c) => c.name), [...CHECKS, ...BACKEND_CHECKS[backend]!], 'the expected checks ran');
    for (const c of r.checks) t.ok(c.ok, `${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
    t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code 0\n${run.stderr.slice(-3000)}`);
    t.notOk(r.notes.leftovers, 'net.stop() removed every bridge and link');
    for (const k of Object.keys(r.notes)) if (k !== "switches") t.comment(`${k}: ${JSON.stringify(r.notes[k])}`);
    t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
    t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
  });
}
