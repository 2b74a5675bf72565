/**
 * End to end with a real Open vSwitch (private instance) and weft as a child process:
 * a bridge with ports connects, weft announces it with the ports OVS reports and installs the
 * table-miss flow; then weft is restarted on the same port and OVS reconnects on its own.
 */
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';
import type { LogLine, WeftProcess } from '../support/weft-process.js';
import { dpidFor, dumpFlows, isConnected, ofctlPorts, PORT_REPORT_APP, requireRoot, TABLE_MISS, waitFor } from '../support/e2e.js';

requireRoot();

t.test('a bridge connects, shows up with its ports, gets the table-miss flow, and survives a controller restart', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const br = ovs.uniqueName('we');
  const dpid = dpidFor(br, 1);
  const veth = [`${br}v0`, `${br}v1`];
  t.teardown(() => {
    spawnSync('ip', ['link', 'del', veth[0]!], { timeout: 5000 });
  });

  const weftArgs = ['--apps', `table-miss,${PORT_REPORT_APP}`];
  let weft: WeftProcess = await startWeftProcess({ args: weftArgs });
  t.teardown(() => weft.stop());
  const port = weft.openflowPort;

  // Ports first, controller last: the handshake's PORT_DESC must list all of them.
  await ovs.addBridge(br, { datapathType: 'dummy', datapathId: dpid, failMode: 'secure' });
  await ovs.addPort(br, `${br}a`, { type: 'internal', ofport: 3 });
  await ovs.addPort(br, `${br}b`, { type: 'dummy', ofport: 7 });
  const ip = spawnSync('ip', ['link', 'add', veth[0]!, 'type', 'veth', 'peer', 'name', veth[1]!], { encoding: 'utf8', timeout: 5000 });
  t.equal(ip.status, 0, `veth pair created ${ip.stderr}`);
  spawnSync('ip', ['link', 'set', veth[0]!, 'up'], { timeout: 5000 });
  await ovs.addPort(br, veth[0]!, { ofport: 12 });
  await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${port}`);
  await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');

  const t0 = Date.now();
  await waitFor(() => isConnected(ovs, br), 10_000, `${br} is_connected`);
  const flows = await waitFor(async () => {
    const f = await dumpFlows(ovs, br);
    return TABLE_MISS.test(f) ? f : undefined;
  }, 5_000, 'table-miss flow');
  t.comment(`connected and table-miss installed after ${Date.now() - t0} ms`);
  t.match(flows, TABLE_MISS);
  t.equal(flows.trim().split('\n').filter((l) => l.includes('actions=')).length, 1, 'exactly one flow: the table-miss');

  const isOurs = (l: LogLine) => l.dpid === dpid;
  const up = await weft.waitForLog((l) => l.msg === 'switch up' && isOurs(l), 5_000, 'switch up');
  t.equal(up.ports, 4, 'three ports plus LOCAL');
  const report = await weft.waitForLog((l) => l.msg === 'ports reported' && isOurs(l), 5_000, 'ports reported');
  const expected = await ofctlPorts(ovs, br);
  t.same(expected, new Map([[3, `${br}a`], [7, `${br}b`], [12, veth[0]!], [0xfffffffe, br]]), 'OVS numbered the ports as asked');
  t.same(
    report.ports,
    [...expected].sort((a, b) => a[0] - b[0]).map(([no, name]) => ({ no, name })),
    'the ports weft knows are the ports OVS reports',
  );
  const connected = weft.lines.find((l) => l.subsystem === 'openflow' && l.dpid === dpid && /connected$/.test(l.msg));
  t.match(connected?.sw, /^\d+\.\d+/, 'DESC read: the software version OVS reports');
  t.equal(connected?.tls, false);

  // ---- restart: SIGTERM, exit 0, OVS notices; flows deleted meanwhile must come back.
  t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
  t.ok(weft.lines.some((l) => l.msg === 'switch down' && isOurs(l)), 'switch down logged at shutdown');
  t.ok(weft.lines.some((l) => l.msg === 'weft stopped'), 'clean shutdown logged');
  await waitFor(async () => !(await isConnected(ovs, br)), 10_000, `${br} disconnected`);
  await ovs.ofctl('-O', 'OpenFlow13', 'del-flows', br);
  t.notMatch(await dumpFlows(ovs, br), TABLE_MISS, 'flows removed while weft is down');

  const t1 = Date.now();
  weft = await startWeftProcess({ args: weftArgs, openflowPort: port });
  await waitFor(() => isConnected(ovs, br), 10_000, `${br} reconnected`);
  await waitFor(async () => TABLE_MISS.test(await dumpFlows(ovs, br)), 5_000, 'table-miss reinstalled');
  t.comment(`reconnected and table-miss reinstalled ${Date.now() - t1} ms after the restart began`);
  const up2 = await weft.waitForLog((l) => l.msg === 'switch up' && isOurs(l), 5_000, 'switch up after restart');
  t.equal(up2.ports, 4);
  t.equal(await weft.stop(), 0);
});
