/**
 * The Ryu routes where weft used to differ from Ryu's ofctl (issue 19), over real HTTP with a
 * scripted switch: masked values with host bits are masked (the native API still refuses them),
 * "vlan_vid": 4102 is VLAN 6, a plain cookie filter cannot reach weft's own flows, flowdesc and
 * experimenter are served, refused meter/queue reads answer [], table features and Nicira
 * fields/actions print as Ryu prints them.
 */
import t from 'tap';
import { OFPFC } from '../../protocol/index.js';
import type { FlowStats } from '../../protocol/index.js';
import { http } from './rig.js';
import { startRyuRig } from './ryu-rig.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ALL64 = (1n << 64n) - 1n;

t.test('Ryu drop-in, exact', async (t) => {
  const rig = await startRyuRig();
  t.teardown(() => rig.close());
  const post = (path: string, body: unknown) => http(rig, 'POST', path, { raw: JSON.stringify(body), headers: FORM });
  const lastFlowMod = () => rig.got('flowMod').at(-1)!;

  t.test('masked values with bits outside the mask are masked, as OVS does with what Ryu sends', async (t) => {
    const cases: [Record<string, unknown>, unknown[]][] = [
      [{ dl_type: 2048, nw_dst: '192.168.0.1/24' }, [{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '192.168.0.0', mask: '255.255.255.0' }]],
      [{ dl_type: 2048, nw_src: '192.168.10.10/255.255.255.0' }, [{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_src', value: '192.168.10.0', mask: '255.255.255.0' }]],
      [{ dl_dst: 'aa:bb:cc:11:22:33/00:00:00:00:ff:ff' }, [{ field: 'eth_dst', value: '00:00:00:00:22:33', mask: '00:00:00:00:ff:ff' }]],
      [{ eth_type: 0x86dd, ipv6_src: '2001:db8:0:1::1234/64' }, [{ field: 'eth_type', value: 0x86dd }, { field: 'ipv6_src', value: '2001:db8:0:1::', mask: 'ffff:ffff:ffff:ffff::' }]],
      [{ metadata: '0x1234/0xff00' }, [{ field: 'metadata', value: 0x1200n, mask: 0xff00n }]],
    ];
    for (const [match, want] of cases) {
      for (const cmd of ['add', 'delete']) {
        const r = await post(`/stats/flowentry/${cmd}`, { dpid: 1, match, actions: [] });
        t.equal(r.status, 200, `${cmd} ${JSON.stringify(match)}: ${r.text}`);
        t.same(lastFlowMod().match, want, `${cmd}: the value is masked`);
      }
    }
    rig.ryu.replies.flow = { kind: 'flow', stats: [] };
    for (const path of ['/stats/flow/1', '/stats/aggregateflow/1']) {
      rig.ryu.replies.aggregate = { kind: 'aggregate', packetCount: 0n, byteCount: 0n, flowCount: 0 };
      const r = await post(path, { match: { dl_type: 2048, nw_dst: '192.168.0.1/24' } });
      t.equal(r.status, 200, `${path} filter`);
      t.match(rig.got('multipartRequest').at(-1)!.body, { match: [{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '192.168.0.0', mask: '255.255.255.0' }] }, `${path}: the filter is masked`);
    }
    const native = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows`, { body: { match: { eth_type: 2048, ipv4_dst: '192.168.0.1/24' } } });
    t.equal(native.status, 400, 'the native API stays strict');
    t.match(native.json.error, { openflow: { code: 'OFPBMC_BAD_WILDCARDS' } });
  });

  t.test('"vlan_vid": 4102 (OFPVID_PRESENT already set) is VLAN 6', async (t) => {
    for (const v of [4102, '4102', 6, '6']) {
      const r = await post('/stats/flowentry/add', { dpid: 1, match: { vlan_vid: v } });
      t.equal(r.status, 200, `${JSON.stringify(v)}: ${r.text}`);
      t.same(lastFlowMod().match, [{ field: 'vlan_vid', value: 0x1006 }], `${JSON.stringify(v)} -> dl_vlan=6`);
    }
    t.equal((await post('/stats/flowentry/add', { dpid: 1, match: { vlan_vid: 8192 } })).status, 400, 'above 13 bits: 400');
  });

  t.test("a Ryu cookie filter cannot reach weft's own flows", async (t) => {
    for (const cmd of ['delete', 'delete_strict', 'modify', 'modify_strict'] as const) {
      const r = await post(`/stats/flowentry/${cmd}`, { dpid: 1, cookie: 1, cookie_mask: 1 });
      t.equal(r.status, 200);
      t.match(lastFlowMod(), { cookie: 1n, cookieMask: 0xffff_0000_0000_0001n }, `${cmd}: narrowed to app id 0`);
    }
    await post('/stats/flowentry/delete', { dpid: 1, cookie: '0x1234000000000001', cookie_mask: 1 });
    t.match(lastFlowMod(), { cookie: 1n, cookieMask: 0xffff_0000_0000_0001n }, 'top bits outside the mask are cleared from the cookie too');
    await post('/stats/flowentry/delete', { dpid: 1, cookie: '0x1234000000000001', cookie_mask: '0xffffffffffffffff' });
    t.match(lastFlowMod(), { cookie: 0x1234_0000_0000_0001n, cookieMask: ALL64 }, 'a mask naming the top bits is taken as given');
    await post('/stats/flowentry/delete', { dpid: 1, match: { in_port: 1 } });
    t.match(lastFlowMod(), { command: OFPFC.DELETE, cookie: 0n, cookieMask: 0n }, 'no cookie filter: untouched');
    await post('/stats/flowentry/add', { dpid: 1, cookie: 1, cookie_mask: 1 });
    t.match(lastFlowMod(), { command: OFPFC.ADD, cookie: 1n, cookieMask: 1n }, 'add: untouched');
  });

  t.test('flowdesc and experimenter are served', async (t) => {
    rig.ryu.replies.flow = { kind: 'flow', stats: [{ tableId: 0, durationSec: 1, durationNsec: 2, priority: 5, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n, match: [], instructions: [] }] };
    const flow = await http(rig, 'GET', '/stats/flow/1');
    for (const method of ['GET', 'POST']) {
      const desc = await http(rig, method, '/stats/flowdesc/1', method === 'POST' ? { raw: '{"table_id": 0}' } : {});
      t.equal(desc.status, 200);
      t.same(desc.json, flow.json, `${method} /stats/flowdesc: what /stats/flow answers`);
    }
    const r = await post('/stats/experimenter/1', { experimenter: 0x2320, exp_type: 7, data_type: 'ascii', data: 'hello' });
    t.equal(r.status, 200, r.text);
    t.match(rig.got('experimenter').at(-1), { type: 'experimenter', experimenter: 0x2320, expType: 7, data: new Uint8Array(Buffer.from('hello')) });
    await post('/stats/experimenter/1', { experimenter: 1, data_type: 'base64', data: 'AAEC' });
    t.match(rig.got('experimenter').at(-1), { experimenter: 1, expType: 0, data: new Uint8Array([0, 1, 2]) });
    t.equal((await post('/stats/experimenter/1', { data_type: 'hex' })).status, 400);
    t.equal((await post('/stats/experimenter/99', {})).status, 404);
  });

  t.test('meters, meter configs, queues and groups the switch does not have: 200 with []', async (t) => {
    rig.ryu.reject = (m) =>
      m.type === 'multipartRequest' && (m.body.kind === 'meter' || m.body.kind === 'meterConfig') ? 'OFPET_METER_MOD_FAILED/OFPMMFC_UNKNOWN_METER'
      : m.type === 'multipartRequest' && m.body.kind === 'queue' ? 'OFPET_QUEUE_OP_FAILED/OFPQOFC_BAD_QUEUE'
      : m.type === 'queueGetConfigRequest' ? 'OFPET_QUEUE_OP_FAILED/OFPQOFC_BAD_PORT'
      : undefined;
    t.teardown(() => (rig.ryu.reject = undefined));
    for (const path of ['/stats/meter/1/5', '/stats/meterconfig/1/5', '/stats/queue/1/1/9', '/stats/queueconfig/1/9']) {
      const r = await http(rig, 'GET', path);
      t.equal(r.status, 200, path);
      t.same(r.json, { 1: [] }, `${path}: an empty list, as Ryu`);
    }
  });

  t.test('table features: hasmask 0/1, NXM fields by name', async (t) => {
    rig.ryu.replies.tableFeatures = {
      kind: 'tableFeatures',
      tables: [{
        tableId: 0, name: 'classifier', metadataMatch: 0n, metadataWrite: 0n, config: 0, maxEntries: 1000,
        properties: [{ type: 'match', oxmIds: [
          { oxmClass: 0x8000, oxmField: 3, hasMask: true, length: 12 },
          { oxmClass: 0x0001, oxmField: 0, hasMask: false, length: 4 },
          { oxmClass: 0x0001, oxmField: 33, hasMask: true, length: 8 },
          { oxmClass: 0x0000, oxmField: 4, hasMask: false, length: 2 },
          { oxmClass: 0x0003, oxmField: 1, hasMask: false, length: 4 },
        ] }],
      }],
    };
    const r = await http(rig, 'GET', '/stats/tablefeatures/1');
    t.same(r.json[1][0].properties[0].oxm_ids, [
      { hasmask: 1, length: 12, type: 'eth_dst' },
      { hasmask: 0, length: 4, type: 'reg0' },
      { hasmask: 1, length: 8, type: 'pkt_mark' },
      { hasmask: 0, length: 2, type: 'vlan_tci' },
      { hasmask: 0, length: 4, type: `field_${3 * 128 + 1}` },
    ]);
  });

  t.test('Nicira match fields and actions read back as Ryu prints them', async (t) => {
    const nx = (sub: number, body: number[]) => ({ type: 'experimenter' as const, experimenter: 0x2320, data: new Uint8Array([sub >> 8, sub & 255, ...body]) });
    const reg1 = [0x00, 0x01, 0x02, 0x04];
    const reg2 = [0x00, 0x01, 0x04, 0x04];
    const flow: FlowStats = {
      tableId: 0, durationSec: 1, durationNsec: 2, priority: 9, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n,
      match: [
        { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: new Uint8Array([0, 0, 0, 5]) },
        { field: 'opaque', oxmClass: 1, oxmField: 33, hasMask: true, body: new Uint8Array([0, 0, 0, 1, 0, 0, 0, 3]) },
        { field: 'opaque', oxmClass: 1, oxmField: 34, hasMask: true, body: new Uint8Array([0, 2, 0, 0x12]) },
        { field: 'opaque', oxmClass: 1, oxmField: 31, hasMask: false, body: new Uint8Array([192, 0, 2, 1]) },
      ],
      instructions: [{ type: 'applyActions', actions: [
        { type: 'setField', field: { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: new Uint8Array([0, 0, 0, 7]) } },
        // load:0xab->NXM_NX_REG1[4..11]: ofs 4, nbits 8 -> ofs_nbits 4<<6 | 7
        nx(7, [0x01, 0x07, ...reg1, 0, 0, 0, 0, 0, 0, 0, 0xab]),
        // move:NXM_NX_REG1[0..15]->NXM_NX_REG2[16..31]
        nx(6, [0, 16, 0, 0, 0, 16, ...reg1, ...reg2]),
        nx(34, [1, 3, 0, 0, 0, 42]),
        { type: 'nxCt', flags: 1, zone: 7, recircTable: 2, alg: 0, actions: [{ type: 'nxNat', flags: 1, ipv4Min: '203.0.113.1', protoMin: 1024, protoMax: 65535 }] },
        { type: 'nxResubmit', inPort: 0xfff8, table: 3 },
        { type: 'output', port: 2, maxLen: 0 },
      ] }],
    };
    rig.ryu.replies.flow = { kind: 'flow', stats: [flow] };
    const r = await http(rig, 'GET', '/stats/flow/1');
    t.equal(r.status, 200);
    const f = r.json[1][0];
    t.same(f.match, { reg0: 5, pkt_mark: '1/3', tcp_flags_nxm: '2/18', tun_ipv4_src: '192.0.2.1' }, 'NXM fields by Ryu name: the flow is not shown wider than it is');
    t.same(f.actions, [
      'SET_FIELD: {reg0:7}',
      'NX_LOAD: {reg1[4..12]: ab}',
      'NX_MOVE: {reg2[16..32]: reg1[0..16]}',
      'NX_CONJUNCTION: {clause: 1, number_of_clauses: 3, id: 42}',
      "NX_CT: {flags: 1, zone: [7..23], table: 2, alg: 0, actions: ['NX_NAT: {flags: 1, range_ipv4_min: 203.0.113.1, range_ipv4_max: , range_ipv6_min: , range_ipv6_max: , range_proto_min: 1024, range_proto_max: 65535}']}",
      `NX_UNKNOWN: {subtype: 14, data: ${Buffer.from([0xff, 0xf8, 3, 0, 0, 0]).toString('base64')}}`,
      'OUTPUT:2',
    ]);
  });
});
