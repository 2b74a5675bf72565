import type { Action, Match, OfMessage } from '../../protocol/index.js';
import { mpReply, mpRequest, multipartReplies, multipartRequests } from './sample-multipart.js';
import * as p from './sample-parts.js';

function withXid(bytes: Uint8Array, xid: number): Uint8Array {
  const b = Uint8Array.from(bytes);
  new DataView(b.buffer).setUint32(4, xid);
  return b;
}

/**
 * A corpus of realistic OpenFlow 1.3 messages: every message type and every multipart request
 * and reply kind at least once, with distinct, non-default values (xids are all different).
 * Other tests reuse it (codec round trips, the ovs-ofctl oracle, fuzz seeds, the framer).
 *
 * - sampleMessages: what an OVS 3.1 switch and a controller exchange; every value survives
 *   encode -> decode unchanged (canonical addresses, lowercase MACs) and `ovs-ofctl ofp-print`
 *   decodes every one of them (checked when this corpus was written).
 * - extraSampleMessages: valid OpenFlow 1.3 that OVS 3.1 refuses to print: the fields and actions
 *   it does not implement (in_phy_port, ipv6_exthdr, pbb_isid, copy_ttl_*, push/pop_pbb) and the
 *   "kept as bytes" forms (experimenter and unknown actions, instructions, bands, properties,
 *   OXM classes). Our codec must still round-trip them.
 * - allSampleMessages: both; together they hold every action, instruction and OXM field.
 */

export const sampleMessages: OfMessage[] = [
  { type: 'hello', xid: 1, version: 4, elements: [{ type: 'versionBitmap', bitmaps: [0x12] }] },
  { type: 'error', xid: 9, errType: 5, code: 1, data: p.flowModBytes }, // FLOW_MOD_FAILED/TABLE_FULL
  { type: 'error', xid: 2, errType: 0, code: 0, data: new TextEncoder().encode('We support version 0x04 only') },
  { type: 'echoRequest', xid: 3, data: p.hx('0000000000000b1f') },
  { type: 'echoReply', xid: 4, data: p.hx('cafe') },
  // Nicira NXT_SET_PACKET_IN_FORMAT (16): format=nxt_packet_in
  { type: 'experimenter', xid: 5, experimenter: 0x00002320, expType: 16, data: p.hx('00000001') },
  // ONF bundle extension (EXT-230): a COMMIT_REQUEST, and an add of a FLOW_MOD (its xid equals the outer one).
  { type: 'bundleControl', xid: 51, bundleId: 0x1234, ctrlType: 4, flags: 3, properties: new Uint8Array(0) },
  { type: 'bundleAdd', xid: 52, bundleId: 0x1234, flags: 3, message: withXid(p.flowModBytes, 52) },
  { type: 'featuresRequest', xid: 6 },
  {
    type: 'featuresReply',
    xid: 6,
    datapathId: 0x00000a1b2c3d4e5fn,
    nBuffers: 256,
    nTables: 254,
    auxiliaryId: 1,
    capabilities: 0x4f,
    reserved: 0,
  },
  { type: 'getConfigRequest', xid: 7 },
  { type: 'getConfigReply', xid: 7, flags: 1, missSendLen: 128 },
  { type: 'setConfig', xid: 8, flags: 2, missSendLen: 0xffff },
  {
    type: 'packetIn',
    xid: 0,
    bufferId: p.NO_BUFFER,
    totalLen: 60,
    reason: 1,
    tableId: 3,
    cookie: 0x00a1000000000005n,
    match: [
      { field: 'in_port', value: 2 },
      { field: 'metadata', value: 0x0000000000000042n },
    ],
    data: p.arpRequestFrame,
  },
  {
    type: 'flowRemoved',
    xid: 10,
    cookie: 0x00a1000000000006n,
    priority: 2000,
    reason: 1,
    tableId: 4,
    durationSec: 3600,
    durationNsec: 250_000_000,
    idleTimeout: 60,
    hardTimeout: 3600,
    packetCount: 1234n,
    byteCount: 567_890n,
    match: p.udp6Match,
  },
  { type: 'portStatus', xid: 11, reason: 2, desc: p.port3 },
  {
    type: 'packetOut',
    xid: 12,
    bufferId: p.NO_BUFFER,
    inPort: p.CONTROLLER,
    actions: [
      { type: 'pushVlan', ethertype: 0x8100 },
      { type: 'setField', field: { field: 'vlan_vid', value: 0x1000 | 42 } },
      { type: 'output', port: 3, maxLen: 0 },
      { type: 'popVlan' },
      { type: 'output', port: p.FLOOD, maxLen: 0 },
    ],
    data: p.arpReplyFrame,
  },
  {
    type: 'flowMod',
    xid: 13,
    cookie: 0x1122334455667788n,
    cookieMask: 0n,
    tableId: 2,
    command: 0,
    idleTimeout: 30,
    hardTimeout: 300,
    priority: 1000,
    bufferId: p.NO_BUFFER,
    outPort: p.ANY,
    outGroup: p.ANY,
    flags: 3, // SEND_FLOW_REM | CHECK_OVERLAP
    match: p.tcpMatch,
    instructions: p.tcpInstructions,
  },
  {
    type: 'flowMod',
    xid: 14,
    cookie: 0x00a1000000000000n,
    cookieMask: 0xffff000000000000n,
    tableId: 0xff,
    command: 4, // DELETE_STRICT
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 1500,
    bufferId: p.NO_BUFFER,
    outPort: 5,
    outGroup: 18,
    flags: 0,
    match: p.arpMatch,
    instructions: [],
  },
  {
    type: 'flowMod',
    xid: 15,
    cookie: 0x77n,
    cookieMask: 0n,
    tableId: 1,
    command: 1, // MODIFY
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 700,
    bufferId: p.NO_BUFFER,
    outPort: p.ANY,
    outGroup: p.ANY,
    flags: 4, // RESET_COUNTS
    match: p.vlanMatch,
    instructions: [{ type: 'applyActions', actions: [{ type: 'popVlan' }, { type: 'setNwTtl', nwTtl: 9 }, { type: 'output', port: p.LOCAL, maxLen: 0 }] }],
  },
  {
    type: 'flowMod',
    xid: 16,
    cookie: 0x78n,
    cookieMask: 0n,
    tableId: 6,
    command: 0,
    idleTimeout: 5,
    hardTimeout: 0,
    priority: 800,
    bufferId: p.NO_BUFFER,
    outPort: p.ANY,
    outGroup: p.ANY,
    flags: 0,
    match: p.icmp6Match,
    instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 0xfffffffa, maxLen: 0 }] }],
  },
  { type: 'groupMod', xid: 17, command: 0, groupType: 1, groupId: 17, buckets: p.selectBuckets },
  { type: 'groupMod', xid: 18, command: 1, groupType: 3, groupId: 18, buckets: p.failoverBuckets },
  { type: 'portMod', xid: 19, portNo: 3, hwAddr: '9a:1c:2f:30:44:03', config: 1, mask: 65, advertise: 0x2840 },
  { type: 'tableMod', xid: 20, tableId: 2, config: 3 },
  ...multipartRequests,
  ...multipartReplies,
  { type: 'barrierRequest', xid: 21 },
  { type: 'barrierReply', xid: 21 },
  { type: 'queueGetConfigRequest', xid: 22, port: 1 },
  {
    type: 'queueGetConfigReply',
    xid: 22,
    port: 1,
    queues: [
      { queueId: 0, port: 1, properties: [{ type: 'minRate', rate: 100 }, { type: 'maxRate', rate: 900 }] },
      { queueId: 1, port: 1, properties: [{ type: 'minRate', rate: 200 }] },
    ],
  },
  { type: 'roleRequest', xid: 23, role: 2, generationId: 7n },
  { type: 'roleReply', xid: 24, role: 3, generationId: 12_345_678_901_234_567_890n },
  { type: 'getAsyncRequest', xid: 25 },
  { type: 'getAsyncReply', xid: 25, packetInMask: [0x7, 0x0], portStatusMask: [0x7, 0x6], flowRemovedMask: [0xf, 0x1] },
  { type: 'setAsync', xid: 26, packetInMask: [0x3, 0x1], portStatusMask: [0x5, 0x4], flowRemovedMask: [0xe, 0x2] },
  { type: 'meterMod', xid: 27, command: 0, flags: 0b1101, meterId: 9, bands: [{ type: 'drop', rate: 20_000, burstSize: 2000 }] },
  { type: 'meterMod', xid: 28, command: 1, flags: 0b1010, meterId: 10, bands: [{ type: 'dscpRemark', rate: 300, burstSize: 30, precLevel: 2 }] },
  // Open vSwitch conntrack and NAT: Nicira actions (protocol/openflow/nicira) and the ct_* fields.
  {
    type: 'flowMod', xid: 61, cookie: 0x3dn, cookieMask: 0n, tableId: 5, command: 0, idleTimeout: 30, hardTimeout: 0, priority: 410,
    bufferId: p.NO_BUFFER, outPort: p.ANY, outGroup: p.ANY, flags: 0,
    match: [
      { field: 'eth_type', value: 0x0800 },
      { field: 'ip_proto', value: 17 },
      { field: 'ct_state', value: 0x21, mask: 0x2b },
      { field: 'ct_zone', value: 44 },
      { field: 'ct_mark', value: 0x5000, mask: 0xf000 },
      { field: 'ct_label', value: 0x1234n << 112n, mask: 0xffffn << 112n },
      { field: 'tun_dst', value: '172.31.0.0', mask: '255.255.255.0' },
    ],
    instructions: [{
      type: 'applyActions',
      actions: [
        {
          type: 'nxCt', flags: 1, zone: 44, recircTable: 0xff, alg: 0, actions: [
            { type: 'setField', field: { field: 'ct_label', value: 0xabcdefn } },
            { type: 'nxNat', flags: 5, ipv4Min: '203.0.113.100', ipv4Max: '203.0.113.103', protoMin: 2000, protoMax: 2999 },
          ],
        },
        { type: 'nxResubmit', inPort: 3, table: 9 },
        { type: 'nxCtClear' },
      ],
    }],
  },
];

const flowMod = (xid: number, match: Match, actions: Action[]): OfMessage => ({
  type: 'flowMod',
  xid,
  cookie: BigInt(xid) << 32n,
  cookieMask: 0n,
  tableId: 3,
  command: 0,
  idleTimeout: 0,
  hardTimeout: 90,
  priority: xid,
  bufferId: p.NO_BUFFER,
  outPort: p.ANY,
  outGroup: p.ANY,
  flags: 1,
  match,
  instructions: [{ type: 'applyActions', actions }],
});

export const extraSampleMessages: OfMessage[] = [
  flowMod(46, p.pbbMatch, p.pbbActions),
  flowMod(47, p.unsupportedMatch, p.ttlCopyActions),
  { type: 'experimenter', xid: 45, experimenter: 0x00a42f3c, expType: 7, data: p.hx('deadbeef0102') },
  mpRequest({ kind: 'experimenter', experimenter: 0x00a42f3c, expType: 11, data: p.hx('0102030405060708') }),
  mpReply({ kind: 'experimenter', experimenter: 0x00a42f3c, expType: 12, data: p.hx('a1a2a3a4') }),
  {
    type: 'hello',
    xid: 40,
    version: 4,
    elements: [
      { type: 'versionBitmap', bitmaps: [0x10] },
      { type: 'unknown', elemType: 2, data: p.hx('01020304') },
    ],
  },
  { type: 'error', xid: 41, errType: 0xffff, code: 3, experimenter: 0x4f4e4600, data: p.hx('0414000800000029') },
  {
    type: 'packetIn',
    xid: 0,
    bufferId: 0x1f,
    totalLen: 60,
    reason: 0,
    tableId: 0,
    cookie: 0xffffffffffffffffn,
    match: [
      { field: 'in_port', value: 7 },
      { field: 'opaque', oxmClass: 0x0001, oxmField: 0, hasMask: false, body: p.hx('00000007') }, // NXM_NX_REG0
      { field: 'opaque', oxmClass: 0x8000, oxmField: 41, hasMask: false, body: p.hx('01') }, // OF1.4 pbb_uca
      { field: 'opaque', oxmClass: 0x0001, oxmField: 1, hasMask: true, body: p.hx('0000abcd0000ffff') }, // NXM_NX_REG1/mask
    ],
    data: p.arpRequestFrame,
  },
  {
    type: 'flowMod',
    xid: 42,
    cookie: 0x99n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 10,
    bufferId: p.NO_BUFFER,
    outPort: p.ANY,
    outGroup: p.ANY,
    flags: 0,
    match: [{ field: 'in_port', value: 3 }],
    instructions: [
      {
        type: 'applyActions',
        actions: [
          { type: 'experimenter', experimenter: 0x00002320, data: p.hx('000e fff8 05 000000') }, // resubmit(,5)
          { type: 'unknown', actionType: 28, body: p.hx('0000000000000000 00000000') },
          { type: 'setField', field: { field: 'opaque', oxmClass: 0x0001, oxmField: 0, hasMask: false, body: p.hx('0000002a') } },
        ],
      },
      { type: 'experimenter', experimenter: 0x00a42f3c, data: p.hx('0102030405060708') },
      { type: 'unknown', instructionType: 7, body: p.hx('00000000') },
    ],
  },
  {
    type: 'meterMod',
    xid: 43,
    command: 2,
    flags: 1,
    meterId: 11,
    bands: [
      { type: 'experimenter', rate: 1000, burstSize: 100, experimenter: 0x00a42f3c, data: p.hx('0a0b0c0d0e0f1011') },
      { type: 'unknown', bandType: 3, rate: 2000, burstSize: 200, data: p.hx('00000000') },
    ],
  },
  {
    type: 'queueGetConfigReply',
    xid: 44,
    port: 2,
    queues: [
      {
        queueId: 5,
        port: 2,
        properties: [
          { type: 'experimenter', experimenter: 0x00a42f3c, data: p.hx('1122334455667788') },
          { type: 'unknown', propType: 9, data: p.hx('99999999aaaaaaaa') },
        ],
      },
    ],
  },
  mpReply({
    kind: 'tableFeatures',
    tables: [
      {
        ...p.aclFeatures,
        tableId: 7,
        properties: [
          { type: 'instructions', instructions: [{ type: 0xffff, experimenter: 0x00a42f3c, data: p.hx('01020304') }] },
          { type: 'applyActions', actions: [{ type: 0xffff, experimenter: 0x00002320, data: p.hx('000e') }] },
          { type: 'match', oxmIds: [{ oxmClass: 0xffff, oxmField: 3, hasMask: false, length: 8, experimenter: 0x00a42f3c }] },
          { type: 'experimenter', experimenter: 0x00a42f3c, expType: 1, data: p.hx('abcdef01') },
          { type: 'experimenterMiss', experimenter: 0x00a42f3c, expType: 2, data: p.hx('') },
          { type: 'unknown', propType: 9, data: p.hx('ffeeddcc') },
        ],
      },
    ],
  }),
];

export const allSampleMessages: OfMessage[] = [...sampleMessages, ...extraSampleMessages];
