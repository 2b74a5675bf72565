/**
 * Hand-made frames laid out field by field from the RFC / IEEE header diagrams (values chosen
 * here, distinct per field), decoded and compared with what each field means.
 */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { hexBytes } from './support/assert.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

t.test('802.1Q + IPv4 with options + TCP (RFC 791, RFC 793)', async (t) => {
  const frame = hexBytes(`
    0a0b0c0d0e0f 1a2b3c4d5e6f   # dst, src
    8100 b123                   # C-tag: pcp 5, dei 1, vid 0x123
    0800
    46                          # version 4, IHL 6 (24 bytes: 4 bytes of options)
    b9                          # DSCP 46 (EF), ECN 1
    0030                        # total length 48 = 24 + 20 + 4
    beef                        # id
    2000                        # flags: MF, fragment offset 0 (first fragment: TCP header present)
    3f 06 1234                  # ttl 63, proto TCP, checksum (not verified by the decoder)
    c6336401 cb0071fe           # 198.51.100.1 -> 203.0.113.254
    01010100                    # options: NOP NOP NOP EOL
    c350 01bb                   # ports 50000 -> 443
    89abcdef 01020304           # seq, ack
    5052                        # data offset 5, flags ECE|ACK|SYN
    faf0 abcd 0007              # window, checksum, urgent pointer
    7778797a                    # payload "wxyz"
    eeee                        # trailing bytes beyond the IP total length (ignored)
  `);
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  t.same(plain(f.eth), { dst: '0a:0b:0c:0d:0e:0f', src: '1a:2b:3c:4d:5e:6f', ethType: 0x0800, vlans: [{ tpid: 0x8100, pcp: 5, dei: 1, vid: 0x123 }] });
  t.equal(f.eth.dstNum, 0x0a0b0c0d0e0f);
  t.equal(f.eth.srcNum, 0x1a2b3c4d5e6f);
  t.same(plain(f.ipv4), {
    headerLength: 24, dscp: 46, ecn: 1, totalLength: 48, id: 0xbeef, df: false, mf: true, fragOffset: 0,
    ttl: 63, protocol: 6, checksum: 0x1234, src: '198.51.100.1', dst: '203.0.113.254',
  });
  t.equal(f.ipv4!.srcNum, 0xc6336401);
  t.equal(f.ipv4!.dstNum, 0xcb0071fe);
  t.same(f.tcp, { srcPort: 50000, dstPort: 443, seq: 0x89abcdef, ack: 0x01020304, headerLength: 20, flags: P.TCP_FLAGS.ECE | P.TCP_FLAGS.ACK | P.TCP_FLAGS.SYN, window: 0xfaf0, checksum: 0xabcd, urgentPointer: 7 });
  t.equal(f.payloadOffset, 62);
  t.equal(Buffer.from(frame.subarray(f.payloadOffset, 14 + 4 + f.ipv4!.totalLength)).toString(), 'wxyz');
  t.equal(f.truncated, undefined);
});

t.test('a non-first IPv4 fragment stops before the upper layer', async (t) => {
  const frame = hexBytes(`
    0a0b0c0d0e0f 1a2b3c4d5e6f 0800
    45 00 001c 0102 00b9 40 11 0000 0a000001 0a000002   # fragment offset 0xb9 (1480 bytes)
    0035 0035 0008 0000
  `);
  const f = P.parseFrame(frame);
  t.equal(f.ipv4?.fragOffset, 0xb9);
  t.equal(f.udp, undefined);
  t.equal(f.payloadOffset, 34);
  t.equal(f.error, undefined);
});

t.test('IPv6 with hop-by-hop, destination options and fragment headers, then UDP (RFC 8200)', async (t) => {
  const frame = hexBytes(`
    333300000001 020000000002 86dd
    6a512345                      # version 6, traffic class 0xa5, flow label 0x12345
    002d 00 21                    # payload length 45, next header hop-by-hop, hop limit 33
    20010db8000000000000000000000001
    fe8000000000000000000000abcd0001
    3c 00 0104 00000000           # hop-by-hop (8 bytes): next = destination options, PadN
    2c 01 010c 000000000000000000000000   # destination options (16 bytes): next = fragment
    11 00 0001 deadbeef           # fragment: next = UDP, offset 0, M=1, id
    0222 0223 000d 7777           # UDP 546 -> 547, length 13, checksum
    68656c6c6f                    # "hello"
  `);
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  t.equal(f.eth.ethType, 0x86dd);
  t.same(plain(f.ipv6), {
    trafficClass: 0xa5, flowLabel: 0x12345, payloadLength: 45, nextHeader: 0, hopLimit: 33, protocol: 17,
    extHeaders: [0, 60, 44], fragment: { id: 0xdeadbeef, offset: 0, more: true },
    src: '2001:db8::1', dst: 'fe80::abcd:1',
  });
  t.equal(Buffer.from(f.ipv6!.srcBytes).toString('hex'), '20010db8000000000000000000000001');
  t.same(f.udp, { srcPort: 546, dstPort: 547, length: 13, checksum: 0x7777 });
  t.equal(f.payloadOffset, 14 + 40 + 32 + 8);
});

t.test('IPv6 AH length is in 4-byte units (RFC 4302) and a later fragment stops', async (t) => {
  const frame = hexBytes(`
    020000000001 020000000002 86dd
    60000000 0020 33 40           # payload 32, next header AH
    00000000000000000000000000000011 00000000000000000000000000000022
    2c 04 0000 00001000 00000005 0102030405060708090a0b0c   # AH: payload len 4 -> (4+2)*4 = 24 bytes; next = fragment
    06 00 0019 00000042           # fragment: next TCP, offset 3 (24 bytes), M=1
  `);
  const f = P.parseFrame(frame);
  t.same(plain(f.ipv6).extHeaders, [51, 44]);
  t.same(f.ipv6!.fragment, { id: 0x42, offset: 3, more: true });
  t.equal(f.ipv6!.protocol, 6);
  t.equal(f.tcp, undefined);
  t.equal(f.error, undefined);
  t.equal(f.payloadOffset, 14 + 40 + 24 + 8);
});

t.test('ARP reply, padded to 60 bytes (RFC 826)', async (t) => {
  const frame = hexBytes(`
    02005eaabbcc 02005e102030 0806
    0001 0800 06 04 0002          # Ethernet, IPv4, hlen 6, plen 4, reply
    02005e102030 0a090807         # sha, spa 10.9.8.7
    02005eaabbcc 0a090801         # tha, tpa 10.9.8.1
    000000000000000000000000000000000000
  `);
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  t.same(plain(f.arp), { htype: 1, ptype: 0x0800, op: 2, sha: '02:00:5e:10:20:30', spa: '10.9.8.7', tha: '02:00:5e:aa:bb:cc', tpa: '10.9.8.1' });
  t.equal(f.arp!.spaNum, 0x0a090807);
  t.equal(f.arp!.tpaNum, 0x0a090801);
  t.equal(f.payloadOffset, 42);
});

t.test('QinQ (802.1ad S-tag then C-tag) around ARP', async (t) => {
  const frame = hexBytes(`
    ffffffffffff 02005e102030
    88a8 200a                     # S-tag: pcp 1, vid 10
    8100 e014                     # C-tag: pcp 7, vid 20
    0806 0001 0800 0604 0001 02005e102030 0a090807 000000000000 0a090801
  `);
  const f = P.parseFrame(frame);
  t.same(f.eth.vlans, [{ tpid: 0x88a8, pcp: 1, dei: 0, vid: 10 }, { tpid: 0x8100, pcp: 7, dei: 0, vid: 20 }]);
  t.equal(f.eth.ethType, 0x0806);
  t.equal(f.arp?.op, 1);
  t.equal(f.arp?.tha, '00:00:00:00:00:00');
});

t.test('ARP for another hardware type is reported, not guessed', async (t) => {
  const f = P.parseFrame(hexBytes('ffffffffffff 02005e102030 0806 0006 0800 0604 0001 02005e102030 0a090807 000000000000 0a090801'));
  t.equal(f.arp, undefined);
  t.match(f.error, /arp: unsupported htype 6/);
  t.equal(f.payloadOffset, 14);
});

t.test('ICMP echo request and time exceeded quoting the original (RFC 792)', async (t) => {
  const echo = P.parseFrame(hexBytes(`
    0a0b0c0d0e0f 1a2b3c4d5e6f 0800
    45 00 0020 0001 0000 40 01 0000 0a000001 0a000002
    08 00 5555 1f2e 0003          # echo request, checksum, id, seq
    61626364                      # data
  `));
  t.same(echo.icmp, { type: 8, code: 0, checksum: 0x5555, id: 0x1f2e, seq: 3 });
  t.equal(echo.payloadOffset, 42);

  const te = P.parseFrame(hexBytes(`
    0a0b0c0d0e0f 1a2b3c4d5e6f 0800
    45 c0 0038 0002 0000 ff 01 0000 c0000201 0a000001   # router 192.0.2.1 -> 10.0.0.1, 56 bytes
    0b 00 6666 00000000           # time exceeded in transit
    45 00 0054 abcd 4000 01 11 0000 0a000001 08080808   # the original header: 84 bytes, ttl 1, UDP
    8235 829b 0040 9999           # and the first 8 bytes of its payload (UDP header)
  `));
  t.equal(te.error, undefined);
  t.equal(te.icmp?.type, 11);
  t.equal(te.icmp?.code, 0);
  t.equal(te.icmp?.original?.length, 28);
  const inner = P.parseIpPacket(te.icmp!.original!);
  t.equal(inner.ipv4?.dst, '8.8.8.8');
  t.equal(inner.ipv4?.ttl, 1);
  t.same(inner.udp, { srcPort: 0x8235, dstPort: 0x829b, length: 0x40, checksum: 0x9999 });
  t.equal(inner.truncated, true, 'the quote is shorter than the original total length');
  t.equal(inner.error, undefined);

  const frag = P.parseFrame(hexBytes(`
    0a0b0c0d0e0f 1a2b3c4d5e6f 0800
    45 00 0038 0003 0000 40 01 0000 c0000201 0a000001
    03 04 7777 0000 0578          # unreachable, fragmentation needed, next-hop MTU 1400
    45 00 05dc abcd 4000 3f 06 0000 0a000001 08080808 c350 0050 00000001
  `));
  t.equal(frag.icmp?.mtu, 1400);
  t.equal(frag.icmp?.original?.length, 28);
});

t.test('ICMPv6 neighbour solicitation and advertisement (RFC 4861)', async (t) => {
  const ns = P.parseFrame(hexBytes(`
    3333ff005301 00005e005302 86dd
    60000000 0020 3a ff
    fe800000000000000200 5efffe005302
    ff0200000000000000000001ff005301
    87 00 1111 00000000           # NS, checksum, reserved
    fe800000000000000200 5efffe005301   # target
    01 01 00005e005302            # source link-layer address option
  `));
  t.equal(ns.error, undefined);
  t.same(ns.icmpv6, { type: 135, code: 0, checksum: 0x1111, target: 'fe80::200:5eff:fe00:5301', sourceLinkAddr: '00:00:5e:00:53:02' });
  t.equal(ns.ipv6?.dst, 'ff02::1:ff00:5301');

  const na = P.parseFrame(hexBytes(`
    00005e005302 00005e005301 86dd
    60000000 0020 3a ff
    fe800000000000000200 5efffe005301
    fe800000000000000200 5efffe005302
    88 00 2222 c0000000           # NA: router and solicited, not override
    fe800000000000000200 5efffe005301
    02 01 00005e005301            # target link-layer address option
  `));
  t.same(na.icmpv6, { type: 136, code: 0, checksum: 0x2222, target: 'fe80::200:5eff:fe00:5301', router: true, solicited: true, override: false, targetLinkAddr: '00:00:5e:00:53:01' });
  t.equal(na.payloadOffset, na.ipv6 ? 14 + 40 + 32 : -1);
});

t.test('ICMPv6 router advertisement with options, and echo reply', async (t) => {
  const ra = P.parseFrame(hexBytes(`
    333300000001 00005e005301 86dd
    60000000 0040 3a ff
    fe800000000000000200 5efffe005301
    ff020000000000000000000000000001
    86 00 3333 40 80 0708 00007530 000003e8   # hop limit 64, M=1, lifetime 1800, reachable, retrans
    01 01 00005e005301                        # source link-layer address
    05 01 0000 000005dc                       # MTU 1500
    03 04 40 c0 00278d00 00093a80 00000000 20010db8000100020000000000000000   # prefix /64 L A
  `));
  t.equal(ra.error, undefined);
  t.same(ra.icmpv6, {
    type: 134, code: 0, checksum: 0x3333, curHopLimit: 64, managed: true, otherConfig: false, routerLifetime: 1800,
    reachableTime: 30000, retransTimer: 1000, sourceLinkAddr: '00:00:5e:00:53:01', linkMtu: 1500,
    prefixes: [{ prefix: '2001:db8:1:2::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800 }],
  });
  const rs = P.parseFrame(hexBytes(`
    333300000002 00005e005301 86dd 60000000 0010 3a ff
    fe800000000000000200 5efffe005301 ff020000000000000000000000000002
    85 00 4444 00000000 01 01 00005e005301
  `));
  t.same(rs.icmpv6, { type: 133, code: 0, checksum: 0x4444, sourceLinkAddr: '00:00:5e:00:53:01' });
  const reply = P.parseFrame(hexBytes(`
    00005e005302 00005e005301 86dd 60000000 000c 3a 40
    20010db8000000000000000000000001 20010db8000000000000000000000002
    81 00 5678 abcd 0102 7a7a7a7a
  `));
  t.same(reply.icmpv6, { type: 129, code: 0, checksum: 0x5678, id: 0xabcd, seq: 0x0102 });
  t.equal(reply.payloadOffset, 14 + 40 + 8);
});

t.test('an NDP option of length 0 is an error (RFC 4861 section 4.6)', async (t) => {
  const f = P.parseFrame(hexBytes(`
    3333ff005301 00005e005302 86dd 60000000 0020 3a ff
    fe800000000000000200 5efffe005302 ff0200000000000000000001ff005301
    87 00 1111 00000000 fe800000000000000200 5efffe005301
    01 00 00005e005302
  `));
  t.equal(f.icmpv6?.target, 'fe80::200:5eff:fe00:5301');
  t.match(f.error, /ndp option type 1 with length 0 at offset 78/);
});

t.test('LLDP with every basic TLV (IEEE 802.1AB)', async (t) => {
  const frame = hexBytes(`
    0180c200000e 02005e0000aa 88cc
    0207 04 02005e0000aa          # chassis id, subtype 4 (MAC)
    0405 05 65746837              # port id, subtype 5 (interface name) "eth7"
    0602 0078                     # TTL 120
    0803 757031                   # port description "up1"
    0a04 73772d61                 # system name "sw-a"
    0c03 4f5653                   # system description "OVS"
    0e04 0014 0004                # capabilities bridge+router, bridge enabled
    1005 0401020304               # management address (kept undecoded)
    fe06 0080c2 01 0064           # org specific: IEEE 802.1, subtype 1 (port VLAN id 100)
    0000                          # end
  `);
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  const l = f.lldp!;
  t.same({ ...l.chassisId, raw: [...l.chassisId.raw] }, { subtype: 4, id: '02:00:5e:00:00:aa', raw: [2, 0, 0x5e, 0, 0, 0xaa] });
  t.same({ subtype: l.portId.subtype, id: l.portId.id }, { subtype: 5, id: 'eth7' });
  t.equal(l.ttl, 120);
  t.equal(l.portDescription, 'up1');
  t.equal(l.systemName, 'sw-a');
  t.equal(l.systemDescription, 'OVS');
  t.same(l.systemCapabilities, { capabilities: 0x14, enabled: 4 });
  t.same(l.orgSpecific.map((o) => ({ ...o, info: [...o.info] })), [{ oui: 0x0080c2, subtype: 1, info: [0, 100] }]);
  t.same(l.unknown.map((u) => ({ type: u.type, value: [...u.value] })), [{ type: 8, value: [4, 1, 2, 3, 4] }]);
  t.equal(f.payloadOffset, frame.length);
});

t.test('LLDP ids by subtype: network address, binary port component, circuit id', async (t) => {
  const f = P.parseFrame(hexBytes(`
    0180c200000e 02005e0000aa 88cc
    0206 05 01 c0000209           # chassis: network address, IPv4 192.0.2.9
    0406 02 00000007 ff           # port: port component, binary
    0602 0000
    0000
  `));
  t.equal(f.lldp?.chassisId.id, '192.0.2.9');
  t.equal(f.lldp?.portId.raw.length, 5);
  const g = P.parseFrame(hexBytes('0180c200000e 02005e0000aa 88cc 0203 07 6964 0404 06 0a0b0c 0602 0005 0000'));
  t.same({ c: g.lldp?.chassisId.id, p: g.lldp?.portId.id, ttl: g.lldp?.ttl }, { c: 'id', p: '0a0b0c', ttl: 5 });
  const missing = P.parseFrame(hexBytes('0180c200000e 02005e0000aa 88cc 0203 07 6964 0602 0005 0000'));
  t.equal(missing.lldp, undefined);
  t.match(missing.error, /missing mandatory tlv \(port id\)/);
});

t.test('802.3 length frames and unknown EtherTypes stop after Ethernet', async (t) => {
  const llc = P.parseFrame(hexBytes('0180c2000000 02005e0000aa 0026 424203 0000'));
  t.equal(llc.eth.ethType, 0x26);
  t.equal(llc.payloadOffset, 14);
  t.equal(llc.error, undefined);
  const mpls = P.parseFrame(hexBytes('0180c2000000 02005e0000aa 8847 00001140'));
  t.equal(mpls.eth.ethType, 0x8847);
  t.equal(mpls.payloadOffset, 14);
});
