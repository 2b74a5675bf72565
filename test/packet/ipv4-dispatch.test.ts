/**
 * parseFrame's IPv4 path is split for speed (untagged Ethernet and IPv4/UDP inline, the rest
 * out of line): every other branch must decode, and fail, as the general parser does.
 */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';

const A = '10.9.8.7';
const B = '172.16.5.4';
const MAC1 = '0a:1b:2c:3d:4e:5f';
const MAC2 = 'f0:e1:d2:c3:b4:a5';

function ipv4Frame(ip: Partial<P.Ipv4Spec> & { protocol: number }, l4: Uint8Array, vlan?: P.VlanSpec): Uint8Array {
  return P.buildEthernet({ dst: MAC1, src: MAC2, ethType: P.ETH_TYPE.IPV4, vlan }, P.buildIpv4({ src: A, dst: B, ...ip }, l4));
}

const udp = P.buildUdp({ srcPort: 5353, dstPort: 4789, src: A, dst: B }, Uint8Array.of(9, 8, 7));

t.test('IPv4/UDP: with options, VLAN-tagged, and as a bare IP packet', async (t) => {
  const plain = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.UDP }, udp));
  t.same([plain.udp?.srcPort, plain.udp?.dstPort, plain.udp?.length, plain.payloadOffset], [5353, 4789, 11, 42]);
  t.equal(plain.ipv4?.headerLength, 20);
  t.equal(plain.error, undefined);
  const opts = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.UDP, options: Uint8Array.of(1, 1, 1, 0) }, udp));
  t.equal(opts.ipv4?.headerLength, 24);
  t.same([opts.udp?.srcPort, opts.payloadOffset], [5353, 46], 'UDP found after the options');
  const tagged = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.UDP }, udp, { vid: 42, pcp: 3 }));
  t.same(tagged.eth.vlans, [{ tpid: 0x8100, pcp: 3, dei: 0, vid: 42 }]);
  t.same([tagged.udp?.dstPort, tagged.ipv4?.src, tagged.eth.src], [4789, A, MAC2]);
  const bare = P.parseIpPacket(P.buildIpv4({ src: A, dst: B, protocol: P.IP_PROTO.UDP }, udp));
  t.equal(bare.udp?.srcPort, 5353);
});

t.test('IPv4 fragments after the first carry no upper-layer header', async (t) => {
  const later = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.UDP, fragOffset: 185 }, udp));
  t.equal(later.udp, undefined);
  t.equal(later.ipv4?.fragOffset, 185);
  t.equal(later.payloadOffset, 34);
  const first = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.UDP, mf: true }, udp));
  t.equal(first.udp?.srcPort, 5353, 'the first fragment (MF set, offset 0) does');
});

t.test('IPv4 TCP and ICMP still decode; other protocols stop at IPv4', async (t) => {
  const tcp = P.buildTcp({ srcPort: 40000, dstPort: 443, seq: 0x01020304, flags: 0x12, window: 1000, src: A, dst: B }, new Uint8Array(0));
  const ft = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.TCP }, tcp));
  t.same([ft.tcp?.srcPort, ft.tcp?.dstPort, ft.tcp?.seq, ft.udp], [40000, 443, 0x01020304, undefined]);
  const icmp = P.buildIcmpEcho({ type: 'request', id: 0x4242, seq: 7 });
  const fi = P.parseFrame(ipv4Frame({ protocol: P.IP_PROTO.ICMP }, icmp));
  t.same([fi.icmp?.type, fi.icmp?.id, fi.icmp?.seq], [8, 0x4242, 7]);
  const gre = P.parseFrame(ipv4Frame({ protocol: 47 }, Uint8Array.of(0, 0, 8, 0)));
  t.same([gre.ipv4?.protocol, gre.udp, gre.tcp, gre.icmp, gre.error, gre.payloadOffset], [47, undefined, undefined, undefined, undefined, 34]);
});

t.test('unusable IPv4 headers report what they did before', async (t) => {
  const good = ipv4Frame({ protocol: P.IP_PROTO.UDP }, udp);
  t.equal(P.parseFrame(good.subarray(0, 14 + 19)).error, 'ipv4: needs 20 bytes at offset 14, 19 left');
  const v6 = good.slice();
  v6[14] = 0x65;
  t.equal(P.parseFrame(v6).error, 'ipv4: version 6 at offset 14');
  const ihl = good.slice();
  ihl[14] = 0x43;
  t.equal(P.parseFrame(ihl).error, 'ipv4: header length 12 < 20 at offset 14');
  const longIhl = good.slice(0, 14 + 22);
  longIhl[14] = 0x46;
  t.equal(P.parseFrame(longIhl).error, 'ipv4 options: needs 24 bytes at offset 14, 22 left');
  const total = good.slice();
  total[16] = 0;
  total[17] = 19;
  const ft = P.parseFrame(total);
  t.equal(ft.error, 'ipv4: total length 19 < header length 20');
  t.equal(ft.payloadOffset, 34);
  t.equal(ft.ipv4?.totalLength, 19, 'the header is kept');
  const cut = P.parseFrame(good.subarray(0, good.length - 2));
  t.equal(cut.truncated, true);
  t.equal(cut.udp?.srcPort, 5353);
});

t.test('other EtherTypes still dispatch', async (t) => {
  const arp = P.parseFrame(P.arpRequestFrame({ sha: MAC2, spa: A, tpa: B }));
  t.equal(arp.arp?.tpa, B);
  const unknown = P.parseFrame(P.buildEthernet({ dst: MAC1, src: MAC2, ethType: 0x1234 }, Uint8Array.of(1, 2)));
  t.same([unknown.eth.ethType, unknown.payloadOffset, unknown.error, unknown.ipv4], [0x1234, 14, undefined, undefined]);
});
