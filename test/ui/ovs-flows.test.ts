/**
 * Against a real Open vSwitch bridge (private instance, dummy datapath): a switch's flow table
 * in the page says what `ovs-ofctl dump-flows` says for that bridge, flow by flow (priority,
 * match and actions text).
 */
import t from 'tap';
import { startOvsRig } from '../rest/ovs-rig.js';
import { http } from '../rest/rig.js';
import { js, openBrowser, until } from './rig.js';

const FLOWS = [
  { priority: 100, match: { in_port: 1, eth_type: '0x800', ip_proto: 6, tcp_dst: 80 }, actions: [{ type: 'output', port: 2 }] },
  { priority: 90, match: { eth_type: '0x800', ipv4_dst: '10.0.0.0/24' }, actions: [{ type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:09' }, { type: 'decNwTtl' }, { type: 'output', port: 1 }] },
  { priority: 80, match: { eth_type: '0x806', arp_tpa: '10.0.0.1' }, actions: [{ type: 'output', port: 'CONTROLLER' }] },
  { priority: 70, match: { eth_src: '02:00:00:00:00:01' }, actions: [] },
  { priority: 60, match: { vlan_vid: 5 }, actions: [{ type: 'popVlan' }, { type: 'output', port: 'FLOOD' }] },
  { priority: 50, match: { eth_type: '0x800', ip_proto: 17, udp_src: 53 }, actions: [{ type: 'output', port: 'NORMAL' }] },
];

t.test('the flow table in the page equals ovs-ofctl dump-flows', async (t) => {
  const o = await startOvsRig(t, 'ui', 'fa11');
  for (const f of FLOWS) t.equal((await http(o.rig, 'POST', `/api/v1/switches/${o.dpid}/flows`, { body: f })).status, 201);
  const ovs = (await o.dump(0)).map((l) => l.replace(/^cookie=0x[0-9a-f]+, /, '').replace(/^reset_counts /, '')).sort();
  t.equal(ovs.length, FLOWS.length + 1, 'ours and the table-miss flow');
  for (const l of ovs) t.comment(l);
  const b = await openBrowser();
  t.teardown(() => b.close());
  await b.page.goto(`${o.rig.base}/ui/#/switch/${o.dpid}`);
  await until(async () => (await b.page.locator('#flows tbody tr:not(:first-child)').count()) === ovs.length, 5000, `${ovs.length} flows listed`);
  const page = (await js<string[]>(b.page, `[...document.querySelectorAll('#flows tbody tr:not(:first-child)')].map((tr) => {
    const td = [...tr.children].map((c) => c.textContent);
    return 'priority=' + td[1] + (td[2] === '(any)' ? '' : ',' + td[2]) + ' actions=' + td[3];
  })`)).sort();
  t.same(page, ovs, 'the same flows, in the same words');
});
