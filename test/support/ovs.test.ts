import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startOvs } from './ovs.js';

// The private Open vSwitch helper itself: two instances side by side (as two test files running
// in parallel would), a bridge with ports, OpenFlow over its mgmt socket, and a clean stop.
t.test('two private instances run side by side and stop cleanly', async (t) => {
  const a = await startOvs();
  const b = await startOvs();
  try {
    t.not(a.dir, b.dir);
    const brA = await a.addBridge(a.uniqueName(), { failMode: 'secure', datapathId: '00000000000a0b0c' });
    const brB = await b.addBridge(b.uniqueName());
    t.match(brA, /^wf[0-9a-f]{4}$/);
    await a.addPort(brA, 'p7', { type: 'dummy', ofport: 7 });
    const show = await a.ofctl('-O', 'OpenFlow13', 'show', brA);
    t.match(show, /dpid:00000000000a0b0c/);
    t.match(show, / 7\(p7\): addr:/);
    t.match(await a.vsctl('get', 'bridge', brA, 'fail_mode'), /secure/);
    t.match(await b.ofctl('-O', 'OpenFlow13', 'show', brB), /OFPT_FEATURES_REPLY \(OF1\.3\)/);
  } finally {
    const pids = [a, b].map((o) => Number(readFileSync(join(o.dir, 'ovs-vswitchd.pid'), 'utf8')));
    await a.stop();
    await b.stop();
    for (const pid of pids) t.notOk(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('weft-ovs-'), `vswitchd ${pid} is gone`);
    t.notOk(existsSync(a.dir), 'temp dir removed');
  }
});
