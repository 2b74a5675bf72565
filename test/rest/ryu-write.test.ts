/**
 * ofctl_rest write routes over real HTTP: each produces exactly the OpenFlow message Ryu's
 * ofctl_v1_3 would build, confirmed by a barrier (200, empty body); a switch ERROR comes back
 * as a 4xx with its names; bodies sent the way Ryu users send them (curl -d, Python literals).
 */
import t from 'tap';
import { OFP_NO_BUFFER, OFPFC, OFPG_ANY, OFPGC, OFPGT, OFPMC, OFPP, OFPTT_ALL, OFPVID_PRESENT } from '../../protocol/index.js';
import type { FlowMod } from '../../protocol/index.js';
import { http } from './rig.js';
import { startRyuRig } from './ryu-rig.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

t.test('ofctl_rest writes', async (t) => {
  const rig = await startRyuRig();
  t.teardown(() => rig.close());
  const last = <K extends 'flowMod' | 'groupMod' | 'meterMod' | 'portMod' | 'roleRequest'>(k: K) => ({ ...rig.got(k).at(-1)!, xid: 0 });
  const post = (path: string, body: unknown) => http(rig, 'POST', path, { raw: typeof body === 'string' ? body : JSON.stringify(body), headers: FORM });

  t.test('flowentry/add: the documented example, sent like curl -d', async (t) => {
    const barriers = rig.got('barrierRequest').length;
    const r = await post('/stats/flowentry/add', { dpid: 1, cookie: 1, cookie_mask: 1, table_id: 0, idle_timeout: 30, hard_timeout: 30, priority: 11111, flags: 1, match: { in_port: 1 }, actions: [{ type: 'OUTPUT', port: 2 }] });
    t.equal(r.status, 200, r.text);
    t.equal(r.text, '', 'empty body, as Ryu');
    t.strictSame(last('flowMod'), {
      type: 'flowMod', xid: 0, cookie: 1n, cookieMask: 1n, tableId: 0, command: OFPFC.ADD, idleTimeout: 30, hardTimeout: 30, priority: 11111,
      bufferId: OFP_NO_BUFFER, outPort: OFPP.ANY, outGroup: OFPG_ANY, flags: 1,
      match: [{ field: 'in_port', value: 1 }],
      instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0xffe5 }] }],
    } satisfies FlowMod);
    t.equal(rig.got('barrierRequest').length, barriers + 1, 'confirmed by a barrier');
  });

  t.test('aliases, masks, VLAN rules and instructions, in a Python dict literal', async (t) => {
    const body = `{'dpid': '0x1', 'table_id': 2, 'priority': 22222, 'cookie': '0xfedcba9876543210', 'buffer_id': 'OFP_NO_BUFFER',
      'match': {'in_port': 'LOCAL', 'dl_src': 'aa:bb:cc:00:00:00/ff:ff:ff:00:00:00', 'dl_type': 2048, 'dl_vlan': 5, 'nw_src': '192.168.0.0/24',
                'nw_dst': '10.0.0.9', 'nw_proto': 17, 'tp_dst': 4789, 'metadata': '0x1212/0xffff'},
      'actions': [{'type': 'PUSH_VLAN', 'ethertype': 33024}, {'type': 'SET_FIELD', 'field': 'vlan_vid', 'value': 4102},
                  {'type': 'SET_FIELD', 'field': 'eth_dst', 'value': '02:00:00:00:00:09'}, {'type': 'GOTO_TABLE', 'table_id': 8},
                  {'type': 'OUTPUT', 'port': 'CONTROLLER', 'max_len': 'NO_BUFFER'}, {'type': 'WRITE_METADATA', 'metadata': 3, 'metadata_mask': 3},
                  {'type': 'METER', 'meter_id': 4}, {'type': 'GROUP', 'group_id': 6},
                  {'type': 'WRITE_ACTIONS', 'actions': [{'type': 'POP_VLAN'}, {'type': 'OUTPUT', 'port': 2}]}, {'type': 'CLEAR_ACTIONS'}]}`;
    const r = await post('/stats/flowentry/add', body);
    t.equal(r.status, 200, r.text);
    t.strictSame(last('flowMod'), {
      type: 'flowMod', xid: 0, cookie: 0xfedcba9876543210n, cookieMask: 0n, tableId: 2, command: OFPFC.ADD, idleTimeout: 0, hardTimeout: 0, priority: 22222,
      bufferId: OFP_NO_BUFFER, outPort: OFPP.ANY, outGroup: OFPG_ANY, flags: 0,
      match: [
        { field: 'in_port', value: OFPP.LOCAL },
        { field: 'metadata', value: 0x1212n, mask: 0xffffn },
        { field: 'eth_src', value: 'aa:bb:cc:00:00:00', mask: 'ff:ff:ff:00:00:00' },
        { field: 'eth_type', value: 0x800 },
        { field: 'vlan_vid', value: OFPVID_PRESENT | 5 },
        { field: 'ip_proto', value: 17 },
        { field: 'ipv4_src', value: '192.168.0.0', mask: '255.255.255.0' },
        { field: 'ipv4_dst', value: '10.0.0.9' },
        { field: 'udp_dst', value: 4789 },
      ],
      instructions: [
        { type: 'gotoTable', tableId: 8 },
        { type: 'writeMetadata', metadata: 3n, metadataMask: 3n },
        { type: 'meter', meterId: 4 },
        { type: 'writeActions', actions: [{ type: 'popVlan' }, { type: 'output', port: 2, maxLen: 0xffe5 }] },
        { type: 'clearActions' },
        { type: 'applyActions', actions: [
          { type: 'pushVlan', ethertype: 0x8100 },
          { type: 'setField', field: { field: 'vlan_vid', value: 4102 } },
          { type: 'setField', field: { field: 'eth_dst', value: '02:00:00:00:00:09' } },
          { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff },
          { type: 'group', groupId: 6 },
        ] },
      ],
    } satisfies FlowMod);
  });

  t.test('VLAN match spellings and ARP aliases', async (t) => {
    const vlan = async (v: unknown) => {
      const r = await post('/stats/flowentry/add', { dpid: 1, match: { dl_vlan: v }, actions: [] });
      t.equal(r.status, 200, r.text);
      return last('flowMod').match;
    };
    t.strictSame(await vlan('0x0000'), [{ field: 'vlan_vid', value: 0 }], 'untagged');
    t.strictSame(await vlan('0x1000/0x1000'), [{ field: 'vlan_vid', value: 0x1000, mask: 0x1000 }], 'any tag');
    t.strictSame(await vlan('0x1005'), [{ field: 'vlan_vid', value: 0x1005 }], 'hex: raw, no bit added');
    t.strictSame(await vlan('7'), [{ field: 'vlan_vid', value: 0x1007 }], 'decimal string: bit added');
    const arp = await post('/stats/flowentry/add', { dpid: 1, match: { dl_type: 2054, nw_src: '10.0.0.1', nw_dst: '10.0.0.0/8' } });
    t.equal(arp.status, 200, arp.text);
    t.strictSame(last('flowMod').match, [{ field: 'eth_type', value: 0x806 }, { field: 'arp_spa', value: '10.0.0.1' }, { field: 'arp_tpa', value: '10.0.0.0', mask: '255.0.0.0' }]);
  });

  t.test('modify, modify_strict, delete, delete_strict, clear', async (t) => {
    for (const [cmd, code] of [['modify', OFPFC.MODIFY], ['modify_strict', OFPFC.MODIFY_STRICT], ['delete', OFPFC.DELETE], ['delete_strict', OFPFC.DELETE_STRICT]] as const) {
      const r = await post(`/stats/flowentry/${cmd}`, { dpid: 1, table_id: 5, priority: 77, out_port: 3, out_group: 9, match: { eth_type: 0x86dd, ipv6_dst: '2001:db8::/32' }, actions: [{ type: 'OUTPUT', port: 4 }] });
      t.equal(r.status, 200, r.text);
      t.match(last('flowMod'), { command: code, tableId: 5, priority: 77, outPort: 3, outGroup: 9, match: [{ field: 'eth_type', value: 0x86dd }, { field: 'ipv6_dst', value: '2001:db8::', mask: 'ffff:ffff::' }] });
    }
    const del = await post('/stats/flowentry/delete', { dpid: 1 });
    t.equal(del.status, 200);
    t.match(last('flowMod'), { command: OFPFC.DELETE, tableId: 0, outPort: OFPP.ANY, match: [], instructions: [] }, 'Ryu: delete defaults to table 0');
    const clear = await http(rig, 'DELETE', '/stats/flowentry/clear/1');
    t.equal(clear.status, 200);
    t.strictSame(last('flowMod'), {
      type: 'flowMod', xid: 0, cookie: 0n, cookieMask: 0n, tableId: OFPTT_ALL, command: OFPFC.DELETE, idleTimeout: 0, hardTimeout: 0, priority: 0,
      bufferId: OFP_NO_BUFFER, outPort: OFPP.ANY, outGroup: OFPG_ANY, flags: 0, match: [], instructions: [],
    } satisfies FlowMod);
  });

  t.test('group and meter entries', async (t) => {
    const g = await post('/stats/groupentry/add', { dpid: 1, type: 'SELECT', group_id: 12, buckets: [{ weight: 3, watch_port: 2, actions: [{ type: 'OUTPUT', port: 1 }] }, { actions: [{ type: 'SET_FIELD', field: 'ipv4_dst', value: '10.9.8.7' }, { type: 'OUTPUT', port: 2 }] }] });
    t.equal(g.status, 200, g.text);
    t.strictSame(last('groupMod'), {
      type: 'groupMod', xid: 0, command: OFPGC.ADD, groupType: OFPGT.SELECT, groupId: 12,
      buckets: [
        { weight: 3, watchPort: 2, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 1, maxLen: 0xffe5 }] },
        { weight: 0, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'setField', field: { field: 'ipv4_dst', value: '10.9.8.7' } }, { type: 'output', port: 2, maxLen: 0xffe5 }] },
      ],
    });
    t.equal((await post('/stats/groupentry/delete', { dpid: 1, group_id: 12 })).status, 200);
    t.match(last('groupMod'), { command: OFPGC.DELETE, groupType: OFPGT.ALL, groupId: 12, buckets: [] });
    const m = await post('/stats/meterentry/add', { dpid: 1, flags: 'KBPS', meter_id: 3, bands: [{ type: 'DROP', rate: 1000, burst_size: 100 }, { type: 'DSCP_REMARK', rate: 2000, prec_level: 2 }] });
    t.equal(m.status, 200, m.text);
    t.strictSame(last('meterMod'), { type: 'meterMod', xid: 0, command: OFPMC.ADD, flags: 1, meterId: 3, bands: [{ type: 'drop', rate: 1000, burstSize: 100 }, { type: 'dscpRemark', rate: 2000, burstSize: 0, precLevel: 2 }] });
    t.equal((await post('/stats/meterentry/modify', { dpid: 1, meter_id: 3, flags: ['PKTPS', 'BURST'], bands: [{ type: 'DROP', rate: 5 }] })).status, 200);
    t.match(last('meterMod'), { command: OFPMC.MODIFY, flags: 6, meterId: 3 });
    t.equal((await post('/stats/groupentry/frobnicate', { dpid: 1 })).status, 404, 'unknown command: 404 as Ryu');
  });

  t.test('port modify and role', async (t) => {
    const r = await post('/stats/portdesc/modify', { dpid: 1, port_no: 2, config: 1, mask: 1 });
    t.equal(r.status, 200, r.text);
    const port2 = rig.weft.server.switches.get(rig.dpid)!.info.ports.get(2)!;
    t.strictSame(last('portMod'), { type: 'portMod', xid: 0, portNo: 2, hwAddr: port2.hwAddr, config: 1, mask: 1, advertise: port2.advertised });
    t.equal((await post('/stats/portdesc/modify', { dpid: 1, port_no: 9, config: 1, mask: 1 })).status, 404, 'unknown port');
    rig.ryu.role = { role: 3, generationId: 0n };
    t.equal((await post('/stats/role', { dpid: 1, role: 'SLAVE' })).status, 200);
    t.match(last('roleRequest'), { role: 3, generationId: 0n });
  });

  t.test('a switch ERROR is an HTTP error with its names; bad input is a 400', async (t) => {
    rig.ryu.reject = (m) => (m.type === 'flowMod' && m.tableId === 9 ? 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_GROUP' : undefined);
    const r = await post('/stats/flowentry/add', { dpid: 1, table_id: 9, actions: [{ type: 'GROUP', group_id: 4242 }] });
    rig.ryu.reject = undefined;
    t.equal(r.status, 422);
    t.strictSame(r.json.error.openflow, { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_GROUP' });
    t.equal((await post('/stats/flowentry/add', { match: {} })).status, 400, 'no dpid');
    t.equal((await post('/stats/flowentry/add', { dpid: 2 })).status, 404, 'unknown switch');
    t.equal((await post('/stats/flowentry/nope', { dpid: 1 })).status, 404, 'unknown command');
    const badField = await post('/stats/flowentry/add', { dpid: 1, match: { tp_dst: 80 } });
    t.equal(badField.status, 400);
    t.equal(badField.json.error.field, 'match.tp_dst');
    const badAction = await post('/stats/flowentry/add', { dpid: 1, actions: [{ type: 'TELEPORT' }] });
    t.equal(badAction.status, 400);
    t.equal(badAction.json.error.field, 'actions[0].type');
    t.equal((await post('/stats/flowentry/add', '{not json')).status, 400);
  });
});
