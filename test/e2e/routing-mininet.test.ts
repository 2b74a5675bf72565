/**
 * Routing end to end: weft as a process with apps table-miss, topology, l2-learning, routing
 * (interfaces 10.0.1.1/24, 10.0.2.1/24, 10.0.3.1/24 from a config file), Mininet on a private
 * Open vSwitch, topology tree,2,3 (four switches, nine hosts, three per subnet spread over the
 * leaves). mininet/scenarios/routing.py does the measuring; this asserts that each of its checks
 * ran and passed, and that weft logged no error.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet, runScenario } from '../support/mininet.js';
import { ovsAndWeft } from '../support/weft-rig.js';

requireRoot();
requireMininet();

const CHECKS = [
  'switches connected',
  'links discovered',
  'links match the topology',
  'gateways answer ping',
  'pingall round 1: 0% loss',
  'pingall round 2: 0% loss',
  'routing flows in the switches (goto table 1, dec_ttl + rewrite)',
  'TTL decremented once across subnets, untouched within one',
  'ping -t 1 across subnets: time exceeded from the gateway (first traceroute hop)',
  'the expired probe came through the FIB flow (INVALID_TTL packet-in)',
  'ping -t 2 across subnets reaches the host (one router hop)',
  'traceroute across subnets: the gateway is hop 1, the host hop 2',
  'iperf3: tx checksum offload off on both hosts',
  'iperf3 ran',
  'iperf3 in the datapath: no per-packet packet-ins',
  'iperf3 across subnets: weft saw almost none of it',
  'static route added (REST) and its next hop resolved',
  'static route: ping through the router host (ttl 62: two routers)',
  'route deleted: destination net unreachable from the gateway',
  'unknown address of a configured subnet: destination host unreachable after the ARP timeout',
];

t.test('routing between three subnets over four switches', async (t) => {
  const { ovs, weft } = await ovsAndWeft(t, {
    apps: ['table-miss', 'topology', 'l2-learning', 'routing'],
    appOptions: {
      // Faster discovery and settling than the defaults, so the test waits less.
      topology: { lldpIntervalMs: 1000 },
      routing: { interfaces: [{ address: '10.0.1.1/24' }, { address: '10.0.2.1/24' }, { address: '10.0.3.1/24' }] },
    },
  });
  const started = weft.lines.find((l) => l.msg === 'weft started');
  t.same(started?.apps, ['table-miss', 'topology', 'l2-learning', 'routing']);

  const run = await runScenario({
    scenario: 'routing',
    ovs,
    controller: { port: weft.openflowPort },
    topo: 'tree,2,3',
    timeoutMs: 180_000,
    options: { rest: `http://127.0.0.1:${weft.restPort}` },
  });
  const r = run.result;
  if (!r) {
    t.fail(`no JSON result (exit ${run.code}, signal ${run.signal}, timed out ${run.timedOut})\n${run.stdout}\n${run.stderr.slice(-3000)}`);
    return;
  }
  t.same(r.checks.map((c) => c.name), CHECKS, 'the expected checks ran');
  for (const c of r.checks) t.ok(c.ok, `${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
  t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code 0\n${run.stderr.slice(-3000)}`);
  t.notOk(r.notes.leftovers, 'net.stop() removed every bridge and link');
  for (const k of ['pingall1', 'pingall2', 'iperf', 'routingFlows']) if (r.notes[k] !== undefined) t.comment(`${k}: ${JSON.stringify(r.notes[k])}`);
  t.comment(`scenario took ${r.elapsedMs} ms`);

  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
