/**
 * ICMP errors about masqueraded sessions (apps/nat/icmp-error.ts) through the host and the fake
 * network: an outside router's error about a packet we sent out reaches the inside host quoting
 * the packet as that host sent it (traceroute, path MTU discovery), an inside host's error about
 * a packet we let in reaches the outside quoting it as it arrived, every checksum is right, and
 * errors that name no session are dropped and counted.
 */
import t from 'tap';
import { buildEthernet, buildIcmpError, buildIpv4, ETH_TYPE, internetChecksum, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import { quotedTuple, rewriteIcmpError } from '../../../apps/nat/icmp-error.js';
import { HOSTS, IN_GW, OUT_GW, echo, lab, udp } from './lab.js';
import type { HostName, Lab } from './lab.js';

const ETH = 14;

/** The raw frames a host received, oldest first. */
const raw = (l: Lab, name: HostName) => l.net.hosts.get(name)!.received;

/** An ICMP error from `from` to `dst`, quoting the IP packet of `quotedFrame` (an Ethernet frame). */
function errorFrame(from: HostName, dst: string, type: number, code: number, quotedFrame: Uint8Array, rest = 0): Uint8Array {
  const quoted = quotedFrame.subarray(ETH);
  const h = HOSTS[from];
  return buildEthernet({ dst: h.gw, src: h.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: h.ip, dst, protocol: IP_PROTO.ICMP }, buildIcmpError(type, code, quoted, rest)));
}

/** Every checksum of an ICMP error frame: outer IP header, ICMP message, quoted IP header. */
function checksumsOk(frame: Uint8Array): boolean {
  const ihl = (frame[ETH]! & 0x0f) * 4;
  const end = ETH + ((frame[ETH + 2]! << 8) | frame[ETH + 3]!);
  const icmp = ETH + ihl;
  const qip = icmp + 8;
  const qihl = (frame[qip]! & 0x0f) * 4;
  return internetChecksum(frame.subarray(ETH, icmp)) === 0 && internetChecksum(frame.subarray(icmp, end)) === 0 && internetChecksum(frame.subarray(qip, qip + qihl)) === 0;
}

/** The quoted IP packet of an ICMP error frame, for comparing with what a host sent. */
const quoteOf = (frame: Uint8Array) => frame.subarray(ETH + (frame[ETH]! & 0x0f) * 4 + 8);

t.test('an outside router\'s error about our UDP packet reaches the inside host, quoting what it sent', async (t) => {
  const l = lab();
  // h3 gets another outside port than its own (h1 holds 40001): the port is put back too.
  l.send('h1', udp('h1', HOSTS.srv.ip, 40001, 33434));
  const sentByH3 = udp('h3', HOSTS.srv.ip, 40001, 33434);
  l.send('h3', sentByH3);
  const left = raw(l, 'srv').filter((d) => parseFrame(d).udp);
  t.equal(left.length, 2);
  const fromH3 = left.find((d) => parseFrame(d).udp!.srcPort !== 40001)!;
  t.ok(fromH3, 'h3 went out on another port');
  // "srv" plays a router beyond the NAT: TTL exceeded, quoting the packet as it left the NAT.
  l.send('srv', errorFrame('srv', '203.0.113.100', 11, 0, fromH3));
  const got = raw(l, 'h3').filter((d) => parseFrame(d).icmp?.type === 11);
  t.equal(got.length, 1, 'h3 got the error');
  t.equal(raw(l, 'h1').filter((d) => parseFrame(d).icmp).length, 0, 'and h1 nothing');
  const err = got[0]!;
  const f = parseFrame(err);
  t.equal(f.ipv4!.dst, HOSTS.h3.ip);
  t.equal(f.ipv4!.src, HOSTS.srv.ip, 'from the router that sent it');
  t.same(quotedTuple(err), { proto: 'udp', src: HOSTS.h3.ip, srcPort: 40001, dst: HOSTS.srv.ip, dstPort: 33434 }, 'the quote is h3\'s own packet');
  t.ok(checksumsOk(err), 'outer IP, ICMP and quoted IP checksums verify');
  const original = sentByH3.subarray(ETH);
  const quote = quoteOf(err);
  t.same([...quote.subarray(20, 28)], [...original.subarray(20, 28)], 'the quoted UDP header, checksum included, is byte for byte what h3 sent');
  t.same([...quote.subarray(12, 20)], [...original.subarray(12, 20)], 'and so are the quoted addresses');
  t.equal(l.nat.counters().icmpErrorsTranslated, 1);
});

t.test('an error about a translated echo request restores the id in the quote', async (t) => {
  const l = lab();
  const sent = echo('h1', HOSTS.srv.ip, 'request', 0x77, 5);
  l.send('h1', sent);
  const left = raw(l, 'srv').find((d) => parseFrame(d).icmp?.type === 8)!;
  l.send('srv', errorFrame('srv', '203.0.113.100', 3, 1, left));
  const got = raw(l, 'h1').filter((d) => parseFrame(d).icmp?.type === 3);
  t.equal(got.length, 1);
  t.same(quotedTuple(got[0]!), { proto: 'icmp', src: HOSTS.h1.ip, srcPort: 0x77, dst: HOSTS.srv.ip, dstPort: 0 });
  t.ok(checksumsOk(got[0]!));
  t.same([...quoteOf(got[0]!).subarray(20, 28)], [...sent.subarray(ETH + 20, ETH + 28)], 'the quoted echo header, checksum included, is what h1 sent');
});

t.test('an inside host\'s error about a packet we let in goes out quoting it as it arrived', async (t) => {
  const l = lab();
  l.send('h1', udp('h1', HOSTS.srv.ip, 40001, 53));
  l.send('h3', udp('h3', HOSTS.srv.ip, 40001, 53));
  const outPort = parseFrame(raw(l, 'srv').filter((d) => parseFrame(d).udp).at(-1)!).udp!.srcPort;
  const arrived = udp('srv', '203.0.113.100', 53, outPort);
  l.send('srv', arrived);
  const atH3 = raw(l, 'h3').filter((d) => parseFrame(d).udp);
  t.equal(atH3.length, 1);
  // h3 has nothing on that port: port unreachable, quoting the datagram as it reached h3.
  const unreachable = buildEthernet({ dst: IN_GW, src: HOSTS.h3.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: HOSTS.h3.ip, dst: HOSTS.srv.ip, protocol: IP_PROTO.ICMP }, buildIcmpError(3, 3, atH3[0]!.subarray(ETH))));
  l.send('h3', unreachable);
  const got = raw(l, 'srv').filter((d) => parseFrame(d).icmp?.type === 3);
  t.equal(got.length, 1, 'the server got the error');
  t.equal(parseFrame(got[0]!).ipv4!.src, '203.0.113.100', 'from the outside address');
  t.same(quotedTuple(got[0]!), { proto: 'udp', src: HOSTS.srv.ip, srcPort: 53, dst: '203.0.113.100', dstPort: outPort }, 'quoting the datagram as the server sent it');
  t.ok(checksumsOk(got[0]!));
  t.same([...quoteOf(got[0]!).subarray(20, 28)], [...arrived.subarray(ETH + 20, ETH + 28)], 'the quoted UDP header is what the server sent');
});

t.test('errors that name no session are dropped and counted', async (t) => {
  const l = lab();
  l.send('h1', udp('h1', HOSTS.srv.ip, 40001, 53));
  const left = raw(l, 'srv').find((d) => parseFrame(d).udp)!;
  const other = left.slice();
  other[ETH + 20] = 0x99; // another source port: no such session
  l.send('srv', errorFrame('srv', '203.0.113.100', 11, 0, other));
  t.equal(raw(l, 'h1').filter((d) => parseFrame(d).icmp).length, 0);
  t.equal(l.nat.counters().icmpErrorsUnknown, 1);
  t.equal(l.nat.counters().icmpErrorsTranslated, 0);
});

t.test('rewriteIcmpError and quotedTuple refuse what is not an ICMP error about TCP, UDP or an echo request', async (t) => {
  const notError = echo('h1', HOSTS.srv.ip, 'request', 1);
  t.equal(quotedTuple(notError), undefined);
  t.equal(rewriteIcmpError(notError, 'in', { ip: '10.0.0.1', port: 1 }), undefined);
  const aboutReply = errorFrame('srv', '203.0.113.100', 3, 1, echo('srv', '203.0.113.100', 'reply', 1));
  t.equal(quotedTuple(aboutReply), undefined, 'a quoted echo reply is not ours to translate');
  const short = errorFrame('srv', '203.0.113.100', 11, 0, udp('h1', HOSTS.srv.ip, 1, 2)).subarray(0, ETH + 20 + 8 + 20 + 4);
  t.equal(quotedTuple(short), undefined, 'a quote without its 8 bytes of L4 header');
  t.equal(OUT_GW.length, 17);
});
