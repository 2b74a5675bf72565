/**
 * The shortcuts added for the codec speed targets (issue #2) must accept, reject and write
 * exactly what the general paths do: the table-driven MAC parser, the common-field OXM encoder,
 * the cached cookie halves of FLOW_MOD, and the one-entry in_port match decode of PACKET_IN.
 */
import t from 'tap';
import { decode, encode, OFP_NO_BUFFER, OFPP } from '../../protocol/index.js';
import type { FlowMod, Match, PacketIn } from '../../protocol/index.js';
import { OFPBMC, OFPET, OFPFMFC } from '../../protocol/openflow/error-codes.js';
import { decodeMatch, encodeMatch } from '../../protocol/openflow/match.js';
import { encodeOxm, MATCH_ERRORS } from '../../protocol/openflow/oxm.js';
import { parseMacInto } from '../../protocol/openflow/oxm-values.js';
import { Writer } from '../../protocol/wire/writer.js';
import { Reader } from '../../protocol/wire/reader.js';
import { decodePacketInFast, packetIn as packetInCodec } from '../../protocol/openflow/messages/packet-in.js';
import { enc, rd, throwsCodec } from './structures-helpers.js';

/** What the MAC parser accepted before the lookup table: this exact pattern, either case. */
const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

function oracleBytes(s: string): number[] {
  return s.split(':').map((x) => parseInt(x, 16));
}

t.test('parseMacInto: valid MACs in either case, written at the offset', async (t) => {
  const out = new Uint8Array(10).fill(0xee);
  t.ok(parseMacInto('0A:bB:0c:D0:e1:F2', out, 3));
  t.same([...out], [0xee, 0xee, 0xee, 0x0a, 0xbb, 0x0c, 0xd0, 0xe1, 0xf2, 0xee]);
  t.ok(parseMacInto('ff:FF:00:99:Aa:5f', out, 0));
  t.same([...out.subarray(0, 6)], [0xff, 0xff, 0x00, 0x99, 0xaa, 0x5f]);
});

t.test('parseMacInto rejects bad separators, bad digits, lengths and non-strings', async (t) => {
  const bad: unknown[] = [
    '0a-0b-0c-0d-0e-0f',
    '0a:0b:0c:0d:0e.0f',
    '0a:0b:0c:0d:0e 0f',
    '0a:0b:0c0:d:0e:0f',
    ':0a:0b:0c:0d:0e:0',
    '0a:0b:0c:0d:0e:0g',
    'G0:0b:0c:0d:0e:0f',
    '0a:0b:0c:0d:0e:/f', // '/' is just below '0'
    '0a:0b:0c:0d:0e:@f', // '@' just below 'A'
    '0a:0b:0c:0d:0e:`f', // '`' just below 'a'
    '0a:0b:0c:0d:0e::f',
    '0a:0b:0c:0d:0e:0f:',
    '0a:0b:0c:0d:0e:f',
    '',
    '\u0130a:0b:0c:0d:0e:0f', // low byte 0x30 ('0'): must not alias a digit
    '0a:0b:0c:0d:0e:0\u0146', // low byte 0x46 ('F')
    '0a\u013a0b:0c:0d:0e:0f', // low byte 0x3a (':') as a separator
    '０a:0b:0c:0d:0e:0f', // fullwidth digit
    17,
    null,
    undefined,
    ['0a:0b:0c:0d:0e:0f'],
    { toString: () => '0a:0b:0c:0d:0e:0f' },
  ];
  for (const s of bad) t.notOk(parseMacInto(s, new Uint8Array(6), 0), `rejects ${typeof s === 'string' ? JSON.stringify(s) : String(s)}`);
});

t.test('parseMacInto agrees with the old pattern on random near-MAC strings', async (t) => {
  // Characters around every boundary of the digit ranges, the separator and its neighbours.
  const alphabet = '0123456789abcdefABCDEF:/;@G`g-. \u0130\u0141';
  let seed = 0x2545f491;
  const rnd = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let accepted = 0;
  let mismatches = 0;
  for (let k = 0; k < 20000; k++) {
    // Start from a valid MAC and corrupt 0-2 positions, so both outcomes are common.
    const chars = Array.from({ length: 6 }, () => '0123456789abcdefABCDEF'[rnd(22)]! + '0123456789abcdefABCDEF'[rnd(22)]!).join(':').split('');
    for (let n = rnd(3); n > 0; n--) chars[rnd(17)] = alphabet[rnd(alphabet.length)]!;
    const s = chars.join('');
    const out = new Uint8Array(6);
    const ok = parseMacInto(s, out, 0);
    if (ok !== MAC_RE.test(s) || (ok && oracleBytes(s).some((v, i) => v !== out[i]))) mismatches++;
    if (ok) accepted++;
  }
  t.equal(mismatches, 0, 'same accept/reject and bytes as the pattern');
  t.ok(accepted > 2000 && accepted < 18000, `both outcomes exercised (${accepted} accepted)`);
});

/** The match through the general OXM encoder alone, the reference for the shortcut. */
function generic(match: Match): string {
  return enc((w) => {
    const start = w.pos;
    w.u16(1);
    w.u16(0);
    for (const e of match) encodeOxm(w, e, MATCH_ERRORS);
    w.patchU16(start + 2, w.pos - start);
    w.padTo(start, 8);
  });
}

t.test('encodeMatch: common fields write the same bytes as the general encoder', async (t) => {
  const matches: Match[] = [
    [{ field: 'in_port', value: 0xfffffff0 }],
    [{ field: 'in_port', value: 0 }, { field: 'eth_dst', value: 'A1:b2:C3:d4:E5:f6' }, { field: 'eth_src', value: '0f:1e:2d:3c:4b:5a' }],
    [{ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_src', value: '10.1.2.3' }, { field: 'ipv4_dst', value: '192.168.254.1' }],
    [{ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_dst', value: '0.0.0.0' }, { field: 'ip_proto', value: 17 }, { field: 'udp_dst', value: 4789 }],
    // Masked and other fields take the general path, mixed with shortcut ones.
    [{ field: 'eth_dst', value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' }, { field: 'in_port', value: 3 }, { field: 'vlan_vid', value: 0x1005 }],
    [{ field: 'eth_type', value: 0x86dd }, { field: 'ipv6_dst', value: 'fe80::1' }, { field: 'eth_src', value: '02:00:00:00:00:07' }],
    [{ field: 'opaque', oxmClass: 0xffff, oxmField: 9, hasMask: false, body: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }, { field: 'in_port', value: 9 }],
  ];
  for (const m of matches) t.equal(enc((w) => encodeMatch(w, m)), generic(m), JSON.stringify(m.map((e) => e.field)));
});

t.test('encodeMatch: invalid common values fail as in the general encoder and leave nothing behind', async (t) => {
  const cases: [Match, number, RegExp][] = [
    [[{ field: 'in_port', value: -1 }], OFPBMC.BAD_VALUE, /in_port value -1 is not an integer in 0\.\.4294967295/],
    [[{ field: 'in_port', value: 2 ** 32 }], OFPBMC.BAD_VALUE, /in_port value 4294967296/],
    [[{ field: 'in_port', value: 1.5 }], OFPBMC.BAD_VALUE, /in_port value 1\.5/],
    [[{ field: 'in_port', value: '1' as unknown as number }], OFPBMC.BAD_VALUE, /in_port value "1"/],
    [[{ field: 'eth_dst', value: '02-00-00-00-00-01' }], OFPBMC.BAD_VALUE, /eth_dst value "02-00-00-00-00-01" is not a MAC address/],
    [[{ field: 'eth_src', value: '02:00:00:00:00:0g' }], OFPBMC.BAD_VALUE, /eth_src value "02:00:00:00:00:0g"/],
    [[{ field: 'eth_type', value: 0x10000 }], OFPBMC.BAD_VALUE, /eth_type value 65536 is not an integer in 0\.\.65535/],
    [[{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_src', value: '10.0.0.256' }], OFPBMC.BAD_VALUE, /ipv4_src value "10\.0\.0\.256" is not an IPv4 address/],
    [[{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '010.0.0.1' }], OFPBMC.BAD_VALUE, /ipv4_dst value "010\.0\.0\.1"/],
    [[{ field: 'in_port', value: 1 }, { field: 'in_port', value: 2 }], OFPBMC.DUP_FIELD, /in_port appears twice/],
    [[{ field: 'eth_src', value: '02:00:00:00:00:01' }, { field: 'eth_src', value: '02:00:00:00:00:01' }], OFPBMC.DUP_FIELD, /eth_src appears twice/],
    [[{ field: 'ipv4_src', value: '10.0.0.1' }], OFPBMC.BAD_PREREQ, /eth_type=0x0800/],
    [[{ field: 'eth_type', value: 0x86dd }, { field: 'ipv4_dst', value: '10.0.0.1' }], OFPBMC.BAD_PREREQ, /eth_type=0x0800/],
  ];
  for (const [m, code, msg] of cases) {
    const w = new Writer(8);
    throwsCodec(t, () => encodeMatch(w, m), OFPET.BAD_MATCH, code, msg, JSON.stringify(m));
  }
});

const flowMod: FlowMod = {
  type: 'flowMod',
  xid: 0x5a5a,
  cookie: 0n,
  cookieMask: 0n,
  tableId: 3,
  command: 1,
  idleTimeout: 30,
  hardTimeout: 300,
  priority: 1234,
  bufferId: OFP_NO_BUFFER,
  outPort: OFPP.ANY,
  outGroup: 0xffffffff,
  flags: 1,
  match: [{ field: 'in_port', value: 5 }],
  instructions: [],
};

/** The 16 cookie bytes of an encoded FLOW_MOD as hex. */
function cookies(cookie: bigint, cookieMask: bigint): string {
  return Buffer.from(encode({ ...flowMod, cookie, cookieMask })).subarray(8, 24).toString('hex');
}

t.test('FLOW_MOD cookies: every value is written right whatever was encoded before', async (t) => {
  const seq: [bigint, bigint][] = [
    [0x1122334455667788n, 0n],
    [0x1122334455667788n, 0xffffffffffffffffn],
    [0xa0000001n, 0x1122334455667788n],
    [0n, 0n],
    [BigInt(0x1122334455) * 0x1000000n + 0x667788n, 0xffffffff00000000n], // same value, another bigint
    [0xffffffffffffffffn, 0x1n],
    [0x100000000n, 0xffffffffn],
  ];
  for (const [c, m] of seq) {
    t.equal(cookies(c, m), c.toString(16).padStart(16, '0') + m.toString(16).padStart(16, '0'), `cookie ${c.toString(16)} mask ${m.toString(16)}`);
  }
});

t.test('FLOW_MOD cookies out of range still fail, and do not disturb the next message', async (t) => {
  const bad: [Partial<FlowMod>, RegExp][] = [
    [{ cookie: -1n }, /flow mod cookie -1n is not a 64-bit unsigned bigint/],
    [{ cookie: 2n ** 64n }, /cookie 18446744073709551616n/],
    [{ cookie: 5 as unknown as bigint }, /cookie 5 is not/],
    [{ cookieMask: -2n }, /flow mod cookie mask -2n/],
    [{ cookieMask: 2n ** 64n + 7n }, /cookie mask 18446744073709551623n/],
    // The cookie is checked before the other fields, as it was.
    [{ cookie: -1n, tableId: 256 }, /cookie -1n/],
  ];
  for (const [patch, msg] of bad) {
    cookies(0x77n, 0n);
    const w = new Writer(64);
    throwsCodec(t, () => encode({ ...flowMod, ...patch } as FlowMod, w), OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN, msg, String(patch.cookie ?? patch.cookieMask));
    t.equal(w.pos, 0, 'nothing written');
    t.equal(cookies(0x77n, 0n), '0000000000000077' + '0'.repeat(16), 'the next message is right');
  }
});

t.test('decodeMatch: a lone in_port entry decodes like any other match', async (t) => {
  const m = decodeMatch(rd('0001000c' + '80000004' + 'fffffffe' + '00000000'));
  t.strictSame(m, [{ field: 'in_port', value: 0xfffffffe }]);
  // Same length, other headers: the general path (in_phy_port, masked in_port is illegal).
  t.strictSame(decodeMatch(rd('0001000c' + '80000204' + '00000007' + '00000000')), [{ field: 'in_phy_port', value: 7 }]);
  throwsCodec(t, () => decodeMatch(rd('0001000c' + '80000104' + '00000007' + '00000000')), OFPET.BAD_MATCH, OFPBMC.BAD_MASK, /in_port cannot be masked/);
  throwsCodec(t, () => decodeMatch(rd('0001000c' + '80000005' + '00000007' + '00000000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
  // The reader ends after the padding either way.
  const r = rd('0001000c' + '80000004' + '00000003' + '00000000' + 'abcd');
  decodeMatch(r);
  t.equal(r.pos, 16);
  // A truncated in_port match is still a length error.
  throwsCodec(t, () => decodeMatch(rd('0001000c' + '80000004' + '0000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
});

t.test('PACKET_IN with an in_port match round-trips through the shortcut', async (t) => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00]);
  const msg: PacketIn = { type: 'packetIn', xid: 99, bufferId: 0x1234, totalLen: 14, reason: 2, tableId: 9, cookie: 0xabn, match: [{ field: 'in_port', value: 0x10203 }], data };
  const got = decode(encode(msg)) as PacketIn;
  t.strictSame(got.match, msg.match);
  t.same([...got.data], [...data]);
  t.equal(got.tableId, 9);
});

t.test('PACKET_IN fast decode gives what the general codec gives, and steps aside for anything else', async (t) => {
  const frame = new Uint8Array(60).map((_, i) => (i * 7 + 3) & 0xff);
  const base: PacketIn = { type: 'packetIn', xid: 0x0a0b0c0d, bufferId: 0xfffffffe, totalLen: 1500, reason: 1, tableId: 0xfe, cookie: 0x0102030405060708n, match: [{ field: 'in_port', value: 0xfffffff0 }], data: frame };
  const viaReader = (bytes: Buffer) => {
    const r = new Reader(bytes, 8, bytes.length);
    return packetInCodec.decode(r, bytes.readUInt32BE(4)) as PacketIn;
  };
  for (const msg of [base, { ...base, cookie: 0n, bufferId: OFP_NO_BUFFER, data: new Uint8Array(0) }, { ...base, cookie: 0xffffffffn }]) {
    const bytes = encode(msg);
    const fast = decodePacketInFast(bytes, msg.xid);
    t.ok(fast, 'an in_port-only PACKET_IN takes the fast path');
    t.strictSame({ ...fast!, data: [...fast!.data] }, { ...viaReader(bytes), data: [...msg.data] }, 'same message as the general decoder');
    t.strictSame((decode(bytes) as PacketIn).match, msg.match);
  }
  // Another match, or a match that is not in_port alone: the general path, with the same results.
  const two = encode({ ...base, match: [{ field: 'in_port', value: 3 }, { field: 'eth_type', value: 0x0800 }] });
  t.equal(decodePacketInFast(two, 1), undefined, 'two fields: general path');
  t.strictSame((decode(two) as PacketIn).match, [{ field: 'in_port', value: 3 }, { field: 'eth_type', value: 0x0800 }]);
  const phy = encode({ ...base, match: [{ field: 'metadata', value: 0x33n }] });
  t.equal(decodePacketInFast(phy, 1), undefined, 'another one-field match: general path');
  t.strictSame((decode(phy) as PacketIn).match, [{ field: 'metadata', value: 0x33n }]);
  // Lies are still caught by the general path: a match length that runs past the message.
  const bad = Buffer.from(encode(base));
  bad.writeUInt16BE(0x400, 26);
  t.equal(decodePacketInFast(bad, 1), undefined);
  throwsCodec(t, () => decode(bad), OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
  // Too short for the fast layout: the general path reports it.
  const short = Buffer.from(encode(base)).subarray(0, 40);
  short.writeUInt16BE(40, 2);
  t.equal(decodePacketInFast(short, 1), undefined);
  t.throws(() => decode(short));
});
