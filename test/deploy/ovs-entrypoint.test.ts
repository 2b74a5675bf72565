/**
 * The compose `ovs` service's entrypoint (mininet/docker-entrypoint.sh), run for real against a
 * private Open vSwitch (OVS_CTL=true skips starting the system one; DATAPATH_TYPE=dummy avoids
 * the host-wide ovs-netdev tap) and a real weft: the controller target given by host NAME is
 * resolved, the bridge connects, and weft installs its table-miss flow.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { startOvs } from '../support/ovs.js';
import { ROOT, startWeftProcess } from '../support/weft-process.js';
import { dumpFlows, isConnected, requireRoot, TABLE_MISS, waitFor } from '../support/e2e.js';

requireRoot();

/** Run mininet/docker-entrypoint.sh with `args` as its command; resolves with its stdout. */
function runEntrypoint(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(join(ROOT, 'mininet', 'docker-entrypoint.sh'), args, { env, timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

t.test('the ovs service entrypoint connects its bridge to weft', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const weft = await startWeftProcess();
  t.teardown(() => weft.stop());
  const br = ovs.uniqueName('wd');
  t.teardown(() => ovs.vsctl('--if-exists', 'del-br', br));

  const out = await runEntrypoint(['echo', 'command ran'], { ...ovs.env, OVS_CTL: 'true', DATAPATH_TYPE: 'dummy', BRIDGE: br, CONTROLLER_TARGET: `tcp:localhost:${weft.openflowPort}` });
  t.match(out, new RegExp(`ovs: ${br} -> tcp:127\\.0\\.0\\.1:${weft.openflowPort}`), 'the host name was resolved to an address');
  t.match(out, /command ran/, 'then the command runs (exec "$@")');
  t.match((await ovs.vsctl('get', 'bridge', br, 'protocols')).trim(), /^\["?OpenFlow13"?\]$/, 'OpenFlow 1.3 only');
  t.equal((await ovs.vsctl('get', 'bridge', br, 'fail_mode')).trim(), 'secure');
  await waitFor(() => isConnected(ovs, br), 10_000, `${br} is_connected`);
  await waitFor(async () => TABLE_MISS.test(await dumpFlows(ovs, br)), 5_000, 'table-miss flow');
  t.pass('connected, with the table-miss flow');
  t.equal(await weft.stop(), 0);
});

t.test('a comma-separated CONTROLLER_TARGET gives the bridge every instance of a cluster', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const br = ovs.uniqueName('wd');
  t.teardown(() => ovs.vsctl('--if-exists', 'del-br', br));
  const out = await runEntrypoint(['true'], { ...ovs.env, OVS_CTL: 'true', DATAPATH_TYPE: 'dummy', BRIDGE: br, CONTROLLER_TARGET: 'tcp:localhost:16653,tcp:127.0.0.2:16654' });
  t.match(out, `ovs: ${br} -> tcp:127.0.0.1:16653 tcp:127.0.0.2:16654`);
  const targets = (await ovs.vsctl('get-controller', br)).trim().split('\n').sort();
  t.same(targets, ['tcp:127.0.0.1:16653', 'tcp:127.0.0.2:16654'], 'both targets are controllers');
  t.same((await ovs.vsctl('--data=bare', '--no-headings', '--columns=max_backoff', 'list', 'controller')).trim().split(/\s+/), ['1000', '1000'], 'each with max_backoff 1000');
});
