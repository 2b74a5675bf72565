/** Build with the builders, parse back, compare every field; checksums checked independently. */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { refSum, throwsPlain } from './support/assert.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
const MAC_A = '02:1a:2b:3c:4d:5e';
const MAC_B = '0e:f1:e2:d3:c4:b5';
const bytes = (s: string) => new TextEncoder().encode(s);

/** IPv4 pseudo-header (RFC 768/793) written out by hand, for the reference sum. */
function pseudo4(src: string, dst: string, proto: number, len: number): Uint8Array {
  return Uint8Array.from([...P.parseIpv4(src), ...P.parseIpv4(dst), 0, proto, len >> 8, len & 0xff]);
}
/** IPv6 pseudo-header (RFC 8200 section 8.1). */
function pseudo6(src: string, dst: string, proto: number, len: number): Uint8Array {
  return Uint8Array.from([...P.parseIpv6(src), ...P.parseIpv6(dst), 0, 0, len >> 8, len & 0xff, 0, 0, 0, proto]);
}

t.test('Ethernet + QinQ + IPv4 + UDP', async (t) => {
  const data = bytes('payload!');
  const udp = P.buildUdp({ srcPort: 40001, dstPort: 4789, src: '172.16.1.2', dst: '172.31.254.253' }, data);
  const ip = P.buildIpv4({ src: '172.16.1.2', dst: '172.31.254.253', protocol: 17, ttl: 17, id: 0x3c3c, dscp: 10, ecn: 2, df: true }, udp);
  const frame = P.buildEthernet({ dst: MAC_A, src: MAC_B, ethType: P.ETH_TYPE.IPV4, vlan: [{ vid: 3001, pcp: 6 }, { vid: 42, pcp: 2, dei: 1 }] }, ip);
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  t.same(plain(f.eth), { dst: MAC_A, src: MAC_B, ethType: 0x800, vlans: [{ tpid: 0x88a8, pcp: 6, dei: 0, vid: 3001 }, { tpid: 0x8100, pcp: 2, dei: 1, vid: 42 }] });
  t.match(plain(f.ipv4), { headerLength: 20, dscp: 10, ecn: 2, totalLength: 36, id: 0x3c3c, df: true, mf: false, fragOffset: 0, ttl: 17, protocol: 17, src: '172.16.1.2', dst: '172.31.254.253' });
  t.same(f.udp, { srcPort: 40001, dstPort: 4789, length: 16, checksum: f.udp!.checksum });
  t.equal(Buffer.from(frame.subarray(f.payloadOffset)).toString(), 'payload!');
  t.equal(refSum([ip.subarray(0, 20)]), 0xffff, 'IPv4 header checksum');
  t.equal(P.internetChecksum(ip, 0, 20), 0);
  t.equal(refSum([pseudo4('172.16.1.2', '172.31.254.253', 17, udp.length), udp]), 0xffff, 'UDP checksum over the pseudo-header');
});

t.test('IPv4 options, fragments flags and a padded frame', async (t) => {
  const ip = P.buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 253, ttl: 2, id: 7, mf: true, fragOffset: 0x123, options: Uint8Array.of(0x94, 4, 0, 0, 1) }, Uint8Array.of(9));
  t.equal(ip[0], 0x47, 'IHL covers 8 option bytes (5 given, zero-padded)');
  t.equal(refSum([ip.subarray(0, 28)]), 0xffff);
  const f = P.parseFrame(P.buildEthernet({ dst: MAC_A, src: MAC_B, ethType: 0x800, pad: true }, ip));
  t.match(plain(f.ipv4), { headerLength: 28, mf: true, df: false, fragOffset: 0x123, protocol: 253, totalLength: 29 });
  t.equal(f.payloadOffset, 14 + 28);
  t.equal(f.truncated, undefined, 'ethernet padding is not mistaken for data');
});

t.test('IPv4 + TCP with options', async (t) => {
  const opts = Uint8Array.of(2, 4, 0x05, 0xb4, 1, 3, 3); // MSS 1460, NOP, window scale (padded to 8)
  const seg = P.buildTcp({ srcPort: 51515, dstPort: 8443, seq: 0xfedcba98, ack: 0x11223344, flags: P.TCP_FLAGS.SYN | P.TCP_FLAGS.ACK | P.TCP_FLAGS.CWR, window: 29200, urgentPointer: 0x99, options: opts, src: '192.168.7.1', dst: '192.168.8.2' }, bytes('GET'));
  const frame = P.buildEthernet({ dst: MAC_A, src: MAC_B, ethType: 0x800 }, P.buildIpv4({ src: '192.168.7.1', dst: '192.168.8.2', protocol: 6, ttl: 128 }, seg));
  const f = P.parseFrame(frame);
  t.same(f.tcp, { srcPort: 51515, dstPort: 8443, seq: 0xfedcba98, ack: 0x11223344, headerLength: 28, flags: 0x92, window: 29200, checksum: f.tcp!.checksum, urgentPointer: 0x99 });
  t.equal(Buffer.from(frame.subarray(f.payloadOffset)).toString(), 'GET');
  t.equal(refSum([pseudo4('192.168.7.1', '192.168.8.2', 6, seg.length), seg]), 0xffff, 'TCP checksum');
});

t.test('IPv6 + TCP and IPv6 + UDP checksums use the IPv6 pseudo-header', async (t) => {
  const src = '2001:db8:aaaa::10';
  const dst = '2001:db8:bbbb::20';
  const seg = P.buildTcp({ srcPort: 1024, dstPort: 22, seq: 1, flags: P.TCP_FLAGS.FIN | P.TCP_FLAGS.ACK, ack: 77, window: 512, src, dst }, bytes('xyz'));
  t.equal(refSum([pseudo6(src, dst, 6, seg.length), seg]), 0xffff);
  const udp = P.buildUdp({ srcPort: 5353, dstPort: 5354, src, dst }, bytes('q'));
  t.equal(refSum([pseudo6(src, dst, 17, udp.length), udp]), 0xffff);
  const frame = P.buildEthernet({ dst: MAC_A, src: MAC_B, ethType: 0x86dd }, P.buildIpv6({ src, dst, nextHeader: 17, hopLimit: 9, trafficClass: 0x5c, flowLabel: 0xabcde }, udp));
  const f = P.parseFrame(frame);
  t.same(plain(f.ipv6), { trafficClass: 0x5c, flowLabel: 0xabcde, payloadLength: 9, nextHeader: 17, hopLimit: 9, protocol: 17, extHeaders: [], src, dst });
  t.same(f.udp, { srcPort: 5353, dstPort: 5354, length: 9, checksum: f.udp!.checksum });
  t.equal(f.payloadOffset, frame.length - 1);
  throwsPlain(t, () => P.buildUdp({ srcPort: 1, dstPort: 2, src: '10.0.0.1', dst }, bytes('q')), /different IP families/);
});

t.test('ARP request/reply frames', async (t) => {
  const req = P.parseFrame(P.arpRequestFrame({ sha: MAC_B, spa: '100.64.3.4', tpa: '100.64.3.254', vlan: { vid: 77, pcp: 4 }, pad: true }));
  t.equal(req.eth.dst, P.BROADCAST_MAC);
  t.same(req.eth.vlans, [{ tpid: 0x8100, pcp: 4, dei: 0, vid: 77 }]);
  t.same(plain(req.arp), { htype: 1, ptype: 0x800, op: 1, sha: MAC_B, spa: '100.64.3.4', tha: '00:00:00:00:00:00', tpa: '100.64.3.254' });
  const replyBytes = P.arpReplyFrame({ sha: MAC_A, spa: '100.64.3.254', tha: MAC_B, tpa: '100.64.3.4' });
  t.equal(replyBytes.length, 42);
  const rep = P.parseFrame(replyBytes);
  t.same({ dst: rep.eth.dst, src: rep.eth.src }, { dst: MAC_B, src: MAC_A });
  t.same(plain(rep.arp), { htype: 1, ptype: 0x800, op: 2, sha: MAC_A, spa: '100.64.3.254', tha: MAC_B, tpa: '100.64.3.4' });
});

t.test('ICMP echo and errors', async (t) => {
  const echo = P.buildIcmpEcho({ type: 'request', id: 0x0bad, seq: 0x0f00, data: bytes('ping-data') });
  t.equal(refSum([echo]), 0xffff, 'ICMP checksum');
  const ip = P.buildIpv4({ src: '10.1.1.1', dst: '10.2.2.2', protocol: 1, ttl: 1, id: 0x1111 }, echo);
  const f = P.parseFrame(P.buildEthernet({ dst: MAC_A, src: MAC_B, ethType: 0x800 }, ip));
  t.same(f.icmp, { type: 8, code: 0, checksum: f.icmp!.checksum, id: 0x0bad, seq: 0x0f00 });
  const reply = P.parseIpPacket(P.buildIpv4({ src: '10.2.2.2', dst: '10.1.1.1', protocol: 1 }, P.buildIcmpEcho({ type: 'reply', id: 5, seq: 6 })));
  t.same(reply.icmp, { type: 0, code: 0, checksum: reply.icmp!.checksum, id: 5, seq: 6 });

  const te = P.buildIcmpError(P.ICMP_TYPE.TIME_EXCEEDED, P.ICMP_TIME_EXCEEDED.TTL, ip);
  t.equal(te.length, 8 + 20 + 8, 'quotes the IP header and 8 bytes');
  t.equal(refSum([te]), 0xffff);
  const g = P.parseIpPacket(P.buildIpv4({ src: '10.9.9.9', dst: '10.1.1.1', protocol: 1 }, te));
  t.equal(g.icmp?.type, 11);
  t.same([...g.icmp!.original!], [...ip.subarray(0, 28)]);
  const inner = P.parseIpPacket(g.icmp!.original!);
  t.same(inner.icmp, { type: 8, code: 0, checksum: f.icmp!.checksum, id: 0x0bad, seq: 0x0f00 });

  const un = P.parseIpPacket(P.buildIpv4({ src: '10.9.9.9', dst: '10.1.1.1', protocol: 1 }, P.buildIcmpError(3, P.ICMP_UNREACH.FRAG_NEEDED, ip, 1300)));
  t.equal(un.icmp?.mtu, 1300);
  const shortOrig = P.buildIpv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, Uint8Array.of(1, 2, 3));
  t.equal(P.buildIcmpError(3, 3, shortOrig).length, 8 + 23, 'a short original is quoted whole');
  throwsPlain(t, () => P.buildIcmpError(8, 0, ip), /icmp error type must be one of/);
  throwsPlain(t, () => P.buildIcmpError(11, 0, Uint8Array.of(0x60, 0, 0)), /must start with an IPv4 header/);
  throwsPlain(t, () => P.buildIcmpEcho({ type: 'request', id: 70000, seq: 0 }), /icmp echo id must be an integer in 0\.\.65535, got 70000/);
});

t.test('ICMPv6 echo, NS, NA and errors', async (t) => {
  const src = 'fe80::200:5eff:fe00:5301';
  const dst = 'fe80::200:5eff:fe00:5302';
  const na = P.buildNeighborAdvertisement({ target: src, targetMac: '00:00:5e:00:53:01', router: true, override: true, src, dst });
  t.equal(refSum([pseudo6(src, dst, 58, na.length), na]), 0xffff, 'ICMPv6 checksum');
  const fna = P.parseFrame(P.buildEthernet({ dst: '00:00:5e:00:53:02', src: '00:00:5e:00:53:01', ethType: 0x86dd }, P.buildIpv6({ src, dst, nextHeader: 58, hopLimit: 255 }, na)));
  t.same(fna.icmpv6, { type: 136, code: 0, checksum: fna.icmpv6!.checksum, target: src, router: true, solicited: false, override: true, targetLinkAddr: '00:00:5e:00:53:01' });
  t.equal(fna.ipv6?.hopLimit, 255);

  const group = P.solicitedNodeAddress(dst);
  const ns = P.buildNeighborSolicitation({ target: dst, sourceMac: '00:00:5e:00:53:01', src, dst: group });
  t.equal(refSum([pseudo6(src, group, 58, ns.length), ns]), 0xffff);
  const fns = P.parseIpPacket(P.buildIpv6({ src, dst: group, nextHeader: 58, hopLimit: 255 }, ns));
  t.same(fns.icmpv6, { type: 135, code: 0, checksum: fns.icmpv6!.checksum, target: dst, sourceLinkAddr: '00:00:5e:00:53:01' });

  const echo = P.buildIcmpv6Echo({ type: 'request', id: 0x7777, seq: 0x0102, data: bytes('v6'), src: '2001:db8::1', dst: '2001:db8::2' });
  t.equal(refSum([pseudo6('2001:db8::1', '2001:db8::2', 58, echo.length), echo]), 0xffff);
  const pkt = P.buildIpv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 58 }, echo);
  const fe = P.parseIpPacket(pkt);
  t.same(fe.icmpv6, { type: 128, code: 0, checksum: fe.icmpv6!.checksum, id: 0x7777, seq: 0x0102 });

  const big = P.buildIcmpv6Error({ type: P.ICMPV6_TYPE.PACKET_TOO_BIG, code: 0, original: pkt, rest: 1280, src: '2001:db8::fe', dst: '2001:db8::1' });
  const fb = P.parseIpPacket(P.buildIpv6({ src: '2001:db8::fe', dst: '2001:db8::1', nextHeader: 58 }, big));
  t.equal(fb.icmpv6?.mtu, 1280);
  t.same([...fb.icmpv6!.original!], [...pkt]);
  const huge = P.buildIcmpv6Error({ type: 3, code: 0, original: new Uint8Array(3000), src: '::1', dst: '::2' });
  t.equal(40 + huge.length, 1280, 'the quote keeps the error within the minimum MTU');
  throwsPlain(t, () => P.buildNeighborAdvertisement({ target: '10.0.0.1', src, dst }), /invalid IPv6 address "10.0.0.1"/);
});

t.test('LLDP', async (t) => {
  const frame = P.lldpFrame({
    src: MAC_A,
    chassisId: { subtype: P.LLDP_CHASSIS_SUBTYPE.LOCALLY_ASSIGNED, id: 'dpid:00000000000000a1' },
    portId: { subtype: P.LLDP_PORT_SUBTYPE.PORT_COMPONENT, id: Uint8Array.of(0, 0, 0, 3) },
    ttl: 4321,
    portDescription: 'uplink-3',
    systemName: 'weft-sw1',
    systemDescription: 'Open vSwitch ✓',
    systemCapabilities: { capabilities: 0x0014, enabled: 0x0004 },
    orgSpecific: [{ oui: 0x00a1b2, subtype: 9, info: Uint8Array.of(0xca, 0xfe) }, { oui: 0x0080c2, subtype: 1, info: Uint8Array.of(0, 42) }],
  });
  const f = P.parseFrame(frame);
  t.equal(f.error, undefined);
  t.equal(f.eth.dst, P.LLDP_MULTICAST_MAC);
  t.equal(f.eth.ethType, 0x88cc);
  const l = f.lldp!;
  t.same({ subtype: l.chassisId.subtype, id: l.chassisId.id }, { subtype: 7, id: 'dpid:00000000000000a1' });
  t.same({ subtype: l.portId.subtype, raw: [...l.portId.raw] }, { subtype: 2, raw: [0, 0, 0, 3] });
  t.match(l, { ttl: 4321, portDescription: 'uplink-3', systemName: 'weft-sw1', systemDescription: 'Open vSwitch ✓', systemCapabilities: { capabilities: 0x14, enabled: 4 } });
  t.same(l.orgSpecific.map((o) => [o.oui, o.subtype, ...o.info]), [[0xa1b2, 9, 0xca, 0xfe], [0x80c2, 1, 0, 42]]);
  t.equal(f.payloadOffset, frame.length);

  const byMac = P.parseFrame(P.lldpFrame({ src: MAC_B, chassisId: { subtype: 4, id: MAC_B }, portId: { subtype: 4, id: '2001:db8::7' }, ttl: 0 }));
  t.equal(byMac.lldp?.chassisId.id, MAC_B);
  t.equal(byMac.lldp?.portId.id, '2001:db8::7');
  t.equal(byMac.lldp?.portId.raw[0], P.IANA_AF.IPV6);
  throwsPlain(t, () => P.buildLldp({ chassisId: { subtype: 7, id: '' }, portId: { subtype: 7, id: 'p' }, ttl: 1 }), /chassis id must be 1\.\.255 bytes/);
  throwsPlain(t, () => P.buildLldp({ chassisId: { subtype: 7, id: 'c' }, portId: { subtype: 7, id: 'p' }, ttl: 1, systemName: 'x'.repeat(256) }), /system name is 256 bytes, at most 255/);
  throwsPlain(t, () => P.buildLldp({ chassisId: { subtype: 4, id: 'not-a-mac' }, portId: { subtype: 7, id: 'p' }, ttl: 1 }), /invalid MAC address/);
});

t.test('builders validate their input', async (t) => {
  const eth = { dst: MAC_A, src: MAC_B, ethType: 0x800 };
  throwsPlain(t, () => P.buildEthernet({ ...eth, vlan: { vid: 4096 } }, new Uint8Array(0)), /vlan\[0\]\.vid must be an integer in 0\.\.4095, got 4096/);
  throwsPlain(t, () => P.buildEthernet({ ...eth, vlan: { vid: 1, pcp: 8 } }, new Uint8Array(0)), /vlan\[0\]\.pcp/);
  throwsPlain(t, () => P.buildEthernet({ ...eth, ethType: 0x10000 }, new Uint8Array(0)), /ethType/);
  throwsPlain(t, () => P.buildEthernet({ ...eth, dst: 'ff:ff:ff:ff:ff' }, new Uint8Array(0)), /invalid MAC address "ff:ff:ff:ff:ff"/);
  throwsPlain(t, () => P.buildEthernet(eth, 'abc' as unknown as Uint8Array), /ethernet payload must be a Uint8Array/);
  throwsPlain(t, () => P.buildIpv4({ src: '10.0.0.1', dst: '10.0.0.300', protocol: 6 }, new Uint8Array(0)), /invalid IPv4 address "10.0.0.300"/);
  throwsPlain(t, () => P.buildIpv4({ src: '10.0.0.1', dst: '10.0.0.3', protocol: 6, ttl: 256 }, new Uint8Array(0)), /ipv4 ttl/);
  throwsPlain(t, () => P.buildIpv4({ src: '10.0.0.1', dst: '10.0.0.3', protocol: 6, options: new Uint8Array(41) }, new Uint8Array(0)), /at most 40/);
  throwsPlain(t, () => P.buildIpv4({ src: '10.0.0.1', dst: '10.0.0.3', protocol: 6 }, new Uint8Array(65516)), /exceeds 65535/);
  throwsPlain(t, () => P.buildIpv6({ src: '::1', dst: '::2', nextHeader: 6, flowLabel: 0x100000 }, new Uint8Array(0)), /flowLabel/);
  throwsPlain(t, () => P.buildTcp({ srcPort: 1, dstPort: 2, seq: -1, flags: 0, window: 0, src: '1.1.1.1', dst: '2.2.2.2' }, new Uint8Array(0)), /tcp seq/);
  throwsPlain(t, () => P.buildTcp({ srcPort: 1, dstPort: 2, seq: 0, flags: 0x200, window: 0, src: '1.1.1.1', dst: '2.2.2.2' }, new Uint8Array(0)), /tcp flags/);
  throwsPlain(t, () => P.buildUdp({ srcPort: 1, dstPort: 65536, src: '1.1.1.1', dst: '2.2.2.2' }, new Uint8Array(0)), /udp dstPort/);
  throwsPlain(t, () => P.buildArp({ op: 1, sha: MAC_A, spa: '1.1.1', tha: MAC_B, tpa: '2.2.2.2' }), /invalid IPv4 address "1.1.1"/);
});
