/**
 * The REST rig with a real Open vSwitch behind it (private instance, dummy ports 1 and 2): one
 * secure-fail-mode bridge connected to weft and awaited, and a `dump` of its flows per table as
 * `ovs-ofctl dump-flows` prints them. Shared by the native and Ryu-compatible API tests.
 */
import type { Test } from 'tap';
import type { OvsInstance } from '../support/ovs.js';
import { startOvs } from '../support/ovs.js';
import type { Rig } from './rig.js';
import { startRig } from './rig.js';

export interface OvsRig {
  ovs: OvsInstance;
  rig: Rig;
  br: string;
  /** The bridge's datapath id, 16 hex digits. */
  dpid: string;
  /** The flows of one table, one trimmed line each, without statistics. */
  dump(table: number): Promise<string[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `prefix` names the bridge, `dpidTail` (4 hex digits) ends its datapath id; both torn down with `t`. */
export async function startOvsRig(t: Test, prefix: string, dpidTail: string): Promise<OvsRig> {
  if (process.getuid?.() !== 0) throw new Error('this test needs root to run Open vSwitch');
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const rig = await startRig({ noSwitch: true });
  t.teardown(() => rig.close());
  const br = ovs.uniqueName(prefix);
  const dpid = `00000000${br.slice(2).padStart(4, '0')}${dpidTail}`.slice(-16);
  await ovs.addBridge(br, { datapathId: dpid, failMode: 'secure' });
  await ovs.addPort(br, `${br}p1`, { type: 'dummy', ofport: 1 });
  await ovs.addPort(br, `${br}p2`, { type: 'dummy', ofport: 2 });
  await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${rig.weft.addresses()[0]!.port}`);
  await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');
  const deadline = Date.now() + 15_000;
  while (!rig.weft.server.switches.has(dpid)) {
    if (Date.now() > deadline) throw new Error(`bridge ${br} did not connect`);
    await sleep(100);
  }
  const dump = async (table: number) =>
    (await ovs.ofctl('-O', 'OpenFlow13', '--no-stats', 'dump-flows', br, `table=${table}`)).split('\n').map((l) => l.trim()).filter((l) => l.includes('actions='));
  return { ovs, rig, br, dpid, dump };
}
