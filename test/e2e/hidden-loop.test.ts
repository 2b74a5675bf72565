/**
 * A ring of 4 on a private Open vSwitch whose s1-s4 cable runs through a Linux bridge (STP off),
 * which forwards everything but LLDP, as an unmanaged switch would: a loop weft cannot discover. weft with its default apps
 * must find the other three cables, end the storm the first broadcast starts with a loop hold
 * (docs/TOPOLOGY.md), and forward: pingall 0% loss, packet-ins and datapath packets bounded
 * over a window with broadcasts in flight.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet, runScenario } from '../support/mininet.js';
import { startOvs } from '../support/ovs.js';
import { assertChecks, startL2Weft, STORM_CHECKS } from '../support/l2-scenario.js';

requireRoot();
requireMininet();

t.test('a loop LLDP cannot see is held, not stormed', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const weft = await startL2Weft();
  t.teardown(() => weft.stop());

  const run = await runScenario({
    scenario: 'hidden_loop',
    ovs,
    controller: { port: weft.openflowPort },
    topo: 'ring,4',
    timeoutMs: 120_000,
    options: { rest: `http://127.0.0.1:${weft.restPort}`, settle: '3', storm: '5' },
  });
  const r = assertChecks(t, run, [
    'switches connected',
    'links: every cable but the hidden one',
    'pingall reaches 0% loss',
    'pingall 0% loss again',
    ...STORM_CHECKS,
    'the topology app held a port (loop hold)',
  ]);
  if (r) t.comment(`hidden loop: ${JSON.stringify({ attempts: r.notes.pingallAttempts, storm: r.notes.storm, stats: r.notes.topologyStats })}`);

  const holds = weft.lines.filter((l) => l.msg === 'loop hold: port not flooded (the same broadcast keeps arriving on it)');
  t.ok(holds.length >= 1, `weft logged the hold (${holds.length} lines)`);
  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
