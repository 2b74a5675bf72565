/**
 * Independent oracles for the builders: tcpdump decodes (and verifies the checksums of) frames
 * written to a pcap file; Open vSwitch's flow extraction reads the same frames from a hand-built
 * PACKET_IN. Both are skipped where the tools are missing.
 */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { ovsFlow, requireCommand, tcpdump } from './support/pcap.js';

const A = '02:00:5e:00:53:0a';
const B = '02:00:5e:00:53:0b';
const enc = (s: string) => new TextEncoder().encode(s);
const v4 = (src: string, dst: string, protocol: number, payload: Uint8Array, more: Partial<P.Ipv4Spec> = {}) =>
  P.buildEthernet({ dst: A, src: B, ethType: 0x800 }, P.buildIpv4({ src, dst, protocol, ...more }, payload));
const v6 = (src: string, dst: string, nextHeader: number, payload: Uint8Array, hopLimit = 64) =>
  P.buildEthernet({ dst: A, src: B, ethType: 0x86dd }, P.buildIpv6({ src, dst, nextHeader, hopLimit }, payload));

const cases: { name: string; frame: Uint8Array; tcpdump: string[]; ovs?: string[] }[] = [
  {
    name: 'ARP request',
    frame: P.arpRequestFrame({ sha: B, spa: '10.20.30.40', tpa: '10.20.30.1' }),
    tcpdump: ['02:00:5e:00:53:0b > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:', 'Request who-has 10.20.30.1 tell 10.20.30.40, length 28'],
    ovs: ['arp,', 'dl_src=02:00:5e:00:53:0b,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.20.30.40,arp_tpa=10.20.30.1,arp_op=1,arp_sha=02:00:5e:00:53:0b,arp_tha=00:00:00:00:00:00'],
  },
  {
    name: 'ARP reply with a VLAN tag',
    frame: P.arpReplyFrame({ sha: A, spa: '10.20.30.1', tha: B, tpa: '10.20.30.40', vlan: { vid: 300, pcp: 5 } }),
    tcpdump: ['ethertype 802.1Q (0x8100), length 46: vlan 300, p 5, ethertype ARP (0x0806)', 'Reply 10.20.30.1 is-at 02:00:5e:00:53:0a'],
    ovs: ['arp,dl_vlan=300,dl_vlan_pcp=5,', 'arp_spa=10.20.30.1,arp_tpa=10.20.30.40,arp_op=2,arp_sha=02:00:5e:00:53:0a,arp_tha=02:00:5e:00:53:0b'],
  },
  {
    name: 'ICMP echo request',
    frame: v4('192.0.2.33', '198.51.100.44', 1, P.buildIcmpEcho({ type: 'request', id: 0x1234, seq: 77, data: enc('0123456789abcdef') }), { ttl: 61, id: 1234 }),
    tcpdump: ['(tos 0x0, ttl 61, id 1234, offset 0, flags [none], proto ICMP (1), length 44) 192.0.2.33 > 198.51.100.44: ICMP echo request, id 4660, seq 77, length 24'],
    ovs: ['icmp,', 'nw_src=192.0.2.33,nw_dst=198.51.100.44,nw_tos=0,nw_ecn=0,nw_ttl=61,nw_frag=no,icmp_type=8,icmp_code=0'],
  },
  {
    name: 'ICMP time exceeded quoting a UDP probe',
    frame: v4('192.0.2.1', '192.0.2.33', 1, P.buildIcmpError(11, 0, P.buildIpv4({ src: '192.0.2.33', dst: '198.51.100.44', protocol: 17, ttl: 1, id: 555 }, P.buildUdp({ srcPort: 33434, dstPort: 33435, src: '192.0.2.33', dst: '198.51.100.44' }, enc('traceroute probe'))))),
    tcpdump: ['192.0.2.1 > 192.0.2.33: ICMP time exceeded in-transit, length 36 (tos 0x0, ttl 1, id 555, offset 0, flags [none], proto UDP (17), length 44) 192.0.2.33.33434 > 198.51.100.44.33435: UDP, length 16'],
    ovs: ['icmp,', 'icmp_type=11,icmp_code=0'],
  },
  {
    name: 'UDP',
    frame: v4('192.0.2.33', '198.51.100.44', 17, P.buildUdp({ srcPort: 33333, dstPort: 4444, src: '192.0.2.33', dst: '198.51.100.44' }, enc('hello udp')), { ttl: 12, df: true, id: 4321, dscp: 46 }),
    tcpdump: ['(tos 0xb8, ttl 12, id 4321, offset 0, flags [DF], proto UDP (17), length 37) 192.0.2.33.33333 > 198.51.100.44.4444: [udp sum ok] UDP, length 9'],
    ovs: ['udp,', 'nw_src=192.0.2.33,nw_dst=198.51.100.44,nw_tos=184,nw_ecn=0,nw_ttl=12,nw_frag=no,tp_src=33333,tp_dst=4444'],
  },
  {
    name: 'TCP',
    frame: v4('192.0.2.33', '198.51.100.44', 6, P.buildTcp({ srcPort: 44321, dstPort: 8080, seq: 1000000, ack: 2000000, flags: P.TCP_FLAGS.PSH | P.TCP_FLAGS.ACK, window: 4321, src: '192.0.2.33', dst: '198.51.100.44' }, enc('abc')), { ttl: 99 }),
    tcpdump: ['192.0.2.33.44321 > 198.51.100.44.8080: Flags [P.], cksum 0x', '(correct), seq 1000000:1000003, ack 2000000, win 4321, length 3'],
    ovs: ['tcp,', 'nw_ttl=99,nw_frag=no,tp_src=44321,tp_dst=8080,tcp_flags=psh|ack'],
  },
  {
    name: 'TCP over IPv6',
    frame: v6('2001:db8::1', '2001:db8::2', 6, P.buildTcp({ srcPort: 1025, dstPort: 22, seq: 3, flags: P.TCP_FLAGS.SYN, window: 5, src: '2001:db8::1', dst: '2001:db8::2' }, new Uint8Array(0))),
    tcpdump: ['(hlim 64, next-header TCP (6) payload length: 20) 2001:db8::1.1025 > 2001:db8::2.22: Flags [S], cksum 0x', '(correct), seq 3, win 5, length 0'],
    ovs: ['tcp6,', 'ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,', 'tp_src=1025,tp_dst=22,tcp_flags=syn'],
  },
  {
    name: 'ICMPv6 neighbour advertisement',
    frame: v6('fe80::5eff:fe00:530b', 'fe80::5eff:fe00:530a', 58, P.buildNeighborAdvertisement({ target: 'fe80::5eff:fe00:530b', targetMac: B, solicited: true, override: true, src: 'fe80::5eff:fe00:530b', dst: 'fe80::5eff:fe00:530a' }), 255),
    tcpdump: ['[icmp6 sum ok] ICMP6, neighbor advertisement, length 32, tgt is fe80::5eff:fe00:530b, Flags [solicited, override] destination link-address option (2), length 8 (1): 02:00:5e:00:53:0b'],
    ovs: ['icmp6,', 'nw_ttl=255,nw_frag=no,icmp_type=136,icmp_code=0,nd_target=fe80::5eff:fe00:530b,nd_sll=00:00:00:00:00:00,nd_tll=02:00:5e:00:53:0b'],
  },
  {
    name: 'ICMPv6 echo request',
    frame: v6('2001:db8::1', '2001:db8::2', 58, P.buildIcmpv6Echo({ type: 'request', id: 9, seq: 10, data: enc('x'), src: '2001:db8::1', dst: '2001:db8::2' })),
    tcpdump: ['2001:db8::1 > 2001:db8::2: [icmp6 sum ok] ICMP6, echo request, id 9, seq 10'],
  },
  {
    name: 'LLDP',
    frame: P.lldpFrame({ src: B, chassisId: { subtype: 4, id: B }, portId: { subtype: 5, id: 'eth3' }, ttl: 120, portDescription: 'to-core', systemName: 'edge-7', systemDescription: 'weft test', orgSpecific: [{ oui: 0x0080c2, subtype: 1, info: Uint8Array.of(0, 100) }] }),
    tcpdump: [
      '02:00:5e:00:53:0b > 01:80:c2:00:00:0e, ethertype LLDP (0x88cc), length 72: LLDP, length 58',
      'Chassis ID TLV (1), length 7 Subtype MAC address (4): 02:00:5e:00:53:0b',
      'Port ID TLV (2), length 5 Subtype Interface Name (5): eth3',
      'Time to Live TLV (3), length 2: TTL 120s',
      'Port Description TLV (4), length 7: to-core',
      'System Name TLV (5), length 6: edge-7',
      'System Description TLV (6), length 9 weft test',
      'Organization specific TLV (127), length 6: OUI Ethernet bridged (0x0080c2) Port VLAN Id Subtype (1) port vlan id (PVID): 100',
      'End TLV (0), length 0',
    ],
  },
];

t.test('tcpdump reads what the builders wrote', async (t) => {
  requireCommand('tcpdump');
  const lines = tcpdump(cases.map((c) => c.frame));
  t.equal(lines.length, cases.length);
  cases.forEach((c, i) => {
    const line = lines[i] ?? '';
    for (const want of c.tcpdump) t.ok(line.includes(want), `${c.name}: tcpdump says "${want}"`, { line });
    t.notMatch(line, /bad|wrong|incorrect|\[\|/i, `${c.name}: no bad checksum or truncation`);
  });
});

t.test('tcpdump notices a corrupted checksum (the oracle can fail)', async (t) => {
  requireCommand('tcpdump');
  const udp = cases.find((c) => c.name === 'UDP')!.frame.slice();
  udp[14 + 20 + 7]! ^= 0x01;
  const tcp = cases.find((c) => c.name === 'TCP')!.frame.slice();
  tcp[14 + 10]! ^= 0x80; // the IPv4 header checksum
  const [u, h] = tcpdump([udp, tcp]);
  t.match(u, /bad udp cksum/);
  t.match(h, /bad cksum/);
});

t.test('Open vSwitch extracts the same fields', async (t) => {
  requireCommand('ovs-ofctl');
  for (const c of cases) {
    if (!c.ovs) continue;
    const flow = ovsFlow(c.frame);
    for (const want of c.ovs) t.ok(flow.includes(want), `${c.name}: ovs says "${want}"`, { flow });
    // And our decoder agrees with what OVS printed.
    const f = P.parseFrame(c.frame);
    t.equal(f.error, undefined, `${c.name}: decodes cleanly`);
    t.ok(flow.includes(`dl_src=${f.eth.src},dl_dst=${f.eth.dst}`), `${c.name}: MACs agree`);
    if (f.ipv4) t.ok(flow.includes(`nw_src=${f.ipv4.src},nw_dst=${f.ipv4.dst}`) && flow.includes(`nw_ttl=${f.ipv4.ttl}`), `${c.name}: IPv4 agrees`);
    if (f.ipv6) t.ok(flow.includes(`ipv6_src=${f.ipv6.src},ipv6_dst=${f.ipv6.dst}`), `${c.name}: IPv6 agrees`);
    const l4 = f.udp ?? f.tcp;
    if (l4) t.ok(flow.includes(`tp_src=${l4.srcPort},tp_dst=${l4.dstPort}`), `${c.name}: ports agree`);
    if (f.arp) t.ok(flow.includes(`arp_spa=${f.arp.spa},arp_tpa=${f.arp.tpa},arp_op=${f.arp.op},arp_sha=${f.arp.sha},arp_tha=${f.arp.tha}`), `${c.name}: ARP agrees`);
    if (f.icmpv6?.target) t.ok(flow.includes(`nd_target=${f.icmpv6.target}`), `${c.name}: ND target agrees`);
  }
});
