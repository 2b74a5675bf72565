/**
 * Every ofctl_rest read route over real HTTP against a scripted switch, answered in Ryu's shape:
 * the response equals the golden JSON (test/fixtures/ryu, from Ryu's documented examples) and
 * the multipart request carries the right filters.
 */
import t from 'tap';
import { OFPAT, OFPFF, OFPG_ANY, OFPP, OFPTT_ALL, OFPVID_PRESENT } from '../../protocol/index.js';
import { http } from './rig.js';
import { exactParse, golden } from './ryu-golden.js';
import { startRyuRig } from './ryu-rig.js';

const z = { packetCount: 0n, byteCount: 0n };

t.test('ofctl_rest stats routes answer in Ryu shape', async (t) => {
  const rig = await startRyuRig();
  t.teardown(() => rig.close());
  const get = async (path: string, name: string, method = 'GET', body?: unknown) => {
    const r = await http(rig, method, path, body === undefined ? {} : { body });
    t.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
    t.match(r.headers.get('content-type'), /application\/json/);
    t.strictSame(exactParse(r.text), golden(name), `${method} ${path} matches ${name}.json`);
    return r;
  };
  const lastMultipart = () => rig.got('multipartRequest').at(-1)!.body;
  const R = rig.ryu.replies;

  t.test('switches and desc', async () => {
    await get('/stats/switches', 'switches');
    R.desc = { kind: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '2.3.90', serialNum: 'None', dpDesc: 'None' };
    await get('/stats/desc/1', 'desc');
    await get('/stats/desc/0x1', 'desc');
  });

  t.test('flow stats: GET, and POST with a filter', async (t) => {
    R.flow = {
      kind: 'flow',
      stats: [
        { tableId: 0, durationSec: 2, durationNsec: 676000000, priority: 11111, idleTimeout: 0, hardTimeout: 0, flags: 1, cookie: 1n, ...z, match: [{ field: 'in_port', value: 1 }], instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0xffe5 }] }] },
        {
          tableId: 3, durationSec: 4242, durationNsec: 17, priority: 321, idleTimeout: 60, hardTimeout: 600, flags: OFPFF.SEND_FLOW_REM | OFPFF.CHECK_OVERLAP,
          cookie: 0xfedcba9876543210n, packetCount: 12345678901234567890n, byteCount: 77n,
          match: [
            { field: 'in_port', value: OFPP.LOCAL },
            { field: 'metadata', value: 0x1212n, mask: 0xffffn },
            { field: 'eth_src', value: '02:aa:00:00:00:00', mask: 'ff:ff:00:00:00:00' },
            { field: 'eth_type', value: 0x800 },
            { field: 'vlan_vid', value: OFPVID_PRESENT | 10 },
            { field: 'ip_proto', value: 6 },
            { field: 'ipv4_dst', value: '10.1.0.0', mask: '255.255.0.0' },
            { field: 'tcp_dst', value: 8443 },
          ],
          instructions: [
            { type: 'meter', meterId: 5 },
            { type: 'applyActions', actions: [
              { type: 'setField', field: { field: 'eth_dst', value: '02:00:00:00:00:09' } },
              { type: 'pushVlan', ethertype: 0x8100 },
              { type: 'setField', field: { field: 'vlan_vid', value: OFPVID_PRESENT | 6 } },
              { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff },
              { type: 'group', groupId: 7 },
            ] },
            { type: 'writeActions', actions: [{ type: 'output', port: 3, maxLen: 0 }] },
            { type: 'clearActions' },
            { type: 'writeMetadata', metadata: 0x12n, metadataMask: 0xffn },
            { type: 'gotoTable', tableId: 9 },
          ],
        },
      ],
    };
    await get('/stats/flow/1', 'flow');
    t.strictSame(lastMultipart(), { kind: 'flow', tableId: OFPTT_ALL, outPort: OFPP.ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] });
    const filtered = await http(rig, 'POST', '/stats/flow/1', { body: { table_id: 3, out_port: 2, out_group: 7, cookie: 1, cookie_mask: 1, priority: 321, match: { in_port: 1, dl_type: 2048, nw_dst: '10.1.0.0/16' } } });
    t.equal(filtered.status, 200);
    t.strictSame((exactParse(filtered.text) as Record<string, { priority: number }[]>)['1']!.map((f) => f.priority), [321], 'priority filtered as ofctl does');
    t.strictSame(lastMultipart(), {
      kind: 'flow', tableId: 3, outPort: 2, outGroup: 7, cookie: 1n, cookieMask: 1n,
      match: [{ field: 'in_port', value: 1 }, { field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '10.1.0.0', mask: '255.255.0.0' }],
    });
  });

  t.test('aggregate, tables, table features', async (t) => {
    R.aggregate = { kind: 'aggregate', packetCount: 18n, byteCount: 756n, flowCount: 3 };
    await get('/stats/aggregateflow/1', 'aggregateflow');
    await get('/stats/aggregateflow/1', 'aggregateflow', 'POST', { table_id: 2, match: { dl_dst: '02:00:00:00:00:01' } });
    t.match(lastMultipart(), { kind: 'aggregate', tableId: 2, match: [{ field: 'eth_dst', value: '02:00:00:00:00:01' }] });
    R.table = { kind: 'table', stats: [{ tableId: 0, activeCount: 0, lookupCount: 8n, matchedCount: 0n }, { tableId: 253, activeCount: 0, lookupCount: 0n, matchedCount: 0n }] };
    await get('/stats/table/1', 'table');
    R.tableFeatures = {
      kind: 'tableFeatures',
      tables: [{
        tableId: 0, name: 'table_0', metadataMatch: (1n << 64n) - 1n, metadataWrite: (1n << 64n) - 1n, config: 0, maxEntries: 4096,
        properties: [
          { type: 'instructions', instructions: [{ type: 1 }, { type: 6 }] },
          { type: 'nextTables', tableIds: [1, 2] },
          { type: 'applyActions', actions: [{ type: 0 }] },
          { type: 'match', oxmIds: [{ oxmClass: 0x8000, oxmField: 0, hasMask: false, length: 4 }] },
        ],
      }],
    };
    await get('/stats/tablefeatures/1', 'tablefeatures');
  });

  t.test('ports, port descriptions, queues', async (t) => {
    R.portStats = {
      kind: 'portStats',
      stats: [
        { portNo: 1, rxPackets: 9n, txPackets: 6n, rxBytes: 738n, txBytes: 252n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 12, durationNsec: 976000000 },
        { portNo: OFPP.LOCAL, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n, txErrors: 8n, rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: 12n, durationSec: 13, durationNsec: 14 },
      ],
    };
    await get('/stats/port/1', 'port');
    t.match(lastMultipart(), { kind: 'portStats', portNo: OFPP.ANY });
    await get('/stats/port/1/LOCAL', 'port');
    t.match(lastMultipart(), { kind: 'portStats', portNo: OFPP.LOCAL });
    await get('/stats/port/1/ALL', 'port');
    t.match(lastMultipart(), { kind: 'portStats', portNo: OFPP.ANY });
    R.portDesc = { kind: 'portDesc', ports: [
      { portNo: 1, hwAddr: '0a:b6:d0:0c:e1:d7', name: 's1-eth1', config: 0, state: 0, curr: 2112, advertised: 0, supported: 0, peer: 0, currSpeed: 10000000, maxSpeed: 0 },
      { portNo: 2, hwAddr: '0a:b6:d0:0c:e1:d8', name: 's1-eth2', config: 1, state: 1, curr: 1, advertised: 2, supported: 3, peer: 4, currSpeed: 5, maxSpeed: 6 },
    ] };
    const both = await http(rig, 'GET', '/stats/portdesc/1');
    t.equal((exactParse(both.text) as Record<string, unknown[]>)['1']!.length, 2);
    await get('/stats/portdesc/1/1', 'portdesc');
    R.queue = { kind: 'queue', stats: [0, 1].map((q) => ({ portNo: 1, queueId: q, txBytes: 0n, txPackets: 0n, txErrors: 0n, durationSec: 4294963425, durationNsec: 3912967296 })) };
    await get('/stats/queue/1', 'queue');
    t.match(lastMultipart(), { kind: 'queue', portNo: OFPP.ANY, queueId: 0xffffffff });
    await get('/stats/queue/1/ALL/1', 'queue');
    t.match(lastMultipart(), { kind: 'queue', portNo: OFPP.ANY, queueId: 1 });
    await get('/stats/queue/1/1/ALL', 'queue');
    t.match(lastMultipart(), { kind: 'queue', portNo: 1, queueId: 0xffffffff });
    rig.ryu.queueConfig = {
      port: 1,
      queues: [
        { queueId: 1, port: 0, properties: [{ type: 'minRate', rate: 80 }] },
        { queueId: 2, port: 2, properties: [{ type: 'maxRate', rate: 120 }] },
        { queueId: 3, port: 3, properties: [{ type: 'experimenter', experimenter: 999, data: new Uint8Array(0) }] },
      ],
    };
    await get('/stats/queueconfig/1/1', 'queueconfig');
    t.match(rig.got('queueGetConfigRequest').at(-1), { port: 1 });
  });

  t.test('groups and meters', async (t) => {
    R.group = { kind: 'group', stats: [{ groupId: 1, refCount: 1, ...z, durationSec: 161, durationNsec: 303000000, bucketStats: [{ ...z }] }] };
    await get('/stats/group/1', 'group');
    t.match(lastMultipart(), { kind: 'group', groupId: 0xfffffffc });
    await get('/stats/group/1/1', 'group');
    t.match(lastMultipart(), { kind: 'group', groupId: 1 });
    R.groupDesc = { kind: 'groupDesc', stats: [
      { groupType: 0, groupId: 1, buckets: [{ weight: 0, watchPort: OFPP.ANY, watchGroup: OFPG_ANY, actions: [{ type: 'output', port: 1, maxLen: 0 }] }] },
      { groupType: 1, groupId: 2, buckets: [] },
    ] };
    await get('/stats/groupdesc/1/1', 'groupdesc');
    const allDesc = await http(rig, 'GET', '/stats/groupdesc/1');
    t.strictSame((exactParse(allDesc.text) as Record<string, { type: string }[]>)['1']!.map((g) => g.type), ['ALL', 'SELECT']);
    const acts = ['OUTPUT', 'COPY_TTL_OUT', 'COPY_TTL_IN', 'SET_MPLS_TTL', 'DEC_MPLS_TTL', 'PUSH_VLAN', 'POP_VLAN', 'PUSH_MPLS', 'POP_MPLS', 'SET_QUEUE', 'GROUP', 'SET_NW_TTL', 'DEC_NW_TTL', 'SET_FIELD'] as const;
    const bitmap = acts.reduce((m, a) => (m | (1 << OFPAT[a])) >>> 0, 0);
    R.groupFeatures = { kind: 'groupFeatures', types: 0, capabilities: 7, maxGroups: [4294967040, 4294967040, 4294967040, 4294967040], actions: [bitmap, 0, 0, 0] };
    await get('/stats/groupfeatures/1', 'groupfeatures');
    R.meter = { kind: 'meter', stats: [{ meterId: 1, flowCount: 0, packetInCount: 0n, byteInCount: 0n, durationSec: 37, durationNsec: 988000, bandStats: [{ packetBandCount: 0n, byteBandCount: 0n }] }] };
    await get('/stats/meter/1', 'meter');
    await get('/stats/meter/1/1', 'meter');
    t.match(lastMultipart(), { kind: 'meter', meterId: 1 });
    R.meterConfig = { kind: 'meterConfig', stats: [{ flags: 1, meterId: 1, bands: [{ type: 'drop', rate: 1000, burstSize: 0 }] }] };
    await get('/stats/meterconfig/1', 'meterconfig');
    t.match(lastMultipart(), { kind: 'meterConfig', meterId: 0xffffffff });
    R.meterFeatures = { kind: 'meterFeatures', maxMeter: 256, bandTypes: 2, capabilities: 13, maxBands: 16, maxColor: 8 };
    await get('/stats/meterfeatures/1', 'meterfeatures');
  });

  t.test('role', async (t) => {
    rig.ryu.role = { role: 2, generationId: 7n };
    await get('/stats/role/1', 'role');
    t.match(rig.got('roleRequest').at(-1), { role: 0, generationId: 0n });
  });

  t.test('bad and unknown datapath ids: 400 and 404, as Ryu', async (t) => {
    t.equal((await http(rig, 'GET', '/stats/flow/abc')).status, 400);
    t.equal((await http(rig, 'GET', '/stats/flow/007')).status, 400, 'int("007", 0) fails in Python too');
    const unknown = await http(rig, 'GET', '/stats/desc/2');
    t.equal(unknown.status, 404);
    t.equal(unknown.json.error.code, 'not_found');
  });
});
