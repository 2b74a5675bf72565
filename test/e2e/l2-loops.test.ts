/**
 * L2 forwarding end to end on topologies with loops (ring,4 and torus,3,3), weft with its default
 * apps on a private Open vSwitch: besides the pingall checks of l2-topologies.test.ts, no
 * broadcast storm (table-miss packets and datapath packets per second stay small over a 5 s
 * window with ARP broadcasts in flight), and the s1-s2 link taken down under a 50/s ping stream:
 * weft drops the link, pingall is back to 0% loss, and the same after the link comes back up.
 * The scenario notes how long forwarding was broken (lost replies x 20 ms).
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { requireMininet } from '../support/mininet.js';
import { startOvs } from '../support/ovs.js';
import { assertChecks, BASE_CHECKS, linkDownChecks, reportNumbers, runL2, startL2Weft, STORM_CHECKS } from '../support/l2-scenario.js';

requireRoot();
requireMininet();

t.test('L2 forwarding on topologies with loops', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const weft = await startL2Weft();
  t.teardown(() => weft.stop());

  for (const topo of ['ring,4', 'torus,3,3']) {
    await t.test(topo, async (t) => {
      const run = await runL2(ovs, weft, topo, { storm: '5', linkdown: '1' }, 150_000);
      const r = assertChecks(t, run, [...BASE_CHECKS, ...STORM_CHECKS, ...linkDownChecks(`${run.prefix}h1`, `${run.prefix}h2`)]);
      reportNumbers(t, r);
    });
  }

  t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
});
