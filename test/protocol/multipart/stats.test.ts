import t from 'tap';
import { encode, OFPBRC, OFPET } from '../../../protocol/index.js';
import type { OfMessage } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

/** A NUL-padded ASCII field of n bytes, as hex. */
function ascii(s: string, n: number): string {
  return Buffer.from(s.padEnd(n, '\0'), 'latin1').toString('hex');
}

t.test('DESC request and reply', async (t) => {
  const req = hex(`
    04 12 0010 00000101          # header: MULTIPART_REQUEST, len 16, xid 0x101
    0000 0000 00000000           # OFPMP_DESC, flags 0, pad`);
  checkVector(t, req, { type: 'multipartRequest', xid: 0x101, flags: 0, body: { kind: 'desc' } });
  t.match(ofpPrint(req), /OFPST_DESC request \(OF1\.3\) \(xid=0x101\)/);

  const rep = hex(`
    04 13 0430 00000102          # len 16 + 1056
    0000 0000 00000000
    ${ascii('Weft Test Mfr', 256)}
    ${ascii('hw-model-7', 256)}
    ${ascii('sw 3.1.9', 256)}
    ${ascii('SN-000042', 32)}
    ${ascii('dp s1 rack 4', 256)}`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x102,
    flags: 0,
    body: { kind: 'desc', mfrDesc: 'Weft Test Mfr', hwDesc: 'hw-model-7', swDesc: 'sw 3.1.9', serialNum: 'SN-000042', dpDesc: 'dp s1 rack 4' },
  });
  const text = ofpPrint(rep);
  t.match(text, /Manufacturer: Weft Test Mfr/);
  t.match(text, /Hardware: hw-model-7/);
  t.match(text, /Software: sw 3\.1\.9/);
  t.match(text, /Serial Num: SN-000042/);
  t.match(text, /DP Description: dp s1 rack 4/);

  expectCodecError(t, truncated(rep, 16 + 1055), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'desc reply one byte short');
  expectCodecError(t, extended(req, 4), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'desc request with a body');
});

t.test('AGGREGATE reply', async (t) => {
  const rep = hex(`
    04 13 0028 00000103
    0002 0001 00000000           # OFPMP_AGGREGATE, flags REPLY_MORE
    0000000000001234             # packet_count
    00000000000abcde             # byte_count
    00000007 00000000            # flow_count, pad`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x103,
    flags: 1,
    body: { kind: 'aggregate', packetCount: 0x1234n, byteCount: 0xabcden, flowCount: 7 },
  });
  t.match(ofpPrint(rep), /OFPST_AGGREGATE reply .*packet_count=4660 byte_count=703710 flow_count=7/);
  expectCodecError(t, truncated(rep, 36), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'aggregate reply short');
});

t.test('TABLE request and reply', async (t) => {
  const req = hex('04 12 0010 00000104  0003 0000 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x104, flags: 0, body: { kind: 'table' } });
  t.match(ofpPrint(req), /OFPST_TABLE request/);

  const rep = hex(`
    04 13 0040 00000105
    0003 0000 00000000
    02 000000 00000005 000000000000c350 000000000000c000   # table 2
    fe 000000 00000000 0000000000000001 0000000000000000   # table 254`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x105,
    flags: 0,
    body: {
      kind: 'table',
      stats: [
        { tableId: 2, activeCount: 5, lookupCount: 50000n, matchedCount: 49152n },
        { tableId: 254, activeCount: 0, lookupCount: 1n, matchedCount: 0n },
      ],
    },
  });
  const text = ofpPrint(rep);
  t.match(text, /table 2:\s+active=5, lookup=50000, matched=49152/);
  t.match(text, /table 254:\s+active=0, lookup=1, matched=0/);
  expectCodecError(t, truncated(rep, 0x40 - 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'ragged table stats');
});

t.test('PORT_STATS request and reply', async (t) => {
  const req = hex('04 12 0018 00000106  0004 0000 00000000  00000003 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x106, flags: 0, body: { kind: 'portStats', portNo: 3 } });
  t.match(ofpPrint(req), /OFPST_PORT request .*port_no=3/);

  const rep = hex(`
    04 13 00f0 00000107
    0004 0001 00000000
    00000003 00000000
    0000000000000101 0000000000000202    # rx/tx packets
    0000000000010303 0000000000020404    # rx/tx bytes
    0000000000000005 0000000000000006    # rx/tx dropped
    0000000000000007 0000000000000008    # rx/tx errors
    0000000000000009 000000000000000a    # frame, over
    000000000000000b 000000000000000c    # crc, collisions
    0000012c 1dcd6500                    # 300.5 s
    fffffffe 00000000                    # OFPP_LOCAL
    0000000000000011 0000000000000012
    0000000000000013 0000000000000014
    0000000000000015 0000000000000016
    0000000000000017 0000000000000018
    0000000000000019 000000000000001a
    000000000000001b 000000000000001c
    00000002 00000000`);
  const counters = (base: number) => ({
    rxPackets: BigInt(base + 1),
    txPackets: BigInt(base + 2),
    rxBytes: BigInt(base + 3),
    txBytes: BigInt(base + 4),
    rxDropped: BigInt(base + 5),
    txDropped: BigInt(base + 6),
    rxErrors: BigInt(base + 7),
    txErrors: BigInt(base + 8),
    rxFrameErr: BigInt(base + 9),
    rxOverErr: BigInt(base + 10),
    rxCrcErr: BigInt(base + 11),
    collisions: BigInt(base + 12),
  });
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x107,
    flags: 1,
    body: {
      kind: 'portStats',
      stats: [
        { portNo: 3, ...counters(0), rxPackets: 0x101n, txPackets: 0x202n, rxBytes: 0x10303n, txBytes: 0x20404n, durationSec: 300, durationNsec: 500000000 },
        { portNo: 0xfffffffe, ...counters(0x10), durationSec: 2, durationNsec: 0 },
      ],
    },
  });
  const text = ofpPrint(rep);
  t.match(text, /flags=\[more\] 2 ports/);
  t.match(text, /port\s+3: rx pkts=257, bytes=66307, drop=5, errs=7, frame=9, over=10, crc=11/);
  t.match(text, /tx pkts=514, bytes=132100, drop=6, errs=8, coll=12/);
  t.match(text, /duration=300\.500s/);
  t.match(text, /port LOCAL: rx pkts=17, bytes=19, drop=21, errs=23, frame=25, over=26, crc=27/);
  expectCodecError(t, truncated(req, 20), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'port stats request short');
});

t.test('QUEUE request and reply', async (t) => {
  const req = hex('04 12 0018 00000108  0005 0000 00000000  00000003 00000009');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x108, flags: 0, body: { kind: 'queue', portNo: 3, queueId: 9 } });
  t.match(ofpPrint(req), /OFPST_QUEUE request .*port=3 queue=9/);

  const rep = hex(`
    04 13 0038 00000109
    0005 0000 00000000
    00000003 00000009                     # port, queue
    0000000000004321 0000000000000321     # tx bytes, packets
    0000000000000004                      # tx errors
    0000003c 00002710                     # 60 s 10000 ns`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x109,
    flags: 0,
    body: {
      kind: 'queue',
      stats: [{ portNo: 3, queueId: 9, txBytes: 0x4321n, txPackets: 0x321n, txErrors: 4n, durationSec: 60, durationNsec: 10000 }],
    },
  });
  t.match(ofpPrint(rep), /port 3 queue 9: bytes=17185, pkts=801, errors=4, duration=60\.00001s/);
});

t.test('EXPERIMENTER request and reply keep their data', async (t) => {
  // Nicira NXST_IPFIX_BRIDGE, so the oracle knows the body.
  const req = hex('04 12 0018 0000010a  ffff 0000 00000000  00002320 00000003');
  checkVector(t, req, {
    type: 'multipartRequest',
    xid: 0x10a,
    flags: 0,
    body: { kind: 'experimenter', experimenter: 0x2320, expType: 3, data: new Uint8Array(0) },
  });
  t.match(ofpPrint(req), /NXST_IPFIX_BRIDGE request/);

  const counters = Array.from({ length: 10 }, (_, i) => (i + 1).toString(16).padStart(16, '0')).join('');
  const data = hex(`${counters} 00000005 00000000`);
  const rep = hex(`04 13 0070 0000010b  ffff 0000 00000000  00002320 00000003 ${counters} 00000005 00000000`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x10b,
    flags: 0,
    body: { kind: 'experimenter', experimenter: 0x2320, expType: 3, data },
  });
  t.match(ofpPrint(rep), /bridge ipfix: flows=1, current flows=2, sampled pkts=3, ipv4 ok=4, ipv6 ok=5, tx pkts=9/);
  expectCodecError(t, truncated(req, 20), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'experimenter header short');
});

t.test('multipart header errors', async (t) => {
  for (const type of ['12', '13']) {
    expectCodecError(t, hex(`04 ${type} 0010 00000001  000e 0000 00000000`), OFPET.BAD_REQUEST, OFPBRC.BAD_MULTIPART, `type 14 (${type})`);
    expectCodecError(t, hex(`04 ${type} 0010 00000001  fffe 0000 00000000`), OFPET.BAD_REQUEST, OFPBRC.BAD_MULTIPART, `type 0xfffe (${type})`);
    expectCodecError(t, hex(`04 ${type} 000c 00000001  0000 0000`), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `header without pad (${type})`);
  }
  for (const type of ['multipartRequest', 'multipartReply'] as const) {
    const msg = { type, xid: 1, flags: 0, body: { kind: 'bogus' } } as unknown as OfMessage;
    t.throws(() => encode(msg), { errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_MULTIPART }, `encoding an unknown kind (${type})`);
  }
});
