import t from 'tap';
import { OFPBMC, OFPET } from '../../protocol/openflow/error-codes.js';
import { buildMatch, decodeMatch, encodeMatch, matchEntry, matchGet } from '../../protocol/openflow/match.js';
import type { Match } from '../../protocol/openflow/types.js';
import { Writer } from '../../protocol/wire/writer.js';
import { ofpPrint } from '../support/ofp-print.js';
import { enc, hex, ofMessage, rd, throwsCodec } from './structures-helpers.js';

/**
 * The 40 bytes of an ofp_flow_mod after the header: cookie 0xab, cookie_mask 0, table 1, ADD,
 * idle 10, hard 20, priority 300, no buffer, out_port/out_group ANY, SEND_FLOW_REM, pad.
 */
const FLOW_MOD_FIXED = '00000000000000ab 0000000000000000 01 00 000a 0014 012c ffffffff ffffffff ffffffff 0001 0000';

function flowModWithMatch(match: Match): string {
  const w = new Writer();
  encodeMatch(w, match);
  return ofpPrint(ofMessage(14, 0x11, FLOW_MOD_FIXED + w.finish().toString('hex')));
}

t.test('a packet-in style match with in_port alone', async (t) => {
  // type OXM, length 12 (4 header + 8 OXM), in_port 5, 4 bytes of padding; then trailing bytes.
  const bytes = '0001 000c 80000004 00000005 00000000 aabb';
  const r = rd(bytes);
  t.strictSame(decodeMatch(r), [{ field: 'in_port', value: 5 }]);
  t.equal(r.pos, 16, 'reader stops after the padding');
  t.equal(enc((w) => encodeMatch(w, [{ field: 'in_port', value: 5 }])), '0001000c800000040000000500000000');
});

t.test('an empty match is 4 bytes of header and 4 of padding', async (t) => {
  t.strictSame(decodeMatch(rd('0001 0004 00000000')), []);
  t.equal(enc((w) => encodeMatch(w, [])), '0001000400000000');
});

t.test('a match whose length is a multiple of 8 has no padding', async (t) => {
  // header 4 + in_port 8 + metadata 12 = 24.
  const bytes = '0001 0018 80000004 00000003 80000408 0000000000000777';
  t.strictSame(decodeMatch(rd(bytes)), [
    { field: 'in_port', value: 3 },
    { field: 'metadata', value: 0x777n },
  ]);
  t.equal(enc((w) => encodeMatch(w, buildMatch({ in_port: 3, metadata: 0x777n }))), bytes.replace(/\s/g, ''));
});

t.test('a hand-made IPv4/TCP match round-trips, fields in wire order', async (t) => {
  const bytes = [
    '0001 0033', // OXM, length 51 = 4 + 6 + 5 + 8 + 12 + 6 + 10
    '80000a02 0800', // eth_type 0x0800
    '80001401 06', // ip_proto 6
    '80001604 0a000001', // ipv4_src 10.0.0.1
    '80001908 0a140000 ffff0000', // ipv4_dst 10.20.0.0/16
    '80001c02 01bb', // tcp_dst 443
    '80000606 0a1b2c3d4e5f', // eth_dst
    '0000000000', // pad to 56
  ].join('');
  const expected: Match = [
    { field: 'eth_type', value: 0x800 },
    { field: 'ip_proto', value: 6 },
    { field: 'ipv4_src', value: '10.0.0.1' },
    { field: 'ipv4_dst', value: '10.20.0.0', mask: '255.255.0.0' },
    { field: 'tcp_dst', value: 443 },
    { field: 'eth_dst', value: '0a:1b:2c:3d:4e:5f' },
  ];
  t.strictSame(decodeMatch(rd(bytes)), expected);
  t.equal(enc((w) => encodeMatch(w, expected)), bytes.replace(/\s/g, ''));
});

t.test('buildMatch keeps the given order and accepts { value, mask }; matchGet reads fields', async (t) => {
  const m = buildMatch({
    in_port: 9,
    eth_type: 0x800,
    ipv4_src: '10.0.0.1',
    eth_dst: { value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' },
    metadata: { value: 0x42n },
  });
  t.strictSame(m, [
    { field: 'in_port', value: 9 },
    { field: 'eth_type', value: 0x800 },
    { field: 'ipv4_src', value: '10.0.0.1' },
    { field: 'eth_dst', value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' },
    { field: 'metadata', value: 0x42n },
  ]);
  t.equal(matchGet(m, 'in_port'), 9);
  t.equal(matchGet(m, 'ipv4_src'), '10.0.0.1');
  t.equal(matchGet(m, 'eth_dst'), '01:00:00:00:00:00');
  t.equal(matchGet(m, 'tcp_dst'), undefined);
  t.strictSame(matchEntry(m, 'eth_dst'), { field: 'eth_dst', value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' });
  t.equal(matchEntry(m, 'vlan_vid'), undefined);
  t.strictSame(decodeMatch(rd(enc((w) => encodeMatch(w, m)))), m, 'round trip');
  throwsCodec(t, () => buildMatch({ ipv4_source: '1.2.3.4' } as never), OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, /ipv4_source/);
});

t.test('malformed matches from the wire are BAD_MATCH errors and never loop', async (t) => {
  throwsCodec(t, () => decodeMatch(rd('0000 0004 00000000')), OFPET.BAD_MATCH, OFPBMC.BAD_TYPE, /match type 0/, 'standard match');
  throwsCodec(t, () => decodeMatch(rd('0001 0003 00000000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /length 3/, 'length under 4');
  throwsCodec(t, () => decodeMatch(rd('0001 0000 00000000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /length 0/, 'zero length');
  throwsCodec(t, () => decodeMatch(rd('0001 0010 80000004 00000005')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /does not fit/, 'length beyond the data');
  throwsCodec(t, () => decodeMatch(rd('0001 000c 80000004 00000005')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /16 padded/, 'padding missing');
  throwsCodec(t, () => decodeMatch(rd('0001')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /match header/, 'truncated header');
  // The match says 8 bytes of OXMs; the OXM inside claims 8 bytes of value: it must not read the trailer.
  throwsCodec(t, () => decodeMatch(rd('0001 000c 80000008 00000005 0000000000000000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /exceeds/, 'OXM lies past the match');
  // An OXM header cut by the match length.
  throwsCodec(t, () => decodeMatch(rd('0001 000a 80000004 0000 0000000000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, undefined, 'OXM cut');
  throwsCodec(t, () => decodeMatch(rd('0001 0006 8000 0000')), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, /OXM header/, 'half an OXM header');
  // Zero-length opaque OXMs terminate: each still consumes its 4-byte header.
  const zeros = decodeMatch(rd('0001 000c 00010000 00010200 00000000'));
  t.equal(zeros.length, 2, 'two header-only OXMs');
  // The window of the reader bounds the match even inside a larger buffer.
  throwsCodec(t, () => decodeMatch(rd(hex('0001 000c 80000004 00000005 00000000'), 0, 12)), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, undefined, 'window');
});

t.test('prerequisites are checked on encode with a message naming what is missing', async (t) => {
  const bad: [Match, RegExp][] = [
    [[{ field: 'ipv4_src', value: '10.0.0.1' }], /ipv4_src requires eth_type=0x0800 \(IPv4\) in the match/],
    [buildMatch({ eth_type: 0x86dd, ipv4_dst: '10.0.0.1' }), /ipv4_dst requires eth_type=0x0800 \(IPv4\) in the match/],
    [buildMatch({ ip_proto: 6 }), /ip_proto requires eth_type=0x0800 \(IPv4\) or eth_type=0x86dd \(IPv6\) in the match/],
    [buildMatch({ eth_type: 0x800, tcp_src: 80 }), /tcp_src requires ip_proto=6 \(TCP\)/],
    [buildMatch({ eth_type: 0x800, ip_proto: 17, tcp_dst: 80 }), /tcp_dst requires ip_proto=6 \(TCP\)/],
    [buildMatch({ eth_type: 0x800, ip_proto: 6, udp_src: 53 }), /udp_src requires ip_proto=17 \(UDP\)/],
    [buildMatch({ eth_type: 0x800, ip_proto: 6, sctp_dst: 53 }), /sctp_dst requires ip_proto=132 \(SCTP\)/],
    [buildMatch({ eth_type: 0x800, ip_proto: 6, icmpv4_type: 8 }), /icmpv4_type requires ip_proto=1 \(ICMP\)/],
    [buildMatch({ eth_type: 0x86dd, ip_proto: 1, icmpv6_type: 135 }), /icmpv6_type requires ip_proto=58 \(ICMPv6\)/],
    [buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 128, ipv6_nd_target: '::1' }), /ipv6_nd_target requires icmpv6_type=135 or icmpv6_type=136/],
    [buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 136, ipv6_nd_sll: '02:00:00:00:00:01' }), /ipv6_nd_sll requires icmpv6_type=135/],
    [buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 135, ipv6_nd_tll: '02:00:00:00:00:01' }), /ipv6_nd_tll requires icmpv6_type=136/],
    [buildMatch({ eth_type: 0x800, ipv6_src: '::1' }), /ipv6_src requires eth_type=0x86dd \(IPv6\)/],
    [buildMatch({ eth_type: 0x800, ipv6_flabel: 1 }), /ipv6_flabel requires eth_type=0x86dd/],
    [buildMatch({ eth_type: 0x800, ipv6_exthdr: 1 }), /ipv6_exthdr requires eth_type=0x86dd/],
    [buildMatch({ eth_type: 0x800, ip_dscp: 1 }).slice(1), /ip_dscp requires eth_type=0x0800 \(IPv4\) or eth_type=0x86dd/],
    [buildMatch({ ip_ecn: 1 }), /ip_ecn requires/],
    [buildMatch({ eth_type: 0x800, arp_op: 1 }), /arp_op requires eth_type=0x0806 \(ARP\)/],
    [buildMatch({ arp_sha: '02:00:00:00:00:01' }), /arp_sha requires eth_type=0x0806/],
    [buildMatch({ eth_type: 0x800, mpls_label: 5 }), /mpls_label requires eth_type=0x8847 or eth_type=0x8848 \(MPLS\)/],
    [buildMatch({ mpls_bos: 1 }), /mpls_bos requires eth_type=0x8847/],
    [buildMatch({ eth_type: 0x8847, pbb_isid: 5 }), /pbb_isid requires eth_type=0x88e7 \(PBB\)/],
    [buildMatch({ in_phy_port: 5 }), /in_phy_port requires in_port in the match/],
    [buildMatch({ vlan_pcp: 3 }), /vlan_pcp requires vlan_vid with the OFPVID_PRESENT bit/],
    [buildMatch({ vlan_vid: 0, vlan_pcp: 3 }), /vlan_pcp requires vlan_vid/],
    [buildMatch({ vlan_vid: { value: 0x0005, mask: 0x0fff }, vlan_pcp: 3 }), /vlan_pcp requires vlan_vid/],
  ];
  for (const [m, re] of bad) throwsCodec(t, () => enc((w) => encodeMatch(w, m)), OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, re, re.source.slice(0, 30));

  const good: Match[] = [
    buildMatch({ eth_type: 0x800, ip_proto: 6, tcp_src: 80, ip_dscp: 10, ipv4_src: '1.2.3.4' }),
    buildMatch({ eth_type: 0x86dd, ip_proto: 17, udp_dst: 53, ip_ecn: 1, ipv6_flabel: 7, ipv6_exthdr: 4 }),
    buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 135, ipv6_nd_target: 'fe80::1', ipv6_nd_sll: '02:00:00:00:00:01' }),
    buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 136, ipv6_nd_target: 'fe80::1', ipv6_nd_tll: '02:00:00:00:00:01' }),
    buildMatch({ eth_type: 0x806, arp_op: 1, arp_spa: '10.0.0.1', arp_tha: '02:00:00:00:00:01' }),
    buildMatch({ eth_type: 0x8848, mpls_label: 5, mpls_tc: 1, mpls_bos: 0 }),
    buildMatch({ eth_type: 0x88e7, pbb_isid: 5 }),
    buildMatch({ in_port: 2, in_phy_port: 5 }),
    buildMatch({ vlan_vid: 0x1005, vlan_pcp: 3 }),
    buildMatch({ vlan_vid: { value: 0x1000, mask: 0x1000 }, vlan_pcp: 3 }),
    // Order is not enforced: the prerequisite may come after the field that needs it.
    buildMatch({ tcp_dst: 22, ip_proto: 6, eth_type: 0x800 }),
  ];
  for (const m of good) t.strictSame(decodeMatch(rd(enc((w) => encodeMatch(w, m)))), m, `accepted: ${m.map((e) => e.field).join(',')}`);
});

t.test('a basic field twice is DUP_FIELD; opaque entries are not checked', async (t) => {
  throwsCodec(t, () => enc((w) => encodeMatch(w, buildMatch({ in_port: 1 }).concat(buildMatch({ in_port: 2 })))), OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, /in_port appears twice/);
  const opaque: Match = [
    { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: hex('00000001') },
    { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: hex('00000002') },
  ];
  t.equal(enc((w) => encodeMatch(w, opaque)), '0001001400010004000000010001000400000002' + '00000000');
  // A failed check does not poison the next call (the scratch table is reset).
  t.equal(enc((w) => encodeMatch(w, buildMatch({ in_port: 1 }))), '0001000c800000040000000100000000');
  throwsCodec(t, () => enc((w) => encodeMatch(w, 'in_port=1' as unknown as Match)), OFPET.BAD_MATCH, OFPBMC.BAD_TYPE);
});

t.test('a value error is reported as such, not as a missing prerequisite', async (t) => {
  throwsCodec(t, () => enc((w) => encodeMatch(w, buildMatch({ eth_type: '0x800' as unknown as number, ipv4_src: '10.0.0.1' }))), OFPET.BAD_MATCH, OFPBMC.BAD_VALUE, /eth_type/);
});

t.test('Open vSwitch reads our matches inside a FLOW_MOD (ovs-ofctl ofp-print)', async (t) => {
  const cases: [Match, string[]][] = [
    [
      buildMatch({
        in_port: 7,
        eth_src: '0a:1b:2c:3d:4e:5f',
        eth_dst: { value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' },
        eth_type: 0x800,
        ip_dscp: 46,
        ip_ecn: 2,
        ip_proto: 6,
        ipv4_src: '10.0.0.1',
        ipv4_dst: { value: '10.20.0.0', mask: '255.255.0.0' },
        tcp_src: 1234,
        tcp_dst: 443,
      }),
      ['priority=300,tcp,', 'in_port=7', 'dl_src=0a:1b:2c:3d:4e:5f', 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00', 'nw_src=10.0.0.1', 'nw_dst=10.20.0.0/16', 'nw_tos=184', 'nw_ecn=2', 'tp_src=1234', 'tp_dst=443'],
    ],
    [
      buildMatch({ eth_type: 0x800, ip_proto: 17, udp_src: 5353, udp_dst: 53, vlan_vid: 0x1064, vlan_pcp: 5, metadata: { value: 0xab00n, mask: 0xff00n } }),
      ['udp,', 'metadata=0xab00/0xff00', 'dl_vlan=100', 'dl_vlan_pcp=5', 'tp_src=5353', 'tp_dst=53'],
    ],
    [buildMatch({ eth_type: 0x800, ip_proto: 132, sctp_src: 9899, sctp_dst: 2905, tunnel_id: 0x77n }), ['sctp,', 'tun_id=0x77', 'tp_src=9899', 'tp_dst=2905']],
    [buildMatch({ eth_type: 0x800, ip_proto: 1, icmpv4_type: 8, icmpv4_code: 3 }), ['icmp,', 'icmp_type=8', 'icmp_code=3']],
    [
      buildMatch({ eth_type: 0x806, arp_op: 2, arp_spa: '172.16.0.1', arp_tpa: { value: '172.16.0.0', mask: '255.255.255.0' }, arp_sha: '02:00:00:00:00:01', arp_tha: '02:00:00:00:00:02' }),
      ['arp,', 'arp_spa=172.16.0.1', 'arp_tpa=172.16.0.0/24', 'arp_op=2', 'arp_sha=02:00:00:00:00:01', 'arp_tha=02:00:00:00:00:02'],
    ],
    [
      buildMatch({ eth_type: 0x86dd, ipv6_src: { value: '2001:db8::', mask: 'ffff:ffff::' }, ipv6_dst: 'fe80::1:2:3:4', ipv6_flabel: 0xabcde, ip_proto: 58, icmpv6_type: 136, icmpv6_code: 0, ipv6_nd_target: '2001:db8:1::5', ipv6_nd_tll: '02:11:22:33:44:55' }),
      ['icmp6,', 'ipv6_src=2001:db8::/32', 'ipv6_dst=fe80::1:2:3:4', 'ipv6_label=0xabcde', 'icmp_type=136', 'nd_target=2001:db8:1::5', 'nd_tll=02:11:22:33:44:55'],
    ],
    [buildMatch({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 135, ipv6_nd_sll: '02:aa:bb:cc:dd:ee' }), ['icmp6,', 'icmp_type=135', 'nd_sll=02:aa:bb:cc:dd:ee']],
    [buildMatch({ eth_type: 0x8847, mpls_label: 0xfedcb, mpls_tc: 6, mpls_bos: 1 }), ['mpls,', 'mpls_label=1043915', 'mpls_tc=6', 'mpls_bos=1']],
  ];
  for (const [m, texts] of cases) {
    const out = flowModWithMatch(m);
    for (const s of texts) t.ok(out.includes(s), `ofp-print shows ${s}: ${out.trim()}`);
  }
});
