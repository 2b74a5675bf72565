import { packet as P } from '../../../protocol/index.js';

const A = '02:00:5e:00:53:0a';
const B = '02:00:5e:00:53:0b';
const enc = (s: string) => new TextEncoder().encode(s);
const eth = (ethType: number, payload: Uint8Array, vlan?: P.VlanSpec[]) => P.buildEthernet({ dst: A, src: B, ethType, vlan }, payload);
const v4 = (protocol: number, payload: Uint8Array) => eth(0x800, P.buildIpv4({ src: '192.0.2.10', dst: '198.51.100.20', protocol, ttl: 40, id: 99 }, payload));
const v6 = (nextHeader: number, payload: Uint8Array, src = '2001:db8::a', dst = '2001:db8::b') => eth(0x86dd, P.buildIpv6({ src, dst, nextHeader, hopLimit: 255 }, payload));
const ipv4Echo = P.buildIpv4({ src: '192.0.2.10', dst: '198.51.100.20', protocol: 1 }, P.buildIcmpEcho({ type: 'request', id: 1, seq: 2, data: enc('abcd') }));

/** One frame of every kind the decoder handles, built with distinct values. */
export function sampleFrames(): { name: string; frame: Uint8Array }[] {
  return [
    { name: 'udp', frame: v4(17, P.buildUdp({ srcPort: 1111, dstPort: 2222, src: '192.0.2.10', dst: '198.51.100.20' }, enc('udp data'))) },
    { name: 'tcp', frame: v4(6, P.buildTcp({ srcPort: 3333, dstPort: 80, seq: 5, ack: 6, flags: 0x18, window: 1000, options: Uint8Array.of(1, 1, 1, 1), src: '192.0.2.10', dst: '198.51.100.20' }, enc('GET /'))) },
    { name: 'icmp echo', frame: eth(0x800, ipv4Echo) },
    { name: 'icmp time exceeded', frame: v4(1, P.buildIcmpError(11, 0, ipv4Echo)) },
    { name: 'arp in qinq', frame: P.arpRequestFrame({ sha: B, spa: '10.0.0.1', tpa: '10.0.0.2', vlan: [{ vid: 5 }, { vid: 6 }] }) },
    { name: 'ipv6 udp', frame: v6(17, P.buildUdp({ srcPort: 546, dstPort: 547, src: '2001:db8::a', dst: '2001:db8::b' }, enc('dhcp'))) },
    { name: 'ipv6 ext headers tcp', frame: v6(0, Uint8Array.of(60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0, ...P.buildTcp({ srcPort: 1, dstPort: 2, seq: 3, flags: 2, window: 4, src: '2001:db8::a', dst: '2001:db8::b' }, new Uint8Array(0)))) },
    { name: 'icmpv6 na', frame: v6(58, P.buildNeighborAdvertisement({ target: 'fe80::a', targetMac: B, solicited: true, src: 'fe80::a', dst: 'fe80::b' }), 'fe80::a', 'fe80::b') },
    { name: 'icmpv6 echo', frame: v6(58, P.buildIcmpv6Echo({ type: 'reply', id: 7, seq: 8, src: '2001:db8::a', dst: '2001:db8::b' })) },
    { name: 'lldp', frame: P.lldpFrame({ src: B, chassisId: { subtype: 7, id: 'c1' }, portId: { subtype: 5, id: 'p2' }, ttl: 120, systemName: 'sw', orgSpecific: [{ oui: 0x0080c2, subtype: 1, info: Uint8Array.of(0, 1) }] }) },
  ];
}
