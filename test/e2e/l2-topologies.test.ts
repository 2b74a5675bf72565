/**
 * L2 forwarding end to end on loop-free topologies: weft with its default apps (table-miss,
 * topology, l2-learning) and Mininet on a private Open vSwitch. For each topology: links and
 * hosts as weft's REST API reports them match Mininet's; pingall 0% loss twice; the second round
 * goes through l2-learning's flows only (dump-flows packet counts: every echo request and reply
 * counted on each switch of its path, nothing on the table-miss flow). On linear,4, iperf3 TCP
 * from h1 to h4 (three switches apart) runs in the datapath: no packet-ins while it runs.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet } from '../support/mininet.js';
import { startOvs } from '../support/ovs.js';
import { assertChecks, BASE_CHECKS, IPERF_CHECKS, reportNumbers, runL2, startL2Weft } from '../support/l2-scenario.js';

requireRoot();
requireMininet();

t.test('L2 forwarding on loop-free topologies', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  // Default apps: no --apps (a 1 s LLDP interval only).
  const weft = await startL2Weft();
  t.teardown(() => weft.stop());
  const started = weft.lines.find((l) => l.msg === 'weft started');
  t.same(started?.apps, ['table-miss', 'topology', 'l2-learning'], 'the default apps');

  for (const [topo, options, extra] of [
    ['single,8', {}, []],
    ['linear,4', { iperf: '5' }, IPERF_CHECKS],
    ['tree,3,2', {}, []],
  ] as const) {
    await t.test(topo, async (t) => {
      const run = await runL2(ovs, weft, topo, options);
      const r = assertChecks(t, run, [...BASE_CHECKS, ...extra]);
      reportNumbers(t, r);
    });
  }

  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
