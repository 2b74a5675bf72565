import { startOvs } from '../support/ovs.js';
import { http, startRig } from './rig.js';
const ovs = await startOvs();
const rig = await startRig({ noSwitch: true });
try {
  const br = ovs.uniqueName('wb');
  const dpid = '0000000000bebe01';
  await ovs.addBridge(br, { datapathId: dpid, failMode: 'secure' });
  await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${rig.weft.addresses()[0]!.port}`);
  while (!rig.weft.server.switches.has(dpid)) await new Promise((r) => setTimeout(r, 100));
  const n = Number(process.env.N ?? 100000);
  for (let rep = 0; rep < 3; rep++) {
    const list = Array.from({ length: n }, (_, i) => ({ table: 7, priority: 100 + rep, match: { eth_type: 2048, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 1 + (i & 1) }] }));
    const t0 = Date.now();
    const r = await http(rig, 'POST', `/api/v1/switches/${dpid}/flows/bulk`, { body: { flows: list } });
    console.log(r.status, Date.now() - t0, 'ms', JSON.stringify(r.json).slice(0, 200));
    console.log((await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br, 'table=7')).trim());
  }
} finally {
  await rig.close();
  await ovs.stop();
}
