/**
 * The speed work on the codec (bench/codec.ts) must not change what it does: byte-indexed
 * reads, the lazy DataView, u64 decoding without a DataView, compiled struct encoders with
 * range checks, encodeInto, and the bitmask duplicate check in encodeMatch.
 */
import t from 'tap';
import { decode, encode, encodeInto, OFP_NO_BUFFER, OfCodecError } from '../../protocol/index.js';
import type { FlowMod, PacketIn, PacketOut } from '../../protocol/index.js';
import { OFPBAC, OFPBMC, OFPBRC, OFPET, OFPFMFC } from '../../protocol/openflow/error-codes.js';
import { encodeMatch } from '../../protocol/openflow/match.js';
import { Reader } from '../../protocol/wire/reader.js';
import { mac, pad, str, struct, u16, u24, u32, u64, u8 } from '../../protocol/wire/struct.js';
import { Writer } from '../../protocol/wire/writer.js';
import { encodeActions } from '../../protocol/openflow/actions.js';
import { enc, throwsCodec } from './structures-helpers.js';

const sample = struct('sample', 32, [
  ['a', u8],
  ['b', u16],
  ['c', u24],
  pad(2),
  ['d', u32],
  ['e', u64],
  ['f', mac],
  ['g', str(6)],
]);
const SAMPLE = { a: 0xa1, b: 0xb2b3, c: 0xc4c5c6, d: 0xd7d8d9da, e: 0xe1e2e3e4e5e6e7e8n, f: '0a:0b:0c:0d:0e:0f', g: 'xyz' };
const SAMPLE_HEX = 'a1' + 'b2b3' + 'c4c5c6' + '0000' + 'd7d8d9da' + 'e1e2e3e4e5e6e7e8' + '0a0b0c0d0e0f' + '78797a000000';

t.test('compiled struct encode/decode round-trip every field kind at a non-zero offset', async (t) => {
  t.equal(enc((w) => sample.encode(w, SAMPLE)), SAMPLE_HEX);
  // Decode from a view with a byteOffset, and a reader window starting past 0.
  const big = Buffer.from('ffff' + 'eeee' + SAMPLE_HEX + 'dddd', 'hex');
  const view = big.subarray(2);
  const r = new Reader(view, 2, 2 + 32);
  t.strictSame(sample.decode(r), SAMPLE);
  t.equal(r.pos, 34);
});

t.test('compiled struct encode zeroes pads in a reused writer', async (t) => {
  const w = new Writer(64);
  w.buf.fill(0x55);
  sample.encode(w, SAMPLE);
  t.equal(w.finish().toString('hex'), SAMPLE_HEX);
});

t.test('struct encode range-checks every field and writes nothing on error', async (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['a', 256, /sample a 256 is not an integer in 0\.\.255/],
    ['b', 70000, /sample b 70000 is not an integer in 0\.\.65535/],
    ['c', 0x1000000, /sample c 16777216 /],
    ['d', -1, /sample d -1 is not an integer in 0\.\.4294967295/],
    ['d', 1.5, /sample d 1\.5 /],
    ['b', '7', /sample b "7" /],
    ['b', 7n, /sample b 7n /],
    ['a', undefined, /sample a undefined /],
    ['e', -1n, /sample e -1n is not a bigint in 0\.\.2\^64-1/],
    ['e', 2n ** 64n, /sample e 18446744073709551616n /],
    ['e', 5, /sample e 5 is not a bigint/],
    ['f', '0a:0b:0c:0d:0e', /invalid MAC address/],
    ['g', 'seven!!', /longer than its 6-byte field/],
  ];
  for (const [field, v, msg] of bad) {
    const w = new Writer(8);
    w.u8(0x99);
    throwsCodec(t, () => sample.encode(w, { ...SAMPLE, [field]: v }), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, msg, `${field}=${String(v)}`);
    t.equal(w.pos, 1, `${field}: nothing written`);
  }
  // Other error types per struct (action bodies use OFPET_BAD_ACTION/OFPBAC_BAD_ARGUMENT).
  const s = struct('x', 2, [['v', u16]], { errType: OFPET.BAD_ACTION, errCode: OFPBAC.BAD_ARGUMENT, label: 'thing' });
  throwsCodec(t, () => s.encode(new Writer(), { v: 0x10000 }), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /: thing v 65536 is not an integer in 0\.\.65535$/);
  t.equal(enc((w) => encodeActions(w, [{ type: 'output', port: 0xfffffffd, maxLen: 0xffe5 }])), '00000010' + 'fffffffd' + 'ffe5' + '000000000000', 'output: header, port, max_len, 6 pad bytes');
});

t.test('struct decode of a short window throws the reader error naming the struct', async (t) => {
  const r = new Reader(new Uint8Array(31), 0, 31, OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
  throwsCodec(t, () => sample.decode(r), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /sample needs 32 bytes at offset 0, 31 left/);
});

t.test('Reader: integers from a view with a byteOffset; dv is lazy, relative to buf, shared with sub-readers', async (t) => {
  const ab = new Uint8Array([0xee, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b]);
  const view = ab.subarray(1);
  const r = new Reader(view);
  t.equal(r.u8(), 0x01);
  t.equal(r.u16(), 0x0203);
  t.equal(r.u24(), 0x040506);
  t.equal(r.u32(), 0x0708090a);
  t.equal(r.dv.getUint8(0), 0x01, 'dv offset 0 is buf[0]');
  t.equal(r.dv, r.dv, 'one DataView per reader');
  const r2 = new Reader(view, 4);
  t.equal(r2.dv.getUint16(0), 0x0102);
  const sub = r2.sub(2);
  t.equal(sub.dv, r2.dv, 'sub-reader shares the DataView');
  t.equal(sub.u16(), 0x0506);
  throwsCodec(t, () => sub.u8(), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, /field needs 1 bytes at offset 6, 0 left/);
});

t.test('u64 values decode exactly: zero, under 2^32, 2^32 and above, all ones', async (t) => {
  for (const v of [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x0102030405060708n, 0xffffffffffffffffn]) {
    const w = new Writer(8);
    w.u64(v);
    t.equal(new Reader(w.finish()).u64(), v, `0x${v.toString(16)}`);
  }
});

const frame = Uint8Array.from({ length: 60 }, (_, i) => (i * 7 + 1) & 0xff);

t.test('PACKET_IN cookies of every size decode; the frame is a view of a pooled Buffer', async (t) => {
  for (const cookie of [0n, 0x10000n, 0x80000001n, 0xfedcba9876543210n]) {
    const msg: PacketIn = { type: 'packetIn', xid: 0x11223344, bufferId: OFP_NO_BUFFER, totalLen: 60, reason: 1, tableId: 7, cookie, match: [{ field: 'in_port', value: 0xfffffffe }], data: frame };
    // Buffer.from(hex) of a small message lands in Node's pool: a non-zero byteOffset.
    const bytes = Buffer.from(Buffer.from(encode(msg)).toString('hex'), 'hex');
    const got = decode(bytes) as PacketIn;
    t.equal(got.cookie, cookie);
    t.equal(got.xid, 0x11223344);
    t.strictSame(got.match, msg.match);
    t.equal(got.data.buffer, bytes.buffer, 'a view, not a copy');
    t.equal(Buffer.from(got.data).toString('hex'), Buffer.from(frame).toString('hex'));
  }
});

const flowMod: FlowMod = {
  type: 'flowMod',
  xid: 0x51,
  cookie: 0xabcdefn,
  cookieMask: 0n,
  tableId: 3,
  command: 0,
  idleTimeout: 10,
  hardTimeout: 20,
  priority: 300,
  bufferId: OFP_NO_BUFFER,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 1,
  match: [
    { field: 'in_port', value: 4 },
    { field: 'eth_dst', value: '02:00:00:00:09:00', mask: 'ff:ff:ff:ff:ff:00' },
    { field: 'tunnel_id', value: 0x99n },
  ],
  instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
};

t.test('encodeInto appends after what the writer holds and returns the length', async (t) => {
  const w = new Writer(16);
  w.u32(0xcafef00d);
  const len = encodeInto(flowMod, w);
  const alone = encode(flowMod);
  t.equal(len, alone.length);
  t.equal(w.pos, 4 + len);
  t.equal(w.buf.subarray(4, 4 + len).toString('hex'), alone.toString('hex'));
  t.strictSame(decode(w.buf.subarray(4, 4 + len)), decode(alone));
  // A second message follows the first.
  const po: PacketOut = { type: 'packetOut', xid: 0x52, bufferId: OFP_NO_BUFFER, inPort: 1, actions: [{ type: 'output', port: 3, maxLen: 0 }], data: frame };
  const len2 = encodeInto(po, w);
  t.equal(w.buf.subarray(4 + len, 4 + len + len2).toString('hex'), encode(po).toString('hex'));
});

t.test('encodeInto and encode leave the writer as it was when a message cannot be encoded', async (t) => {
  const w = new Writer(16);
  w.u16(0x1234);
  const cases: [FlowMod, number, number][] = [
    [{ ...flowMod, priority: 70000 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ ...flowMod, tableId: 3n as unknown as number }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_TABLE_ID],
    [{ ...flowMod, cookie: -1n }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ ...flowMod, match: [{ field: 'in_port', value: 1 }, { field: 'in_port', value: 2 }] }, OFPET.BAD_MATCH, OFPBMC.DUP_FIELD],
    [{ ...flowMod, instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: -1, maxLen: 0 }] }] }, OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT],
  ];
  for (const [m, errType, code] of cases) {
    throwsCodec(t, () => encodeInto(m, w), errType, code);
    t.equal(w.pos, 2);
    throwsCodec(t, () => encode(m, w), errType, code);
    t.equal(w.pos, 2);
  }
  t.equal(w.finish().toString('hex'), '1234');
});

t.test('encodeMatch: duplicates of any field number, prerequisites still checked', async (t) => {
  const dup = (m: FlowMod['match']) => () => encodeMatch(new Writer(), m);
  throwsCodec(t, dup([{ field: 'tunnel_id', value: 1n }, { field: 'in_port', value: 1 }, { field: 'tunnel_id', value: 2n }]), OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, /tunnel_id appears twice/);
  throwsCodec(t, dup([{ field: 'ipv6_exthdr', value: 1 }, { field: 'ipv6_exthdr', value: 1 }]), OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, /ipv6_exthdr appears twice/);
  throwsCodec(t, dup([{ field: 'eth_type', value: 0x800 }, { field: 'eth_type', value: 0x800 }]), OFPET.BAD_MATCH, OFPBMC.DUP_FIELD);
  throwsCodec(t, dup([{ field: 'ipv4_src', value: '10.0.0.1' }]), OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, /ipv4_src requires eth_type=0x0800/);
  throwsCodec(t, dup([{ field: 'in_phy_port', value: 3 }]), OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, /in_phy_port requires in_port/);
  throwsCodec(t, dup([{ field: 'pbb_isid', value: 3 }]), OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ);
  // Fields without prerequisites encode alone; a duplicate-free match with them all passes.
  t.doesNotThrow(dup([
    { field: 'in_port', value: 1 },
    { field: 'metadata', value: 2n },
    { field: 'eth_dst', value: '02:00:00:00:00:01' },
    { field: 'eth_src', value: '02:00:00:00:00:02' },
    { field: 'eth_type', value: 0x86dd },
    { field: 'vlan_vid', value: 0x1005 },
    { field: 'tunnel_id', value: 3n },
    { field: 'ipv6_exthdr', value: 4 },
  ]));
});

t.test('errors thrown by encoders are OfCodecError, never TypeError, for bigints in number fields', async (t) => {
  const po: PacketOut = { type: 'packetOut', xid: 1, bufferId: 5n as unknown as number, inPort: 1, actions: [], data: frame };
  t.throws(() => encode(po), OfCodecError);
  t.throws(() => encode({ ...flowMod, priority: 1n as unknown as number }), OfCodecError);
});
