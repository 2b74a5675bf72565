/**
 * The native API against a real Open vSwitch (private instance, dummy datapath): a flow pushed
 * through REST is exactly what `ovs-ofctl dump-flows` shows; deleted, it is gone; a flow OVS
 * rejects (output to a group that does not exist) comes back as a 4xx with OVS's error names;
 * the bulk route loads many flows.
 */
import t from 'tap';
import { startOvsRig } from './ovs-rig.js';
import { http } from './rig.js';

t.test('native API against Open vSwitch', async (t) => {
  const { ovs, rig, br, dpid, dump } = await startOvsRig(t, 'wr', 'beef');
  const flows = `/api/v1/switches/${dpid}/flows`;

  t.test('a flow pushed through REST shows up exactly, and is gone once deleted', async (t) => {
    const add = await http(rig, 'POST', flows, {
      body: {
        table: 3, priority: 321, cookie: '0x2a', idleTimeout: 600, flags: ['send_flow_rem'],
        match: { in_port: 1, eth_type: '0x800', ipv4_dst: '10.0.0.0/24', ip_proto: 17, udp_dst: 4789 },
        actions: [{ type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:09' }, { type: 'output', port: 2 }],
      },
    });
    t.equal(add.status, 201, JSON.stringify(add.json));
    t.same(await dump(3), ['cookie=0x2a, table=3, idle_timeout=600, send_flow_rem priority=321,udp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=4789 actions=set_field:02:00:00:00:00:09->eth_dst,output:2']);

    const read = await http(rig, 'GET', `${flows}?table=3`);
    t.equal(read.status, 200);
    t.match(read.json, [{ table: 3, priority: 321, cookie: '0x2a', idleTimeout: 600, flags: ['send_flow_rem'], match: { in_port: 1, eth_type: 2048, ip_proto: 17, ipv4_dst: '10.0.0.0/24', udp_dst: 4789 }, actions: [{ type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:09' }, { type: 'output', port: 2 }] }]);

    const mod = await http(rig, 'PATCH', flows, { body: { table: 3, cookie: '0x2a', cookieMask: '0xffffffffffffffff', actions: [{ type: 'output', port: 'IN_PORT' }] } });
    t.equal(mod.status, 200);
    t.same(await dump(3), ['cookie=0x2a, table=3, idle_timeout=600, send_flow_rem priority=321,udp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=4789 actions=IN_PORT']);

    const del = await http(rig, 'DELETE', `${flows}?table=3&cookie=0x2a`);
    t.equal(del.status, 204);
    t.same(await dump(3), [], 'gone');
  });

  t.test('what OVS rejects comes back as a 4xx with its error names', async (t) => {
    const group = await http(rig, 'POST', flows, { body: { table: 4, priority: 9, actions: [{ type: 'group', groupId: 4242 }] } });
    t.equal(group.status, 422);
    t.same(group.json.error.openflow, { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_GROUP' });
    t.equal(group.json.error.code, 'switch_error');
    t.same(await dump(4), [], 'nothing installed');

    const meter = await http(rig, 'POST', flows, { body: { table: 4, priority: 9, instructions: [{ type: 'meter', meterId: 77 }] } });
    t.equal(meter.status, 422);
    // What Open vSwitch 3.1 answers for a flow naming a meter that does not exist.
    t.same(meter.json.error.openflow, { type: 'OFPET_METER_MOD_FAILED', code: 'OFPMMFC_INVALID_METER' });

    const g = await http(rig, 'POST', `/api/v1/switches/${dpid}/groups`, { body: { groupId: 5, type: 'all', buckets: [{ actions: [{ type: 'output', port: 1 }] }] } });
    t.equal(g.status, 201);
    const again = await http(rig, 'POST', `/api/v1/switches/${dpid}/groups`, { body: { groupId: 5, type: 'all', buckets: [] } });
    t.equal(again.status, 409);
    t.same(again.json.error.openflow, { type: 'OFPET_GROUP_MOD_FAILED', code: 'OFPGMFC_GROUP_EXISTS' });
    const listed = await http(rig, 'GET', `/api/v1/switches/${dpid}/groups/5`);
    t.match(listed.json, { groupId: 5, type: 'all', buckets: [{ actions: [{ type: 'output', port: 1 }] }], refCount: 0 });
    const ok = await http(rig, 'POST', flows, { body: { table: 4, priority: 9, actions: [{ type: 'group', groupId: 5 }] } });
    t.equal(ok.status, 201);
    t.same(await dump(4), ['table=4, priority=9 actions=group:5']);
  });

  t.test('bulk route loads many flows into OVS', async (t) => {
    const n = 20_000;
    const list = Array.from({ length: n }, (_, i) => ({ table: 7, priority: 100, match: { eth_type: 2048, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 1 + (i & 1) }] }));
    const t0 = Date.now();
    const r = await http(rig, 'POST', `${flows}/bulk`, { body: { flows: list } });
    const ms = Date.now() - t0;
    t.equal(r.status, 200, JSON.stringify(r.json).slice(0, 200));
    t.equal(r.json.accepted, n);
    t.comment(`bulk: ${n} flows in ${ms} ms over HTTP (${Math.round((n / ms) * 1000)} flows/s; the route itself reports ${r.json.flowsPerSecond} flows/s)`);
    const agg = await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br, 'table=7');
    t.match(agg, new RegExp(`flow_count=${n}\\b`));
    const del = await http(rig, 'DELETE', `${flows}?table=7`);
    t.equal(del.status, 204);
    t.match(await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br, 'table=7'), /flow_count=0\b/);
  });
});
