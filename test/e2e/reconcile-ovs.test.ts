/**
 * Reconciliation against a real Open vSwitch 3.1 (private instance, dummy datapath), weft
 * in-process: flows survive a weft restart untouched (same flows, durations keep growing, no
 * flow mod sent), the semantic comparison holds for the forms OVS reports, `ovs-ofctl
 * del-flows` is repaired within the audit interval, and a hand-added flow with a foreign cookie
 * survives restarts and audits.
 */
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import t from 'tap';
import { defaultConfig } from '../../src/config/index.js';
import { startWeft } from '../../src/main.js';
import type { Weft } from '../../src/main.js';
import { startOvs } from '../support/ovs.js';
import { freePort } from '../support/weft-process.js';
import { dpidFor, dumpFlows, isConnected, requireRoot, sleep, waitFor } from '../support/e2e.js';

requireRoot();

const SHAPES = fileURLToPath(new URL('./fixtures/shapes-app.ts', import.meta.url));
const AUDIT_MS = 1500;

/** dump-flows lines without counters: "cookie=... table=... priority=... match actions". */
function flowLines(dump: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of dump.split('\n')) {
    if (!line.includes('actions=')) continue;
    const duration = Number(/duration=([\d.]+)s/.exec(line)?.[1] ?? NaN);
    const key = line.replace(/ duration=[\d.]+s,/, '').replace(/ n_packets=\d+,/, '').replace(/ n_bytes=\d+,/, '').replace(/ idle_age=\d+,?/, '').trim();
    out.set(key, duration);
  }
  return out;
}

async function start(ofPort: number): Promise<Weft> {
  const cfg = defaultConfig();
  cfg.openflow.host = '127.0.0.1';
  cfg.openflow.port = ofPort;
  cfg.rest.port = await freePort();
  cfg.apps = ['table-miss', 'topology', SHAPES];
  cfg.reconcile.auditIntervalMs = AUDIT_MS;
  cfg.log.level = 'warn';
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  return startWeft(cfg, { logDestination: quiet });
}

t.test('flows survive a weft restart untouched; drift is repaired; foreign flows survive', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const br = ovs.uniqueName('wr');
  const dpid = dpidFor(br, 3);
  const ofPort = await freePort();
  let weft = await start(ofPort);
  t.teardown(() => weft.stop());

  await ovs.addBridge(br, { datapathType: 'dummy', datapathId: dpid, failMode: 'secure' });
  for (const n of [1, 2, 3]) await ovs.addPort(br, `${br}p${n}`, { type: 'dummy', ofport: n });
  await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${ofPort}`);
  await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');
  await waitFor(() => isConnected(ovs, br), 20_000, `${br} connected`);
  const first = await waitFor(() => weft.host.reconciler.status(dpid)?.last, 20_000, 'first reconciliation');
  t.same(weft.host.reconciler.status(dpid)!.failed, [], 'OVS accepted every flow');
  t.match(first, { error: null, flows: { desired: 8, failed: 0 } });
  // An audit may have run already: the totals say what the switch-up run did.
  t.match(weft.host.reconciler.totals, { runs: { switchUp: 1 }, flows: { added: 8, modified: 0, deleted: 0, failed: 0 } }, 'table-miss, LLDP trap and six shapes added once');

  // A hand-added flow with a cookie that is not weft's.
  await ovs.ofctl('-O', 'OpenFlow13', 'add-flow', br, 'cookie=0x1234,priority=77,in_port=3,actions=drop');

  // The second run finds every flow identical, in every form OVS reports it.
  const second = await weft.host.reconciler.reconcile(dpid, 'request');
  t.match(second, { flows: { onSwitch: 9, kept: 8, added: 0, modified: 0, deleted: 0, foreign: 1, failed: 0 } }, 'semantic comparison: all kept');

  await sleep(1200);
  const before = flowLines(await dumpFlows(ovs, br));
  t.equal(before.size, 9);

  // ---- restart weft: the new process finds everything in place.
  await weft.stop();
  await waitFor(async () => !(await isConnected(ovs, br)), 20_000, `${br} disconnected`);
  weft = await start(ofPort);
  await waitFor(() => isConnected(ovs, br), 20_000, `${br} reconnected`);
  const after = await waitFor(() => weft.host.reconciler.status(dpid)?.last, 20_000, 'reconciliation after restart');
  t.match(after, { error: null, flows: { onSwitch: 9, kept: 8, added: 0, modified: 0, deleted: 0, foreign: 1 } }, 'nothing sent after the restart');
  t.match(weft.host.reconciler.totals, { runs: { switchUp: 1 }, flows: { added: 0, modified: 0, deleted: 0, failed: 0 } }, 'not one flow mod in any run since');
  const dumpAfter = flowLines(await dumpFlows(ovs, br));
  t.same([...dumpAfter.keys()].sort(), [...before.keys()].sort(), 'the same flows, cookies and actions');
  for (const [k, d] of before) t.ok(dumpAfter.get(k)! >= d, `duration kept growing: ${k.slice(0, 60)}`);
  const mods = await weft.metrics.text();
  t.match(mods, /weft_reconcile_flows_total\{action="added"\} 0\n/);
  t.match(mods, /weft_reconcile_last_flows\{dpid="[0-9a-f]{16}",action="kept"\} 8\n/);

  // ---- drift: every flow deleted behind weft's back comes back within the audit interval.
  await ovs.ofctl('-O', 'OpenFlow13', 'del-flows', br);
  const t0 = Date.now();
  const repaired = await waitFor(async () => {
    const now = flowLines(await dumpFlows(ovs, br));
    return now.size === 8 ? now : undefined;
  }, AUDIT_MS * 4, 'flows repaired by the audit');
  t.comment(`repaired ${Date.now() - t0} ms after del-flows (audit every ${AUDIT_MS} ms)`);
  t.same([...repaired.keys()].sort(), [...before.keys()].filter((k) => !k.includes('cookie=0x1234')).sort(), 'weft flows back; the hand-added one was deleted by the operator');

  // ---- a foreign flow added by hand survives the audits.
  await ovs.ofctl('-O', 'OpenFlow13', 'add-flow', br, 'cookie=0x99,priority=78,in_port=2,actions=drop');
  await sleep(AUDIT_MS * 2 + 500);
  const last = weft.host.reconciler.status(dpid)!.last!;
  t.equal(last.trigger, 'audit');
  t.match(last.flows, { foreign: 1, kept: 8, deleted: 0 });
  t.match(await dumpFlows(ovs, br), /cookie=0x99, .*priority=78,in_port=2 actions=drop/);

  // ---- REST shows it.
  const rest = weft.restAddress();
  const res = await fetch(`http://127.0.0.1:${rest.port}/api/v1/switches/${dpid}/reconciliation`);
  t.equal(res.status, 200);
  const body = (await res.json()) as { last: { flows: { kept: number } }; failed: unknown[] };
  t.equal(body.last.flows.kept, 8);
  t.same(body.failed, []);
  await ovs.vsctl('del-controller', br);
});
