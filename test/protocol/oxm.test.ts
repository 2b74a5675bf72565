import t from 'tap';
import { OFPBAC, OFPBMC, OFPET } from '../../protocol/openflow/error-codes.js';
import { decodeOxm, encodeOxm, OXM_FIELDS, oxmField, SET_FIELD_ERRORS } from '../../protocol/openflow/oxm.js';
import type { OxmEntry, OxmValueTypes } from '../../protocol/openflow/oxm-types.js';
import { formatIpv6, parseIpv4, parseIpv6Into, parseMacInto } from '../../protocol/openflow/oxm-values.js';
import { enc, hex, rd, throwsCodec } from './structures-helpers.js';

const BAD_WILDCARDS = 5;

/** A distinct, non-default value for every basic field. */
const VALUES: OxmValueTypes = {
  in_port: 7,
  in_phy_port: 9,
  metadata: 0x0123456789abcdefn,
  eth_dst: '0a:1b:2c:3d:4e:5f',
  eth_src: 'f0:e1:d2:c3:b4:a5',
  eth_type: 0x86dd,
  vlan_vid: 0x1064,
  vlan_pcp: 5,
  ip_dscp: 46,
  ip_ecn: 2,
  ip_proto: 17,
  ipv4_src: '192.168.7.9',
  ipv4_dst: '10.20.30.40',
  tcp_src: 1234,
  tcp_dst: 443,
  udp_src: 5353,
  udp_dst: 53,
  sctp_src: 9899,
  sctp_dst: 2905,
  icmpv4_type: 8,
  icmpv4_code: 3,
  arp_op: 2,
  arp_spa: '172.16.0.1',
  arp_tpa: '172.16.0.254',
  arp_sha: '02:00:00:00:00:01',
  arp_tha: '02:00:00:00:00:02',
  ipv6_src: '2001:db8::17',
  ipv6_dst: 'fe80::1:2:3:4',
  ipv6_flabel: 0xabcde,
  icmpv6_type: 136,
  icmpv6_code: 1,
  ipv6_nd_target: '2001:db8:1::5',
  ipv6_nd_sll: '02:aa:bb:cc:dd:ee',
  ipv6_nd_tll: '02:11:22:33:44:55',
  mpls_label: 0xfedcb,
  mpls_tc: 6,
  mpls_bos: 1,
  pbb_isid: 0xabcdef,
  tunnel_id: 0xfeedfacecafebeefn,
  ipv6_exthdr: 0x1ff,
  // Open vSwitch ct_* fields (NXM_1), tested in nicira.test.ts.
  ct_state: 0x21,
  ct_zone: 44,
  ct_mark: 0x5a5a,
  ct_label: 0x1234n << 112n,
  // Open vSwitch tunnel destination (NXM_1 field 32), tested in tun-dst.test.ts.
  tun_dst: '172.31.0.2',
};

/** Field widths from the spec's table of basic fields, written out independently of oxm.ts. */
const SPEC_WIDTHS: Record<string, number> = {
  in_port: 4, in_phy_port: 4, metadata: 8, eth_dst: 6, eth_src: 6, eth_type: 2, vlan_vid: 2, vlan_pcp: 1,
  ip_dscp: 1, ip_ecn: 1, ip_proto: 1, ipv4_src: 4, ipv4_dst: 4, tcp_src: 2, tcp_dst: 2, udp_src: 2, udp_dst: 2,
  sctp_src: 2, sctp_dst: 2, icmpv4_type: 1, icmpv4_code: 1, arp_op: 2, arp_spa: 4, arp_tpa: 4, arp_sha: 6,
  arp_tha: 6, ipv6_src: 16, ipv6_dst: 16, ipv6_flabel: 4, icmpv6_type: 1, icmpv6_code: 1, ipv6_nd_target: 16,
  ipv6_nd_sll: 6, ipv6_nd_tll: 6, mpls_label: 4, mpls_tc: 1, mpls_bos: 1, pbb_isid: 3, tunnel_id: 8, ipv6_exthdr: 2,
};
const SPEC_MASKABLE = new Set([
  'metadata', 'eth_dst', 'eth_src', 'vlan_vid', 'ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa', 'arp_sha', 'arp_tha',
  'ipv6_src', 'ipv6_dst', 'ipv6_flabel', 'pbb_isid', 'tunnel_id', 'ipv6_exthdr',
]);

const decodeHex = (h: string): OxmEntry => {
  const r = rd(h);
  const e = decodeOxm(r);
  t.equal(r.pos, r.end, `decodeOxm consumed all of ${h}`);
  return e;
};

t.test('the table has the 40 basic fields in field-number order, with the spec widths and maskability', async (t) => {
  t.equal(OXM_FIELDS.length, 40);
  const names = Object.keys(VALUES);
  OXM_FIELDS.forEach((d, i) => {
    t.equal(d.num, i, `${d.name} number`);
    t.equal(d.name, names[i], `field ${i} name`);
    t.equal(d.width, SPEC_WIDTHS[d.name], `${d.name} width`);
    t.equal(d.maskable, SPEC_MASKABLE.has(d.name), `${d.name} maskable`);
  });
  t.equal(oxmField('ipv4_src')?.num, 11);
  t.equal(oxmField('nope'), undefined);
});

t.test('hand-made TLVs decode to the expected entries and re-encode to the same bytes', async (t) => {
  const cases: [string, OxmEntry][] = [
    // class 8000, field 0 <<1, no mask, length 4
    ['80000004 01020304', { field: 'in_port', value: 0x01020304 }],
    // field 2 (metadata) with mask: 0x04 | 1, length 16
    ['80000510 00000000 0000ab00 00000000 0000ff00', { field: 'metadata', value: 0xab00n, mask: 0xff00n }],
    // field 4 (eth_src) = 4<<1 = 0x08, length 6
    ['80000806 0a1b2c3d4e5f', { field: 'eth_src', value: '0a:1b:2c:3d:4e:5f' }],
    // field 6 (vlan_vid) masked: 0x0c | 1, length 4
    ['80000d04 1000 1000', { field: 'vlan_vid', value: 0x1000, mask: 0x1000 }],
    // field 7 (vlan_pcp) = 0x0e, length 1
    ['80000e01 05', { field: 'vlan_pcp', value: 5 }],
    // field 12 (ipv4_dst) masked = 0x18 | 1, length 8
    ['80001908 0a140100 ffffff00', { field: 'ipv4_dst', value: '10.20.1.0', mask: '255.255.255.0' }],
    // field 21 (arp_op) = 0x2a, length 2
    ['80002a02 0002', { field: 'arp_op', value: 2 }],
    // field 26 (ipv6_src) = 0x34, length 16
    ['80003410 20010db8 00000000 00000000 00000017', { field: 'ipv6_src', value: '2001:db8::17' }],
    // field 31 (ipv6_nd_target) = 0x3e, length 16
    ['80003e10 fe800000 00000000 02aabbff fecc0001', { field: 'ipv6_nd_target', value: 'fe80::2aa:bbff:fecc:1' }],
    // field 37 (pbb_isid) = 0x4a, length 3
    ['80004a03 abcdef', { field: 'pbb_isid', value: 0xabcdef }],
    // field 38 (tunnel_id) masked = 0x4c | 1, length 16
    ['80004d10 feedfacecafebeef ffffffffffffffff', { field: 'tunnel_id', value: 0xfeedfacecafebeefn, mask: 0xffffffffffffffffn }],
    // field 39 (ipv6_exthdr) = 0x4e, length 2
    ['80004e02 0104', { field: 'ipv6_exthdr', value: 0x104 }],
  ];
  for (const [h, entry] of cases) {
    t.strictSame(decodeHex(h), entry, `decode ${h}`);
    t.equal(enc((w) => encodeOxm(w, entry)), h.replace(/\s/g, ''), `encode ${entry.field}`);
  }
});

t.test('every basic field round-trips with a distinct value, with the header the spec describes', async (t) => {
  for (const d of OXM_FIELDS) {
    const entry = { field: d.name, value: VALUES[d.name] } as OxmEntry;
    const h = enc((w) => encodeOxm(w, entry));
    const header = ((0x8000 << 16) | (d.num << 9) | SPEC_WIDTHS[d.name]!) >>> 0;
    t.equal(h.slice(0, 8), header.toString(16), `${d.name} header`);
    t.equal(h.length, 2 * (4 + SPEC_WIDTHS[d.name]!), `${d.name} length`);
    t.strictSame(decodeHex(h), entry, `${d.name} round trip`);
  }
});

t.test('masked fields round-trip value and mask', async (t) => {
  const masked: OxmEntry[] = [
    { field: 'eth_dst', value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' },
    { field: 'ipv6_dst', value: '2001:db8:aa::', mask: 'ffff:ffff:ffff::' },
    { field: 'ipv6_flabel', value: 0x12300, mask: 0xfff00 },
    { field: 'arp_tpa', value: '10.1.0.0', mask: '255.255.0.0' },
    { field: 'pbb_isid', value: 0x120000, mask: 0xff0000 },
    { field: 'ipv6_exthdr', value: 0x40, mask: 0x1c0 },
  ];
  for (const e of masked) t.strictSame(decodeHex(enc((w) => encodeOxm(w, e))), e, `${e.field} masked`);
});

t.test('IPv6 text is RFC 5952 canonical and parsing accepts any valid form', async (t) => {
  const canon = (s: string): string => {
    const b = new Uint8Array(16);
    t.ok(parseIpv6Into(s, b, 0), `parses ${s}`);
    return formatIpv6(b, 0);
  };
  t.equal(canon('2001:0DB8:0000:0000:0000:0000:0002:0001'), '2001:db8::2:1', 'leading zeros dropped, lowercase');
  t.equal(canon('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'first of two equal runs');
  t.equal(canon('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'longest run, not the first');
  t.equal(canon('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not shortened');
  t.equal(canon('0:0:0:0:0:0:0:0'), '::');
  t.equal(canon('::1'), '::1');
  t.equal(canon('fe80::'), 'fe80::');
  t.equal(canon('1:0:0:0:0:0:0:0'), '1::');
  t.equal(canon('::ffff:10.0.0.1'), '::ffff:a00:1', 'embedded IPv4 accepted, printed as hex');
  t.equal(canon('1:2:3:4:5:6:7.8.9.10'), '1:2:3:4:5:6:708:90a');
  t.equal(canon('::1.2.3.4'), '::102:304');
  for (const bad of ['', ':', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1::2:3:4:5:6:7:8', '::1.2.3', '::1.2.3.256', 'fe80::1%eth0']) {
    t.notOk(parseIpv6Into(bad, new Uint8Array(16), 0), `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('IPv4 and MAC parsing are strict', async (t) => {
  t.equal(parseIpv4('10.0.0.1'), 0x0a000001);
  t.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  t.equal(parseIpv4('0.0.0.0'), 0);
  for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.1 ', 'a.b.c.d', '1..2.3', '1.2.3.4.5', 167772161]) {
    t.equal(parseIpv4(bad), -1, `rejects ${JSON.stringify(bad)}`);
  }
  const b = new Uint8Array(6);
  t.ok(parseMacInto('0A:bB:0c:D0:e1:F2', b, 0));
  t.equal(Buffer.from(b).toString('hex'), '0abb0cd0e1f2');
  for (const bad of ['00:11:22:33:44', '00-11-22-33-44-55', 'gg:11:22:33:44:55', '00:11:22:33:44:55:66', '0:11:22:33:44:55', 42]) {
    t.notOk(parseMacInto(bad, b, 0), `rejects ${JSON.stringify(bad)}`);
  }
  // Decoding prints lowercase.
  t.strictSame(decodeHex('80000606 0ABB0CD0E1F2'), { field: 'eth_dst', value: '0a:bb:0c:d0:e1:f2' });
});

t.test('other classes and unknown basic fields stay opaque and re-encode byte for byte', async (t) => {
  const cases: [string, OxmEntry][] = [
    // NXM_1 (0x0001) field 0 (reg0), length 4
    ['00010004 deadbeef', { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: hex('deadbeef') }],
    // NXM_0 field 1 masked, length 4 (value + mask)
    ['00000304 1234ffff', { field: 'opaque', oxmClass: 0, oxmField: 1, hasMask: true, body: hex('1234ffff') }],
    // experimenter class with a 4-byte experimenter id in the body
    ['ffff0c08 00002320 12345678', { field: 'opaque', oxmClass: 0xffff, oxmField: 6, hasMask: false, body: hex('0000232012345678') }],
    // basic class, field 45 (not in 1.3)
    ['80005a02 abcd', { field: 'opaque', oxmClass: 0x8000, oxmField: 45, hasMask: false, body: hex('abcd') }],
    // a header with no payload
    ['0001fe00', { field: 'opaque', oxmClass: 1, oxmField: 127, hasMask: false, body: hex('') }],
  ];
  for (const [h, entry] of cases) {
    const got = decodeHex(h);
    t.same({ ...got, body: Buffer.from((got as { body: Uint8Array }).body).toString('hex') }, { ...entry, body: Buffer.from((entry as { body: Uint8Array }).body).toString('hex') }, `decode ${h}`);
    t.equal(enc((w) => encodeOxm(w, got)), h.replace(/\s/g, ''), `re-encode ${h}`);
  }
});

t.test('malformed TLVs from the wire are BAD_MATCH errors', async (t) => {
  throwsCodec(t, () => decodeOxm(rd('80000002 0001')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /in_port length 2, expected 4/, 'short in_port');
  throwsCodec(t, () => decodeOxm(rd('80000108 00000001 ffffffff')), OFPET.BAD_MATCH, OFPBMC.BAD_MASK, /in_port cannot be masked/, 'masked in_port');
  throwsCodec(t, () => decodeOxm(rd('80000c03 100500')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /vlan_vid length 3/, 'vlan_vid of 3');
  throwsCodec(t, () => decodeOxm(rd('80000d02 1000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /vlan_vid length 2, expected 4/, 'masked vlan_vid too short');
  throwsCodec(t, () => decodeOxm(rd('80000004 0102')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /exceeds/, 'TLV longer than the data');
  throwsCodec(t, () => decodeOxm(rd('000100ff 00')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /exceeds/, 'opaque TLV longer than the data');
  throwsCodec(t, () => decodeOxm(rd('800000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /OXM header/, 'truncated header');
  // The reader's window bounds the TLV even when the buffer goes on.
  throwsCodec(t, () => decodeOxm(rd('80000004 00000001', 0, 6)), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /exceeds/, 'window ends inside');
  // The same problems inside a set_field use the action error codes.
  throwsCodec(t, () => decodeOxm(rd('80000002 0001'), SET_FIELD_ERRORS), OFPET.BAD_ACTION, OFPBAC.BAD_SET_LEN, /in_port/, 'set_field length');
});

t.test('values an app gets wrong are BAD_VALUE errors naming the field', async (t) => {
  const bad: [OxmEntry, RegExp][] = [
    [{ field: 'vlan_pcp', value: 9 }, /vlan_pcp value 9 is not an integer in 0\.\.7/],
    [{ field: 'vlan_vid', value: 0x2000 }, /vlan_vid value 8192/],
    [{ field: 'ip_dscp', value: 64 }, /ip_dscp/],
    [{ field: 'mpls_bos', value: 2 }, /mpls_bos/],
    [{ field: 'in_port', value: -1 }, /in_port value -1/],
    [{ field: 'tcp_dst', value: 1.5 }, /tcp_dst/],
    [{ field: 'eth_type', value: '0x800' as unknown as number }, /eth_type value "0x800"/],
    [{ field: 'metadata', value: 5 as unknown as bigint }, /metadata value 5 is not a bigint/],
    [{ field: 'tunnel_id', value: 1n << 64n }, /tunnel_id value 18446744073709551616n/],
    [{ field: 'ipv4_src', value: '300.1.1.1' }, /ipv4_src value "300.1.1.1" is not an IPv4 address/],
    [{ field: 'ipv6_dst', value: '2001:db8::g' }, /ipv6_dst value "2001:db8::g" is not an IPv6 address/],
    [{ field: 'eth_dst', value: '00:11:22:33:44' }, /eth_dst value "00:11:22:33:44" is not a MAC address/],
    [{ field: 'eth_dst', value: '00:11:22:33:44:55', mask: 'ff:ff' }, /eth_dst mask "ff:ff"/],
  ];
  for (const [e, re] of bad) throwsCodec(t, () => enc((w) => encodeOxm(w, e)), OFPET.BAD_MATCH, OFPBMC.BAD_VALUE, re, e.field);
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'eth_type', value: 0x800, mask: 0xffff } as unknown as OxmEntry)), OFPET.BAD_MATCH, OFPBMC.BAD_MASK, /eth_type cannot be masked/);
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'ipv5_src', value: 1 } as unknown as OxmEntry)), OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, /ipv5_src/);
  throwsCodec(t, () => enc((w) => encodeOxm(w, null as unknown as OxmEntry)), OFPET.BAD_MATCH, OFPBMC.BAD_FIELD);
  throwsCodec(
    t,
    () => enc((w) => encodeOxm(w, { field: 'ipv4_src', value: '10.0.0.1', mask: '255.255.255.0' })),
    OFPET.BAD_MATCH,
    BAD_WILDCARDS,
    /ipv4_src value 10\.0\.0\.1 has bits set outside its mask/,
  );
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: new Uint8Array(256) })), OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
  // As a set_field argument the same mistake is a BAD_ACTION.
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'vlan_pcp', value: 9 }, SET_FIELD_ERRORS)), OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, /vlan_pcp/);
});
