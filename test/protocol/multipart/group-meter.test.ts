import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { fuzzMessage } from './fuzz.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex } from '../../support/vectors.js';

const BAD_LEN = [OFPET.BAD_REQUEST, OFPBRC.BAD_LEN] as const;

const groupEntries = (len1: string) => `
  ${len1} 0000 00000010 00000003 00000000     # length, pad, group 16, ref_count 3, pad
  00000000000001f4 0000000000007530           # 500 packets, 30000 bytes
  00000078 0ee6b280                           # 120.25 s
  0000000000000190 0000000000005dc0           # bucket 0: 400, 24000
  0000000000000064 0000000000001770           # bucket 1: 100, 6000
  0028 0000 00000020 00000000 00000000        # group 32, no buckets
  0000000000000000 0000000000000000 00000001 00000000`;

t.test('GROUP request and reply', async (t) => {
  const req = hex('04 12 0018 00000401  0006 0000 00000000  00000010 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x401, flags: 0, body: { kind: 'group', groupId: 16 } });
  t.match(ofpPrint(req), /OFPST_GROUP request .*group_id=16/);

  const rep = hex(`04 13 0080 00000402  0006 0000 00000000 ${groupEntries('0048')}`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x402,
    flags: 0,
    body: {
      kind: 'group',
      stats: [
        {
          groupId: 16,
          refCount: 3,
          packetCount: 500n,
          byteCount: 30000n,
          durationSec: 120,
          durationNsec: 250000000,
          bucketStats: [
            { packetCount: 400n, byteCount: 24000n },
            { packetCount: 100n, byteCount: 6000n },
          ],
        },
        { groupId: 32, refCount: 0, packetCount: 0n, byteCount: 0n, durationSec: 1, durationNsec: 0, bucketStats: [] },
      ],
    },
  });
  const text = ofpPrint(rep);
  t.match(text, /group_id=16,duration=120\.250s,ref_count=3,packet_count=500,byte_count=30000,bucket0:packet_count=400,byte_count=24000,bucket1:packet_count=100,byte_count=6000/);
  t.match(text, /group_id=32,duration=1s,ref_count=0/);

  for (const [len, what] of [['0000', 'length 0'], ['0027', 'under 40'], ['0030', 'ragged bucket counters'], ['0078', 'past the message']]) {
    expectCodecError(t, hex(`04 13 0080 00000402  0006 0000 00000000 ${groupEntries(len!)}`), ...BAD_LEN, `group stats ${what}`);
  }
});

const groupDescEntries = (len1: string) => `
  ${len1} 01 00 00000010                            # length, OFPGT_SELECT, group 16
  0020 000a ffffffff ffffffff 00000000              # bucket weight 10
  0000 0010 00000001 0000 000000000000              #   output:1
  0020 0014 ffffffff ffffffff 00000000              # bucket weight 20
  0000 0010 00000002 0000 000000000000              #   output:2
  0020 03 00 00000020                               # OFPGT_FF, group 32
  0018 0000 00000003 ffffffff 00000000              # bucket watching port 3
  0016 0008 00000010                                #   group:16`;

t.test('GROUP_DESC request and reply', async (t) => {
  const req = hex('04 12 0010 00000403  0007 0000 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x403, flags: 0, body: { kind: 'groupDesc' } });
  t.match(ofpPrint(req), /OFPST_GROUP_DESC request/);

  const rep = hex(`04 13 0078 00000404  0007 0000 00000000 ${groupDescEntries('0048')}`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x404,
    flags: 0,
    body: {
      kind: 'groupDesc',
      stats: [
        {
          groupType: 1,
          groupId: 16,
          buckets: [
            { weight: 10, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1, maxLen: 0 }] },
            { weight: 20, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2, maxLen: 0 }] },
          ],
        },
        { groupType: 3, groupId: 32, buckets: [{ weight: 0, watchPort: 3, watchGroup: 0xffffffff, actions: [{ type: 'group', groupId: 16 }] }] },
      ],
    },
  });
  fuzzMessage(t, rep, 0x618b30);
  const text = ofpPrint(rep);
  t.match(text, /group_id=16,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2/);
  t.match(text, /group_id=32,type=ff,bucket=watch_port:3,actions=group:16/);

  expectCodecError(t, hex(`04 13 0078 00000404  0007 0000 00000000 ${groupDescEntries('0000')}`), ...BAD_LEN, 'group desc length 0');
  expectCodecError(t, hex(`04 13 0078 00000404  0007 0000 00000000 ${groupDescEntries('0007')}`), ...BAD_LEN, 'group desc length under 8');
  expectCodecError(t, hex(`04 13 0078 00000404  0007 0000 00000000 ${groupDescEntries('0070')}`), ...BAD_LEN, 'group desc length past the message');
});

t.test('GROUP_FEATURES request and reply', async (t) => {
  const req = hex('04 12 0010 0000040a  0008 0000 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x40a, flags: 0, body: { kind: 'groupFeatures' } });
  t.match(ofpPrint(req), /OFPST_GROUP_FEATURES request/);

  const rep = hex(`
    04 13 0038 0000040b  0008 0000 00000000
    0000000f 00000013                     # types: all four; capabilities
    00000100 00000010 00000008 00000004   # max_groups per type
    07ff0001 00000003 00000005 00000007   # actions per type`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x40b,
    flags: 0,
    body: { kind: 'groupFeatures', types: 0xf, capabilities: 0x13, maxGroups: [0x100, 0x10, 8, 4], actions: [0x07ff0001, 3, 5, 7] },
  });
  const text = ofpPrint(rep);
  t.match(text, /Types:\s+0xf\s+Capabilities:\s+0x13/);
  t.match(text, /all group:\s+max_groups=0x100\s+actions: output group set_field/);
  t.match(text, /select group:\s+max_groups=0x10/);
  t.match(text, /fast failover group:\s+max_groups=0x4/);
});

const meterEntries = (len1: string) => `
  00000005 ${len1} 000000000000             # meter 5, len, pad
  00000002 00000000000003e8 000000000000fa00  # flow_count 2, 1000 packets, 64000 bytes
  0000003c 00000064                           # 60 s 100 ns
  0000000000000010 0000000000000400           # band 0
  0000000000000020 0000000000000800           # band 1
  00000006 0028 000000000000 00000000 0000000000000000 0000000000000000 00000001 00000000`;

t.test('METER request and reply', async (t) => {
  const req = hex('04 12 0018 00000405  0009 0000 00000000  00000005 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x405, flags: 0, body: { kind: 'meter', meterId: 5 } });
  t.match(ofpPrint(req), /OFPST_METER request .*meter=5/);

  const rep = hex(`04 13 0080 00000406  0009 0000 00000000 ${meterEntries('0048')}`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x406,
    flags: 0,
    body: {
      kind: 'meter',
      stats: [
        {
          meterId: 5,
          flowCount: 2,
          packetInCount: 1000n,
          byteInCount: 64000n,
          durationSec: 60,
          durationNsec: 100,
          bandStats: [
            { packetBandCount: 16n, byteBandCount: 1024n },
            { packetBandCount: 32n, byteBandCount: 2048n },
          ],
        },
        { meterId: 6, flowCount: 0, packetInCount: 0n, byteInCount: 0n, durationSec: 1, durationNsec: 0, bandStats: [] },
      ],
    },
  });
  const text = ofpPrint(rep);
  t.match(text, /meter:5 flow_count:2 packet_in_count:1000 byte_in_count:64000 duration:60\.0000001s bands:\s+0: packet_count:16 byte_count:1024\s+1: packet_count:32 byte_count:2048/);
  t.match(text, /meter:6 flow_count:0/);

  for (const [len, what] of [['0000', 'len 0'], ['0020', 'under 40'], ['0078', 'past the message'], ['0044', 'ragged band counters']]) {
    expectCodecError(t, hex(`04 13 0080 00000406  0009 0000 00000000 ${meterEntries(len!)}`), ...BAD_LEN, `meter stats ${what}`);
  }
});

const meterConfigEntries = (len1: string) => `
  ${len1} 0009 00000005                      # length, flags KBPS|STATS, meter 5
  0001 0010 000003e8 00000064 00000000       # drop rate 1000 burst 100
  0002 0010 000007d0 000000c8 01 000000      # dscp_remark rate 2000 burst 200 prec 1
  0018 0006 00000006                         # flags PKTPS|BURST, meter 6
  0001 0010 00000032 0000000a 00000000       # drop rate 50 burst 10`;

t.test('METER_CONFIG request and reply', async (t) => {
  const req = hex('04 12 0018 00000407  000a 0000 00000000  ffffffff 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x407, flags: 0, body: { kind: 'meterConfig', meterId: 0xffffffff } });
  t.match(ofpPrint(req), /OFPST_METER_CONFIG request .*meter=all/);

  const rep = hex(`04 13 0050 00000408  000a 0000 00000000 ${meterConfigEntries('0028')}`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x408,
    flags: 0,
    body: {
      kind: 'meterConfig',
      stats: [
        {
          flags: 9,
          meterId: 5,
          bands: [
            { type: 'drop', rate: 1000, burstSize: 100 },
            { type: 'dscpRemark', rate: 2000, burstSize: 200, precLevel: 1 },
          ],
        },
        { flags: 6, meterId: 6, bands: [{ type: 'drop', rate: 50, burstSize: 10 }] },
      ],
    },
  });
  fuzzMessage(t, rep, 0xcd7883);
  const text = ofpPrint(rep);
  t.match(text, /meter=5 kbps stats bands=\s+type=drop rate=1000\s+type=dscp_remark rate=2000 prec_level=1/);
  t.match(text, /meter=6 pktps burst bands=\s+type=drop rate=50 burst_size=10/);

  for (const [len, what] of [['0000', 'length 0'], ['0004', 'under 8'], ['0048', 'past the message']]) {
    expectCodecError(t, hex(`04 13 0050 00000408  000a 0000 00000000 ${meterConfigEntries(len!)}`), ...BAD_LEN, `meter config ${what}`);
  }
});

t.test('METER_FEATURES request and reply', async (t) => {
  const req = hex('04 12 0010 00000409  000b 0000 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x409, flags: 0, body: { kind: 'meterFeatures' } });
  t.match(ofpPrint(req), /OFPST_METER_FEATURES request/);

  const rep = hex('04 13 0020 0000040c  000b 0000 00000000  00000064 00000006 0000000f 05 07 0000');
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x40c,
    flags: 0,
    body: { kind: 'meterFeatures', maxMeter: 100, bandTypes: 6, capabilities: 0xf, maxBands: 5, maxColor: 7 },
  });
  const text = ofpPrint(rep);
  t.match(text, /max_meter:100 max_bands:5 max_color:7\s+band_types: drop dscp_remark\s+capabilities: kbps pktps burst stats/);
});
