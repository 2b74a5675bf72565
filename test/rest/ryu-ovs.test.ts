/**
 * The Ryu-compatible API against a real Open vSwitch (private instance, dummy ports): a flow
 * posted to /stats/flowentry/add shows up in `ovs-ofctl dump-flows` exactly, reads back from
 * /stats/flow in Ryu's shape, and /stats/flowentry/delete removes it; a flow OVS refuses is a 4xx.
 */
import t from 'tap';
import { startOvsRig } from './ovs-rig.js';
import { http } from './rig.js';

t.test('ofctl_rest against Open vSwitch', async (t) => {
  const { ovs, rig, br, dpid, dump } = await startOvsRig(t, 'ry', 'cafe');
  const dp = BigInt(`0x${dpid}`).toString(10);
  // As a Ryu user sends it: curl -X POST -d '{...}' (form content type).
  const post = (path: string, body: unknown) => http(rig, 'POST', path, { raw: JSON.stringify(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  t.test('flowentry/add shows up exactly; /stats/flow reads it back; delete removes it', async (t) => {
    t.strictSame((await http(rig, 'GET', '/stats/switches')).json, [Number(dp)]);
    const add = await post('/stats/flowentry/add', {
      dpid: Number(dp), cookie: 42, table_id: 3, idle_timeout: 600, priority: 321, flags: 1,
      match: { in_port: 1, dl_type: 2048, nw_dst: '10.0.0.0/24', nw_proto: 17, tp_dst: 4789 },
      actions: [{ type: 'SET_FIELD', field: 'eth_dst', value: '02:00:00:00:00:09' }, { type: 'OUTPUT', port: 2 }],
    });
    t.equal(add.status, 200, add.text);
    t.strictSame(await dump(3), ['cookie=0x2a, table=3, idle_timeout=600, send_flow_rem priority=321,udp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=4789 actions=set_field:02:00:00:00:00:09->eth_dst,output:2']);

    const read = await post(`/stats/flow/${dp}`, { table_id: 3 });
    t.equal(read.status, 200);
    const flows = read.json[dp];
    t.equal(flows.length, 1);
    t.match(flows[0], {
      table_id: 3, priority: 321, cookie: 42, idle_timeout: 600, hard_timeout: 0, flags: 1, packet_count: 0, byte_count: 0,
      match: { in_port: 1, dl_type: 2048, nw_proto: 17, nw_dst: '10.0.0.0/255.255.255.0', tp_dst: 4789 },
      actions: ['SET_FIELD: {eth_dst:02:00:00:00:00:09}', 'OUTPUT:2'],
    });
    t.type(flows[0].length, 'number');

    const mod = await post('/stats/flowentry/modify_strict', { dpid: Number(dp), table_id: 3, priority: 321, match: { in_port: 1, dl_type: 2048, nw_dst: '10.0.0.0/24', nw_proto: 17, tp_dst: 4789 }, actions: [{ type: 'OUTPUT', port: 'IN_PORT' }] });
    t.equal(mod.status, 200);
    t.strictSame(await dump(3), ['cookie=0x2a, table=3, idle_timeout=600, send_flow_rem priority=321,udp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=4789 actions=IN_PORT']);

    const del = await post('/stats/flowentry/delete', { dpid: Number(dp), table_id: 3, match: { in_port: 1 } });
    t.equal(del.status, 200);
    t.strictSame(await dump(3), [], 'gone');
  });

  t.test('groups through groupentry, flows that OVS refuses, clear', async (t) => {
    const bad = await post('/stats/flowentry/add', { dpid: Number(dp), table_id: 4, priority: 9, actions: [{ type: 'GROUP', group_id: 4242 }] });
    t.equal(bad.status, 422);
    t.strictSame(bad.json.error.openflow, { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_GROUP' });
    const g = await post('/stats/groupentry/add', { dpid: Number(dp), type: 'ALL', group_id: 5, buckets: [{ actions: [{ type: 'OUTPUT', port: 1 }] }] });
    t.equal(g.status, 200, g.text);
    const desc = await http(rig, 'GET', `/stats/groupdesc/${dp}`);
    t.strictSame(desc.json[dp], [{ buckets: [{ weight: 0, watch_port: 4294967295, watch_group: 4294967295, actions: ['OUTPUT:1'] }], group_id: 5, type: 'ALL' }]);
    const ok = await post('/stats/flowentry/add', { dpid: Number(dp), table_id: 4, priority: 9, actions: [{ type: 'GROUP', group_id: 5 }] });
    t.equal(ok.status, 200);
    t.strictSame(await dump(4), ['table=4, priority=9 actions=group:5']);
    const clear = await http(rig, 'DELETE', `/stats/flowentry/clear/${dp}`);
    t.equal(clear.status, 200);
    t.strictSame(await dump(4), []);
    t.match(await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br), /flow_count=0\b/, 'every table cleared');
  });
});
