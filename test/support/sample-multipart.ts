import type { MultipartReplyBody, MultipartRequestBody, OfMessage } from '../../protocol/index.js';
import * as p from './sample-parts.js';

/**
 * Multipart samples of the corpus (see sample-messages.ts): every request and reply kind once,
 * with xids from 0x100 up, in the order OFPMP numbers them.
 */

const xids = { next: 0x100 };
const xid = () => xids.next++;

export function mpRequest(body: MultipartRequestBody, flags = 0): OfMessage {
  return { type: 'multipartRequest', xid: xid(), flags, body };
}

export function mpReply(body: MultipartReplyBody, flags = 0): OfMessage {
  return { type: 'multipartReply', xid: xid(), flags, body };
}

const ALL_ACTION_BITS = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].reduce((m, b) => (m | (1 << b)) >>> 0, 0);

export const multipartRequests: OfMessage[] = [
  mpRequest({ kind: 'desc' }),
  mpRequest({
    kind: 'flow',
    tableId: 0xff,
    outPort: p.ANY,
    outGroup: p.ANY,
    cookie: 0x00a1000000000000n,
    cookieMask: 0xffff000000000000n,
    match: [
      { field: 'eth_type', value: 0x0800 },
      { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.0.0.0' },
    ],
  }),
  mpRequest({ kind: 'aggregate', tableId: 1, outPort: 2, outGroup: 17, cookie: 0x5n, cookieMask: 0xffn, match: [{ field: 'in_port', value: 2 }] }),
  mpRequest({ kind: 'table' }),
  mpRequest({ kind: 'portStats', portNo: p.ANY }),
  mpRequest({ kind: 'queue', portNo: 1, queueId: 0xffffffff }),
  mpRequest({ kind: 'group', groupId: 0xfffffffc }),
  mpRequest({ kind: 'groupDesc' }),
  mpRequest({ kind: 'groupFeatures' }),
  mpRequest({ kind: 'meter', meterId: 0xffffffff }),
  mpRequest({ kind: 'meterConfig', meterId: 5 }),
  mpRequest({ kind: 'meterFeatures' }),
  mpRequest({ kind: 'tableFeatures', tables: [p.aclFeatures] }),
  mpRequest({ kind: 'portDesc' }),
  // Nicira NXST_IPFIX_BRIDGE (3), a request without a body.
  mpRequest({ kind: 'experimenter', experimenter: 0x00002320, expType: 3, data: p.hx('') }),
];

export const multipartReplies: OfMessage[] = [
  mpReply({ kind: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 's1' }),
  mpReply(
    {
      kind: 'flow',
      stats: [
        {
          tableId: 0,
          durationSec: 120,
          durationNsec: 500_000_000,
          priority: 1000,
          idleTimeout: 30,
          hardTimeout: 300,
          flags: 1,
          cookie: 0x00a1000000000001n,
          packetCount: 42n,
          byteCount: 4200n,
          match: p.tcpMatch,
          instructions: p.tcpInstructions,
        },
        {
          tableId: 2,
          durationSec: 7,
          durationNsec: 1000,
          priority: 500,
          idleTimeout: 0,
          hardTimeout: 0,
          flags: 0,
          cookie: 0x00a2000000000002n,
          packetCount: 9_000_000_000n,
          byteCount: 12_345_678_901_234n,
          match: p.mplsMatch,
          instructions: [{ type: 'applyActions', actions: p.mplsPopActions }],
        },
        {
          tableId: 2,
          durationSec: 8,
          durationNsec: 2000,
          priority: 400,
          idleTimeout: 10,
          hardTimeout: 0,
          flags: 0,
          cookie: 0x00a2000000000003n,
          packetCount: 3n,
          byteCount: 180n,
          match: p.icmp4Match,
          instructions: [{ type: 'applyActions', actions: p.mplsPushActions }],
        },
        {
          tableId: 3,
          durationSec: 9,
          durationNsec: 3000,
          priority: 300,
          idleTimeout: 0,
          hardTimeout: 60,
          flags: 0,
          cookie: 0x00a3000000000004n,
          packetCount: 0n,
          byteCount: 0n,
          match: p.ndAdvertMatch,
          instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: p.CONTROLLER, maxLen: 0xffff }] }],
        },
        {
          tableId: 4,
          durationSec: 10,
          durationNsec: 4000,
          priority: 0,
          idleTimeout: 0,
          hardTimeout: 0,
          flags: 0,
          cookie: 0n,
          packetCount: 17n,
          byteCount: 1700n,
          match: [],
          instructions: [],
        },
      ],
    },
    1, // OFPMPF_REPLY_MORE
  ),
  mpReply({ kind: 'aggregate', packetCount: 98765n, byteCount: 12_345_678n, flowCount: 42 }),
  mpReply({
    kind: 'table',
    stats: [
      { tableId: 0, activeCount: 5, lookupCount: 1000n, matchedCount: 900n },
      { tableId: 1, activeCount: 2, lookupCount: 300n, matchedCount: 250n },
    ],
  }),
  mpReply({
    kind: 'portStats',
    stats: [
      {
        portNo: 1,
        rxPackets: 1001n,
        txPackets: 1002n,
        rxBytes: 100_003n,
        txBytes: 100_004n,
        rxDropped: 5n,
        txDropped: 6n,
        rxErrors: 7n,
        txErrors: 8n,
        rxFrameErr: 9n,
        rxOverErr: 10n,
        rxCrcErr: 11n,
        collisions: 12n,
        durationSec: 3600,
        durationNsec: 13,
      },
      {
        portNo: p.LOCAL,
        rxPackets: 21n,
        txPackets: 22n,
        rxBytes: 2300n,
        txBytes: 2400n,
        rxDropped: 0n,
        txDropped: 0n,
        rxErrors: 0n,
        txErrors: 0n,
        rxFrameErr: 0n,
        rxOverErr: 0n,
        rxCrcErr: 0n,
        collisions: 0n,
        durationSec: 3599,
        durationNsec: 999_999_999,
      },
    ],
  }),
  mpReply({
    kind: 'queue',
    stats: [{ portNo: 1, queueId: 2, txBytes: 65_536n, txPackets: 512n, txErrors: 1n, durationSec: 60, durationNsec: 250 }],
  }),
  mpReply({
    kind: 'group',
    stats: [
      {
        groupId: 17,
        refCount: 2,
        packetCount: 300n,
        byteCount: 30_000n,
        durationSec: 45,
        durationNsec: 678,
        bucketStats: [
          { packetCount: 180n, byteCount: 18_000n },
          { packetCount: 120n, byteCount: 12_000n },
        ],
      },
    ],
  }),
  mpReply({
    kind: 'groupDesc',
    stats: [
      { groupType: 1, groupId: 17, buckets: p.selectBuckets },
      { groupType: 3, groupId: 18, buckets: p.failoverBuckets },
    ],
  }),
  mpReply({
    kind: 'groupFeatures',
    types: 0xf,
    capabilities: 0x7,
    maxGroups: [4096, 1024, 256, 64],
    actions: [ALL_ACTION_BITS, ALL_ACTION_BITS, 0x1, (ALL_ACTION_BITS & ~(1 << 22)) >>> 0],
  }),
  mpReply({
    kind: 'meter',
    stats: [
      {
        meterId: 5,
        flowCount: 3,
        packetInCount: 700n,
        byteInCount: 70_000n,
        durationSec: 30,
        durationNsec: 40,
        bandStats: [{ packetBandCount: 12n, byteBandCount: 1200n }],
      },
    ],
  }),
  mpReply({
    kind: 'meterConfig',
    stats: [
      { flags: 0b1101, meterId: 5, bands: [{ type: 'drop', rate: 10_000, burstSize: 1000 }] },
      { flags: 0b1010, meterId: 6, bands: [{ type: 'dscpRemark', rate: 500, burstSize: 50, precLevel: 1 }] },
    ],
  }),
  mpReply({ kind: 'meterFeatures', maxMeter: 4096, bandTypes: 0x6, capabilities: 0xf, maxBands: 8, maxColor: 2 }),
  mpReply({ kind: 'tableFeatures', tables: [p.classifierFeatures, p.aclFeatures] }),
  mpReply({ kind: 'portDesc', ports: [p.port1, p.port3, p.localPort] }),
  // Nicira NXST_IPFIX_BRIDGE reply: ten 64-bit counters, a collector set id and padding.
  mpReply({
    kind: 'experimenter',
    experimenter: 0x00002320,
    expType: 3,
    data: p.hx(
      '00000000000003e9 00000000000007d2 0000000000000bbb 0000000000000fa4 000000000000138d' +
        '0000000000001776 0000000000001b5f 0000000000001f48 0000000000002331 000000000000271a 00000007 00000000',
    ),
  }),
];
