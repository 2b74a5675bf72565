import t from 'tap';
import { output, setField, setQueue } from '../../protocol/openflow/actions.js';
import { decodeBuckets, encodeBuckets } from '../../protocol/openflow/bucket.js';
import { OFPBAC, OFPBRC, OFPET } from '../../protocol/openflow/error-codes.js';
import { decodeMeterBands, encodeMeterBands } from '../../protocol/openflow/meter-band.js';
import { decodePorts, encodePorts, portStruct } from '../../protocol/openflow/port.js';
import { decodePacketQueues, decodeQueueProps, encodePacketQueues, encodeQueueProps } from '../../protocol/openflow/queue-prop.js';
import type { Bucket, MeterBand, PacketQueue, Port, QueueProperty } from '../../protocol/openflow/types.js';
import { ofpPrint } from '../support/ofp-print.js';
import { normalize } from '../support/vectors.js';
import { enc, hex, ofMessage, rd, throwsCodec } from './structures-helpers.js';

const OFPGMFC_BAD_BUCKET = 12;
const OFPGMFC_BAD_WATCH = 13;
const OFPMMFC_BAD_RATE = 6;
const OFPMMFC_BAD_BAND = 8;
const OFPMMFC_BAD_BAND_VALUE = 9;
const strip = (h: string): string => h.replace(/\s/g, '');

// ---------------------------------------------------------------- ofp_port

const PORT_HEX = [
  '00000007', // port_no
  '00000000', // pad
  '0a1b2c3d4e5f 0000', // hw_addr, pad
  '766574682d73312d6574683700000000', // "veth-s1-eth7", NUL-padded to 16
  '00000041', // config: PORT_DOWN | NO_PACKET_IN
  '00000004', // state: LIVE
  '00002840', // curr: 10GB_FD | COPPER | AUTONEG
  '0000202f', // advertised
  '0000a0ff', // supported
  '00000820', // peer: 1GB_FD | COPPER
  '00989680', // curr_speed 10,000,000 kbps
  '01312d00', // max_speed 20,000,000 kbps
].join(' ');
const PORT: Port = {
  portNo: 7,
  hwAddr: '0a:1b:2c:3d:4e:5f',
  name: 'veth-s1-eth7',
  config: 0x41,
  state: 4,
  curr: 0x2840,
  advertised: 0x202f,
  supported: 0xa0ff,
  peer: 0x820,
  currSpeed: 10_000_000,
  maxSpeed: 20_000_000,
};

t.test('ofp_port is 64 bytes and round-trips', async (t) => {
  t.equal(portStruct.size, 64);
  t.equal(strip(PORT_HEX).length, 128);
  const r = rd(PORT_HEX);
  t.strictSame(portStruct.decode(r), PORT);
  t.equal(r.pos, 64);
  t.equal(enc((w) => portStruct.encode(w, PORT)), strip(PORT_HEX));
  const two = strip(PORT_HEX) + enc((w) => portStruct.encode(w, { ...PORT, portNo: 0xfffffffe, name: 'br0', hwAddr: 'f0:e1:d2:c3:b4:a5' }));
  const ports = decodePorts(rd(two));
  t.strictSame(ports.map((p) => [p.portNo, p.name, p.hwAddr]), [[7, 'veth-s1-eth7', '0a:1b:2c:3d:4e:5f'], [0xfffffffe, 'br0', 'f0:e1:d2:c3:b4:a5']]);
  t.equal(enc((w) => encodePorts(w, ports)), two);
  throwsCodec(t, () => portStruct.decode(rd(strip(PORT_HEX).slice(0, 126))), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, /ofp_port/, 'truncated port');
  throwsCodec(t, () => decodePorts(rd(strip(PORT_HEX) + '00')), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, /multiple of 64/, 'partial port in a list');
  throwsCodec(t, () => enc((w) => portStruct.encode(w, { ...PORT, name: 'a-name-of-17-char' })), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, /longer than its 16-byte field/);
});

t.test('Open vSwitch reads our ofp_port inside a PORT_STATUS', async (t) => {
  const out = ofpPrint(ofMessage(12, 1, '02 00000000000000' + enc((w) => portStruct.encode(w, PORT))));
  t.match(out, /MOD: 7\(veth-s1-eth7\): addr:0a:1b:2c:3d:4e:5f/);
  t.match(out, /config:\s+PORT_DOWN NO_PACKET_IN/);
  t.match(out, /state:\s+LIVE/);
  t.match(out, /current:\s+10GB-FD COPPER AUTO_NEG/);
  t.match(out, /peer:\s+1GB-FD COPPER/);
  t.match(out, /speed: 10000 Mbps now, 20000 Mbps max/);
});

// ---------------------------------------------------------------- ofp_bucket

const BUCKETS_HEX = [
  // len 32, weight 50, watch_port 5, watch_group 6, pad; output:2
  '0020 0032 00000005 00000006 00000000', '0000 0010 00000002 0000 000000000000',
  // len 48, weight 100, watch ANY/ANY; set_field eth_dst, output:3
  '0030 0064 ffffffff ffffffff 00000000', '0019 0010 80000606 0a1b2c3d4e5f 0000', '0000 0010 00000003 0000 000000000000',
  // len 16: a bucket with no actions
  '0010 0007 00000001 00000002 00000000',
].join(' ');
const BUCKETS: Bucket[] = [
  { weight: 50, watchPort: 5, watchGroup: 6, actions: [output(2)] },
  { weight: 100, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [setField('eth_dst', '0a:1b:2c:3d:4e:5f'), output(3)] },
  { weight: 7, watchPort: 1, watchGroup: 2, actions: [] },
];

t.test('buckets round-trip', async (t) => {
  const r = rd(BUCKETS_HEX);
  t.strictSame(decodeBuckets(r), BUCKETS);
  t.equal(r.pos, r.end);
  t.equal(enc((w) => encodeBuckets(w, BUCKETS)), strip(BUCKETS_HEX));
  t.strictSame(decodeBuckets(rd('')), []);
});

t.test('malformed buckets are GROUP_MOD_FAILED/BAD_BUCKET; their actions keep BAD_ACTION', async (t) => {
  const bad: [string, string][] = [
    ['0000 0032 00000005 00000006 00000000', 'zero length'],
    ['0008 0032 00000005 00000006 00000000', 'shorter than the bucket header'],
    ['0014 0032 00000005 00000006 00000000 00000000', 'not a multiple of 8'],
    ['0028 0032 00000005 00000006 00000000 0000 0010 00000002 0000 000000000000', 'longer than the data'],
    ['0020 0032 00000005', 'truncated header'],
  ];
  for (const [h, what] of bad) throwsCodec(t, () => decodeBuckets(rd(h)), OFPET.GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET, undefined, what);
  // Bucket says 24 bytes; its output action says 16 (8 left): the action's own length error.
  throwsCodec(t, () => decodeBuckets(rd('0018 0032 00000005 00000006 00000000 0000 0010 00000002 0000000000000000')), OFPET.BAD_ACTION, OFPBAC.BAD_LEN);
  throwsCodec(t, () => enc((w) => encodeBuckets(w, [{ ...BUCKETS[0]!, weight: 0x10000 }])), OFPET.GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET, /weight 65536/);
  throwsCodec(t, () => enc((w) => encodeBuckets(w, [{ ...BUCKETS[0]!, watchPort: -1 }])), OFPET.GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH, /watch port -1/);
});

t.test('Open vSwitch reads our buckets inside a GROUP_MOD', async (t) => {
  const buckets: Bucket[] = [
    { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [output(2)] },
    { weight: 100, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [setField('eth_dst', '0a:1b:2c:3d:4e:5f'), setQueue(4), output(3)] },
  ];
  // command ADD, type SELECT, pad, group_id 10
  const out = ofpPrint(ofMessage(15, 2, '0000 01 00 0000000a' + enc((w) => encodeBuckets(w, buckets))));
  t.match(out, /ADD group_id=10,type=select/);
  t.ok(out.includes('bucket=weight:50,actions=output:2'), out);
  t.ok(out.includes('bucket=weight:100,actions=set_field:0a:1b:2c:3d:4e:5f->eth_dst,set_queue:4,output:3'), out);
});

// ---------------------------------------------------------------- meter bands

const BANDS_HEX = [
  '0001 0010 00002710 00000064 00000000', // drop, rate 10000, burst 100
  '0002 0010 00001388 00000032 02 000000', // dscp_remark, rate 5000, burst 50, prec_level 2
  'ffff 0018 00000bb8 0000001e 00002320 0102030405060708', // experimenter
  '0007 0010 00000011 00000022 aabbccdd', // unknown band type 7
].join(' ');
const BANDS: MeterBand[] = [
  { type: 'drop', rate: 10000, burstSize: 100 },
  { type: 'dscpRemark', rate: 5000, burstSize: 50, precLevel: 2 },
  { type: 'experimenter', rate: 3000, burstSize: 30, experimenter: 0x2320, data: hex('0102030405060708') },
  { type: 'unknown', bandType: 7, rate: 0x11, burstSize: 0x22, data: hex('aabbccdd') },
];

t.test('meter bands round-trip', async (t) => {
  t.strictSame(normalize(decodeMeterBands(rd(BANDS_HEX))), normalize(BANDS));
  t.equal(enc((w) => encodeMeterBands(w, BANDS)), strip(BANDS_HEX));
});

t.test('malformed bands are METER_MOD_FAILED/BAD_BAND', async (t) => {
  const bad: [string, string][] = [
    ['0001 0000 00002710 00000064 00000000', 'zero length'],
    ['0001 000c 00002710 00000064 00000000', 'drop shorter than 16'],
    ['0001 0018 00002710 00000064 00000000 00000000 00000000', 'drop longer than 16'],
    ['ffff 000c 00002710 00000064', 'experimenter without its id'],
    ['0001 0010 00002710 00000064', 'longer than the data'],
    ['0001 0010 0000', 'truncated header'],
    ['0007 0008 00000011 00000022', 'unknown band under its header'],
  ];
  for (const [h, what] of bad) throwsCodec(t, () => decodeMeterBands(rd(h)), OFPET.METER_MOD_FAILED, OFPMMFC_BAD_BAND, undefined, what);
  throwsCodec(t, () => enc((w) => encodeMeterBands(w, [{ type: 'drop', rate: -1, burstSize: 0 }])), OFPET.METER_MOD_FAILED, OFPMMFC_BAD_RATE, /rate -1/);
  throwsCodec(t, () => enc((w) => encodeMeterBands(w, [{ type: 'dscpRemark', rate: 1, burstSize: 0, precLevel: 256 }])), OFPET.METER_MOD_FAILED, OFPMMFC_BAD_BAND_VALUE, /prec level 256/);
  throwsCodec(t, () => enc((w) => encodeMeterBands(w, [{ type: 'fast' } as unknown as MeterBand])), OFPET.METER_MOD_FAILED, OFPMMFC_BAD_RATE);
});

t.test('Open vSwitch reads our bands inside a METER_MOD', async (t) => {
  // command ADD, flags KBPS|BURST|STATS, meter 17
  const out = ofpPrint(ofMessage(29, 3, '0000 000d 00000011' + enc((w) => encodeMeterBands(w, BANDS.slice(0, 2)))));
  t.match(out, /ADD meter=17 kbps burst stats bands=/);
  t.match(out, /type=drop rate=10000 burst_size=100/);
  t.match(out, /type=dscp_remark rate=5000 burst_size=50 prec_level=2/);
});

// ---------------------------------------------------------------- queue properties and packet queues

const PROPS_HEX = [
  '0001 0010 00000000 01f4 000000000000', // min_rate 50.0%
  '0002 0010 00000000 03e8 000000000000', // max_rate 100.0%
  'ffff 0018 00000000 00002320 00000000 0102030405060708', // experimenter
  '0009 0010 00000000 aabbccddeeff0011', // unknown property 9
].join(' ');
const PROPS: QueueProperty[] = [
  { type: 'minRate', rate: 500 },
  { type: 'maxRate', rate: 1000 },
  { type: 'experimenter', experimenter: 0x2320, data: hex('0102030405060708') },
  { type: 'unknown', propType: 9, data: hex('aabbccddeeff0011') },
];

t.test('queue properties round-trip', async (t) => {
  t.strictSame(normalize(decodeQueueProps(rd(PROPS_HEX))), normalize(PROPS));
  t.equal(enc((w) => encodeQueueProps(w, PROPS)), strip(PROPS_HEX));
  // Experimenter data is padded to 8 on encode.
  t.equal(enc((w) => encodeQueueProps(w, [{ type: 'experimenter', experimenter: 1, data: hex('ab') }])), strip('ffff 0018 00000000 00000001 00000000 ab00000000000000'));
});

t.test('packet queues round-trip', async (t) => {
  const queuesHex = [
    '00000001 00000003 0030 000000000000', strip(PROPS_HEX).slice(0, 64), // queue 1 on port 3: min and max rate
    '00000002 00000003 0010 000000000000', // queue 2, no properties
  ].join('');
  const queues: PacketQueue[] = [
    { queueId: 1, port: 3, properties: PROPS.slice(0, 2) },
    { queueId: 2, port: 3, properties: [] },
  ];
  t.strictSame(decodePacketQueues(rd(queuesHex)), queues);
  t.equal(enc((w) => encodePacketQueues(w, queues)), strip(queuesHex));
});

t.test('malformed queue properties and queues are BAD_REQUEST/BAD_LEN', async (t) => {
  const bad: [string, string][] = [
    ['0001 0000 00000000 01f4 000000000000', 'zero length'],
    ['0001 0008 00000000 01f4 000000000000', 'min_rate shorter than 16'],
    ['0001 0018 00000000 01f4 000000000000 0000000000000000', 'min_rate longer than 16'],
    ['0001 0014 00000000 01f4 000000000000 00000000', 'not a multiple of 8'],
    ['ffff 0008 00000000', 'experimenter without its id'],
    ['0002 0010 00000000 03e8', 'longer than the data'],
    ['0002 00', 'truncated'],
  ];
  for (const [h, what] of bad) throwsCodec(t, () => decodeQueueProps(rd(h)), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, undefined, what);
  const badQueues: [string, string][] = [
    ['00000001 00000003 0000 000000000000', 'zero length'],
    ['00000001 00000003 0020 000000000000', 'longer than the data'],
    ['00000001 00000003 0014 000000000000 00000000', 'properties cut'],
    ['00000001 0000', 'truncated'],
  ];
  for (const [h, what] of badQueues) throwsCodec(t, () => decodePacketQueues(rd(h)), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, undefined, what);
  throwsCodec(t, () => enc((w) => encodeQueueProps(w, [{ type: 'minRate', rate: 0x10000 }])), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, /rate 65536/);
});

t.test('Open vSwitch reads our queues inside a QUEUE_GET_CONFIG_REPLY', async (t) => {
  const queues: PacketQueue[] = [{ queueId: 1, port: 3, properties: [{ type: 'minRate', rate: 500 }, { type: 'maxRate', rate: 750 }] }];
  // port 3, pad 4
  const out = ofpPrint(ofMessage(23, 4, '00000003 00000000' + enc((w) => encodePacketQueues(w, queues))));
  t.match(out, /port=3/);
  t.match(out, /queue 1: min_rate:50\.0% max_rate:75\.0%/);
});
