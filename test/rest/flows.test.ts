/** Flow routes over real HTTP: reads from flow stats, writes confirmed by barriers, errors by name, bulk. */
import t from 'tap';
import { OFP_NO_BUFFER, OFPFC, OFPFF, OFPG_ANY, OFPP, OFPTT_ALL, OFPVID_PRESENT } from '../../protocol/index.js';
import type { FlowMod } from '../../protocol/index.js';
import { ct, ctClear, ctState, nat, resubmit } from '../../protocol/openflow/nicira/index.js';
import { http, startRig } from './rig.js';

t.test('flow routes', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const flows = `/api/v1/switches/${rig.dpid}/flows`;
  const lastFlowMod = () => rig.got('flowMod').at(-1)!;

  t.test('GET lists flows from flow stats with filters passed to the switch', async (t) => {
    rig.script.flows = [
      {
        tableId: 3, durationSec: 41, durationNsec: 500, priority: 321, idleTimeout: 60, hardTimeout: 600, flags: OFPFF.SEND_FLOW_REM, cookie: 0x2a00000000000007n,
        packetCount: 12n, byteCount: 3456n,
        match: [{ field: 'in_port', value: 1 }, { field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '10.1.0.0', mask: '255.255.0.0' }],
        instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
      },
      {
        tableId: 0, durationSec: 1, durationNsec: 2, priority: 0, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n,
        match: [{ field: 'vlan_vid', value: OFPVID_PRESENT | 10 }],
        instructions: [{ type: 'meter', meterId: 4 }, { type: 'applyActions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }] }, { type: 'gotoTable', tableId: 5 }],
      },
    ];
    const r = await http(rig, 'GET', `${flows}?table=3&cookie=0x2a00000000000007&outPort=2&match=${encodeURIComponent('{"in_port":1}')}`);
    t.equal(r.status, 200);
    t.same(r.json[0], {
      table: 3, priority: 321, cookie: '0x2a00000000000007', idleTimeout: 60, hardTimeout: 600, flags: ['send_flow_rem'],
      match: { in_port: 1, eth_type: 2048, ipv4_dst: '10.1.0.0/16' }, actions: [{ type: 'output', port: 2, maxLen: 0 }],
      packetCount: 12, byteCount: 3456, durationSec: 41, durationNsec: 500,
    });
    t.same(r.json[1].match, { vlan_vid: 10 });
    t.same(r.json[1].instructions, [{ type: 'meter', meterId: 4 }, { type: 'applyActions', actions: [{ type: 'output', port: 'CONTROLLER', maxLen: 65535 }] }, { type: 'gotoTable', tableId: 5 }]);
    const req = rig.got('multipartRequest').at(-1)!;
    t.same(req.body, { kind: 'flow', tableId: 3, outPort: 2, outGroup: OFPG_ANY, cookie: 0x2a00000000000007n, cookieMask: 0xffffffffffffffffn, match: [{ field: 'in_port', value: 1 }] });
    const all = await http(rig, 'GET', flows);
    t.equal(all.status, 200);
    t.match(rig.got('multipartRequest').at(-1)!.body, { kind: 'flow', tableId: OFPTT_ALL, outPort: OFPP.ANY, cookieMask: 0n, match: [] });
    const badMatch = await http(rig, 'GET', `${flows}?match=notjson`);
    t.equal(badMatch.status, 400);
    t.equal(badMatch.json.error.field, 'match');
  });

  t.test('Nicira actions (the nat app\'s conntrack flows) read back as ovs-ofctl text; they cannot be written', async (t) => {
    rig.script.flows = [
      {
        tableId: 0, durationSec: 1, durationNsec: 0, priority: 510, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n,
        match: [{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_src', value: '192.168.1.0', mask: '255.255.255.0' }],
        instructions: [{ type: 'applyActions', actions: [ct({ zone: 7, table: 2, actions: [nat()] }), resubmit(1), ctClear()] }],
      },
      {
        tableId: 2, durationSec: 1, durationNsec: 0, priority: 10, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0n, packetCount: 0n, byteCount: 0n,
        match: [{ field: 'eth_type', value: 0x800 }, ctState('+trk+new')],
        instructions: [{ type: 'applyActions', actions: [ct({ commit: true, zone: 7, actions: [nat({ kind: 'src', addr: '203.0.113.100', ports: [1024, 65535] })] }), resubmit(1)] }],
      },
    ];
    const r = await http(rig, 'GET', flows);
    t.equal(r.status, 200);
    t.same(r.json[0].actions, [
      { type: 'nxCt', text: 'ct(table=2,zone=7,nat)' },
      { type: 'nxResubmit', text: 'resubmit(,1)' },
      { type: 'nxCtClear', text: 'ct_clear' },
    ]);
    t.same(r.json[1].match, { eth_type: 2048, ct_state: '+new+trk' }, 'ct_state as ovs-ofctl writes it');
    t.same(r.json[1].actions, [
      { type: 'nxCt', text: 'ct(commit,zone=7,nat(src=203.0.113.100:1024-65535))' },
      { type: 'nxResubmit', text: 'resubmit(,1)' },
    ]);
    const filtered = await http(rig, 'GET', `${flows}?match=${encodeURIComponent('{"eth_type":2048,"ct_state":"+trk-est"}')}`);
    t.equal(filtered.status, 200);
    t.same((rig.got('multipartRequest').at(-1)!.body as { match: unknown }).match, [{ field: 'eth_type', value: 0x800 }, { field: 'ct_state', value: 0x20, mask: 0x22 }], 'and takes that form in a match');
    const badState = await http(rig, 'GET', `${flows}?match=${encodeURIComponent('{"ct_state":"+bogus"}')}`);
    t.equal(badState.status, 400);
    t.match(badState.json.error, { field: 'match.ct_state', message: /unknown ct_state flag "bogus"/ });
    const write = await http(rig, 'POST', flows, { body: { priority: 1, actions: [{ type: 'nxCt', text: 'ct(commit)' }] } });
    t.equal(write.status, 400);
    t.match(write.json.error, { field: 'actions[0].type', message: /Nicira actions are shown when flows are read, but cannot be written through REST/ });
  });

  t.test('POST adds a flow: exact FLOW_MOD, then a barrier, then 201 with the flow as installed', async (t) => {
    const before = rig.got('barrierRequest').length;
    const body = {
      table: 4, priority: 4321, cookie: '0xbeef', idleTimeout: 30, hardTimeout: 300, flags: ['send_flow_rem', 'check_overlap'],
      match: { in_port: 'LOCAL', eth_src: '02:aa:00:00:00:00/ff:ff:00:00:00:00', eth_type: '0x0800', ip_proto: 6, ipv4_src: '192.168.7.0/255.255.255.0', tcp_dst: 8443 },
      actions: [{ type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:99' }, { type: 'pushVlan' }, { type: 'setField', field: 'vlan_vid', value: 33 }, { type: 'output', port: 3 }],
      instructions: [{ type: 'writeMetadata', metadata: '0x1234', metadataMask: '0xffff' }, { type: 'gotoTable', tableId: 9 }],
    };
    const r = await http(rig, 'POST', flows, { body });
    t.equal(r.status, 201, JSON.stringify(r.json));
    const fm = lastFlowMod();
    t.same({ ...fm, xid: 0 }, {
      type: 'flowMod', xid: 0, cookie: 0xbeefn, cookieMask: 0n, tableId: 4, command: OFPFC.ADD, idleTimeout: 30, hardTimeout: 300, priority: 4321,
      bufferId: OFP_NO_BUFFER, outPort: OFPP.ANY, outGroup: OFPG_ANY, flags: OFPFF.SEND_FLOW_REM | OFPFF.CHECK_OVERLAP,
      match: [
        { field: 'in_port', value: OFPP.LOCAL },
        { field: 'eth_src', value: '02:aa:00:00:00:00', mask: 'ff:ff:00:00:00:00' },
        { field: 'eth_type', value: 0x800 },
        { field: 'ip_proto', value: 6 },
        { field: 'ipv4_src', value: '192.168.7.0', mask: '255.255.255.0' },
        { field: 'tcp_dst', value: 8443 },
      ],
      instructions: [
        { type: 'applyActions', actions: [
          { type: 'setField', field: { field: 'eth_dst', value: '02:00:00:00:00:99' } },
          { type: 'pushVlan', ethertype: 0x8100 },
          { type: 'setField', field: { field: 'vlan_vid', value: OFPVID_PRESENT | 33 } },
          { type: 'output', port: 3, maxLen: 0 },
        ] },
        { type: 'writeMetadata', metadata: 0x1234n, metadataMask: 0xffffn },
        { type: 'gotoTable', tableId: 9 },
      ],
    });
    t.equal(rig.got('barrierRequest').length, before + 1, 'confirmed by one barrier');
    const lastBarrier = rig.got('barrierRequest').at(-1)!;
    t.ok(rig.sw.received.indexOf(lastBarrier) > rig.sw.received.indexOf(fm), 'the barrier follows the flow mod');
    t.same(r.json.match, { in_port: 'LOCAL', eth_src: '02:aa:00:00:00:00/ff:ff:00:00:00:00', eth_type: 2048, ip_proto: 6, ipv4_src: '192.168.7.0/24', tcp_dst: 8443 });
    t.equal(r.json.cookie, '0xbeef');
    t.same(r.json.flags, ['send_flow_rem', 'check_overlap']);
    t.equal(r.json.instructions.length, 3);
  });

  t.test('PUT/PATCH modify (strict on request), DELETE by body or query', async (t) => {
    const put = await http(rig, 'PUT', flows, { body: { table: 2, priority: 77, strict: true, match: { in_port: 5 }, actions: [{ type: 'output', port: 'NORMAL' }] } });
    t.equal(put.status, 200);
    t.match(lastFlowMod(), { command: OFPFC.MODIFY_STRICT, tableId: 2, priority: 77, match: [{ field: 'in_port', value: 5 }], instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP.NORMAL }] }] });
    const patch = await http(rig, 'PATCH', flows, { body: { cookie: 7, cookieMask: '0xff', actions: [] } });
    t.equal(patch.status, 200);
    t.match(lastFlowMod(), { command: OFPFC.MODIFY, tableId: 0, cookie: 7n, cookieMask: 0xffn, instructions: [] });

    const del = await http(rig, 'DELETE', flows, { body: { table: 6, match: { eth_dst: '02:00:00:00:00:01' }, outPort: 4 } });
    t.equal(del.status, 204);
    t.match(lastFlowMod(), { command: OFPFC.DELETE, tableId: 6, outPort: 4, outGroup: OFPG_ANY, match: [{ field: 'eth_dst', value: '02:00:00:00:00:01' }] });
    const strict = await http(rig, 'DELETE', flows, { body: { table: 1, priority: 900, strict: true, match: { in_port: 3 } } });
    t.equal(strict.status, 204);
    t.match(lastFlowMod(), { command: OFPFC.DELETE_STRICT, tableId: 1, priority: 900 });
    const q = await http(rig, 'DELETE', `${flows}?table=8&cookie=0x55&outGroup=12&match=${encodeURIComponent('{"tcp_dst":80,"ip_proto":6,"eth_type":2048}')}`);
    t.equal(q.status, 204);
    t.match(lastFlowMod(), { command: OFPFC.DELETE, tableId: 8, cookie: 0x55n, cookieMask: 0xffffffffffffffffn, outGroup: 12 });
    t.same(lastFlowMod().match.map((e) => (e as { field: string }).field), ['eth_type', 'ip_proto', 'tcp_dst'], 'OXM in field order');
    const everything = await http(rig, 'DELETE', flows);
    t.equal(everything.status, 204);
    t.match(lastFlowMod(), { command: OFPFC.DELETE, tableId: OFPTT_ALL, match: [], outPort: OFPP.ANY });
    const both = await http(rig, 'DELETE', `${flows}?table=1`, { body: { table: 2 } });
    t.equal(both.status, 400);
    const withActions = await http(rig, 'DELETE', flows, { body: { actions: [] } });
    t.equal(withActions.json.error.field, 'actions');
  });

  t.test('invalid bodies are 400 naming the field, and nothing is sent', async (t) => {
    const sent = rig.got('flowMod').length;
    const cases: [unknown, string, RegExp][] = [
      [{ priority: 70000 }, 'priority', /priority: must be <= 65535/],
      [{ bogus: true }, 'bogus', /unknown field/],
      [{ match: { eth_dts: '02:00:00:00:00:01' } }, 'match.eth_dts', /unknown field/],
      [{ match: { eth_dst: '02:00:00:00:00' } }, 'match.eth_dst', /expected a MAC address/],
      [{ match: { ipv4_dst: '10.0.0.0/33', eth_type: 2048 } }, 'match.ipv4_dst', /prefix length 33/],
      [{ match: { tcp_dst: 80 } }, 'match', /OFPBMC_BAD_PREREQ|prerequisite|requires/i],
      [{ match: { in_port: 1 }, actions: [{ type: 'output', port: 2 }, { type: 'output', port: 'NOWHERE' }] }, 'actions[1].port', /expected an integer/],
      [{ actions: [{ type: 'group' }] }, 'actions[0].groupId', /missing/],
      [{ actions: [{ type: 'teleport' }] }, 'actions[0].type', /must be one of/],
      [{ instructions: [{ type: 'gotoTable', tableId: 255 }] }, 'instructions[0].tableId', /0-254/],
      [{ flags: ['send_flow_rem', 'loud'] }, 'flags', /./],
      [{ cookie: 'cookie!' }, 'cookie', /64-bit integer/],
      [{ actions: [{ type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:01/ff:ff:ff:ff:ff:ff' }] }, 'actions[0].value', /no mask/],
    ];
    for (const [body, field, msg] of cases) {
      const r = await http(rig, 'POST', flows, { body });
      t.equal(r.status, 400, `${JSON.stringify(body)} -> 400`);
      t.equal(r.json?.error?.code, 'bad_request');
      t.equal(r.json?.error?.field, field, `names ${field}`);
      t.match(r.json?.error?.message, msg);
    }
    const notJson = await http(rig, 'POST', flows, { raw: '{"priority":', headers: { 'content-type': 'application/json' } });
    t.equal(notJson.status, 400);
    t.equal(notJson.json.error.code, 'bad_request');
    t.equal(rig.got('flowMod').length, sent, 'no flow mod reached the switch');
  });

  t.test('an ERROR from the switch comes back as 4xx with its type and code names', async (t) => {
    rig.script.reject = (m) => {
      if (m.type !== 'flowMod') return undefined;
      if (m.priority === 11) return 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_GROUP';
      if (m.priority === 12) return 'OFPET_FLOW_MOD_FAILED/OFPFMFC_OVERLAP';
      if (m.priority === 13) return 'OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_TABLE_ID';
      return undefined;
    };
    t.teardown(() => void (rig.script.reject = undefined));
    const group = await http(rig, 'POST', flows, { body: { priority: 11, actions: [{ type: 'group', groupId: 99 }] } });
    t.equal(group.status, 422);
    t.same(group.json, { error: { status: 422, code: 'switch_error', message: 'the switch rejected the flow add: OFPET_BAD_ACTION/OFPBAC_BAD_OUT_GROUP', openflow: { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_GROUP' } } });
    const overlap = await http(rig, 'POST', flows, { body: { priority: 12, flags: ['check_overlap'] } });
    t.equal(overlap.status, 409);
    t.equal(overlap.json.error.openflow.code, 'OFPFMFC_OVERLAP');
    const table = await http(rig, 'PATCH', flows, { body: { priority: 13, table: 200 } });
    t.equal(table.status, 422);
    t.same(table.json.error.openflow, { type: 'OFPET_FLOW_MOD_FAILED', code: 'OFPFMFC_BAD_TABLE_ID' });
  });

  t.test('bulk: many flows in one call, chunked with barriers, per-index errors', async (t) => {
    const bulk = `${flows}/bulk`;
    const n = 12_345;
    const list = Array.from({ length: n }, (_, i) => ({ table: 1, priority: 1000 + (i % 7), match: { eth_type: 2048, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 1 + (i % 3) }] }));
    const sentBefore = rig.got('flowMod').length;
    const barriersBefore = rig.got('barrierRequest').length;
    const r = await http(rig, 'POST', bulk, { body: { flows: list } });
    t.equal(r.status, 200, JSON.stringify(r.json).slice(0, 300));
    t.equal(r.json.count, n);
    t.equal(r.json.accepted, n);
    t.equal(r.json.atomic, false, 'this switch refuses bundles: the plain path');
    t.equal(rig.got('bundleControl').length, 1, 'one OPEN tried');
    t.ok(r.json.flowsPerSecond > 0);
    const mods = rig.got('flowMod').slice(sentBefore) as FlowMod[];
    t.equal(mods.length, n, 'every flow reached the switch');
    t.match(mods[4321], { command: OFPFC.ADD, tableId: 1, priority: 1000 + (4321 % 7), match: [{ field: 'eth_type' }, { field: 'ipv4_dst', value: '10.0.16.225' }] });
    // A barrier follows each chunk of 5000 (the connection adds barriers of its own too, to
    // bound its error callbacks, so count where they stand rather than how many there are).
    const stream = rig.stream();
    const chunkEnds = [4999, 9999, n - 1].map((k) => stream.indexOf(mods[k]!) + 1);
    t.same(chunkEnds.map((i) => stream[i]?.type), ['barrierRequest', 'barrierRequest', 'barrierRequest'], 'a barrier after every chunk');
    t.ok(rig.got('barrierRequest').length - barriersBefore >= Math.ceil(n / 5000));

    rig.script.reject = (m) => (m.type === 'flowMod' && m.priority === 1003 ? 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT' : undefined);
    const some = await http(rig, 'POST', bulk, { body: { flows: list.slice(0, 30) } });
    rig.script.reject = undefined;
    t.equal(some.status, 422);
    t.equal(some.json.error.message, '4 of 30 flows were rejected');
    t.same(some.json.error.openflow, { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_PORT' });
    t.same(some.json.error.details.errors.map((e: { index: number }) => e.index), [3, 10, 17, 24]);
    t.match(some.json.error.details, { count: 30, accepted: 26, rejected: 4, atomic: false });
    t.equal(rig.got('bundleControl').length, 1, 'the refusal is remembered for the connection');
    t.equal(rig.got('bundleAdd').length, 0);

    const before = rig.got('flowMod').length;
    const bad = list.slice(0, 10).map((f, i) => (i === 6 ? { ...f, match: { eth_dst: 'nope' } } : f));
    const invalid = await http(rig, 'POST', bulk, { body: { flows: bad } });
    t.equal(invalid.status, 400);
    t.equal(invalid.json.error.field, 'flows[6].match.eth_dst');
    t.equal(rig.got('flowMod').length, before, 'nothing sent when one flow is invalid');

    // A flow that converts but cannot be encoded (its actions alone exceed 64 KiB) is found
    // before anything is sent too: every flow is encoded first.
    const huge = { priority: 1, actions: Array.from({ length: 5000 }, () => ({ type: 'output', port: 2 })) };
    const tooBig = await http(rig, 'POST', bulk, { body: { flows: [...list.slice(0, 3), huge, ...list.slice(3, 6)] } });
    t.equal(tooBig.status, 400);
    t.match(tooBig.json.error, { field: 'flows[3]', message: /^flows\[3\]: .*exceeds 65535/, openflow: { type: 'OFPET_BAD_INSTRUCTION', code: 'OFPBIC_BAD_LEN' } });
    t.equal(rig.got('flowMod').length, before, 'nothing sent when one flow cannot be encoded');

    // An element that is not JSON (its brackets balance, so the walk locates it) in the third
    // slice of 1000: it is named by its byte, and a bad flow before it is found first.
    const good = JSON.stringify(list.slice(0, 2500)).slice(1, -1);
    const rawBody = `{"flows": [${good}, {"priority": 01}]}`;
    const notJson = await http(rig, 'POST', bulk, { raw: rawBody, headers: { 'content-type': 'application/json' } });
    t.equal(notJson.status, 400);
    t.match(notJson.json.error.message, new RegExp(`^flows\\[2500\\]: body is not valid JSON: .* at byte ${rawBody.indexOf('{"priority": 01}')}$`));
    const withBad = JSON.stringify(bad).slice(1, -1);
    const badFirst = await http(rig, 'POST', bulk, { raw: `{"flows": [${withBad}, {"priority": 01}]}`, headers: { 'content-type': 'application/json' } });
    t.equal(badFirst.json.error.field, 'flows[6].match.eth_dst', 'the invalid flow before the broken element is reported');
    t.equal(rig.got('flowMod').length, before, 'nothing sent for either');

    const del = await http(rig, 'POST', bulk, { body: { command: 'delete', flows: [{ table: 1, match: { in_port: 3 } }] } });
    t.equal(del.status, 200);
    t.match(lastFlowMod(), { command: OFPFC.DELETE, tableId: 1 });
    const noFlows = await http(rig, 'POST', bulk, { body: { flow: [] } });
    t.equal(noFlows.status, 400);
    t.equal(noFlows.json.error.field, 'flows');
  });
});

t.test('body size limit: 413 in the error body, the bulk route has its own limit', async (t) => {
  const rig = await startRig({ bodyLimit: 2048 });
  t.teardown(() => rig.close());
  const flows = Array.from({ length: 40 }, (_, i) => ({ priority: i, match: { in_port: 1 }, actions: [{ type: 'output', port: 2 }] }));
  const big = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows`, { body: { priority: 1, actions: Array.from({ length: 120 }, () => ({ type: 'output', port: 2 })) } });
  t.equal(big.status, 413);
  t.equal(big.json.error.code, 'payload_too_large');
  const bulk = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { flows } });
  t.equal(bulk.status, 200, 'the bulk route accepts bodies above rest.bodyLimit');
  t.equal(bulk.json.count, 40);
});
