/**
 * ICMP errors the router generates: host unreachable after the ARP attempts time out (on the
 * injected clock), net unreachable without a route, time exceeded for TTL 1 (both for a first
 * packet seen by the controller and for an INVALID_TTL packet-in of an installed FIB flow).
 */
import t from 'tap';
import { OFPR } from '../../../protocol/index.js';
import { buildEthernet, buildIcmpError, buildIpv4, ETH_TYPE, ICMP_TYPE, IP_PROTO, parseIpPacket } from '../../../protocol/packet/index.js';
import { GW1, HOSTS, lab, ping, udp } from './lab.js';
import type { Lab } from './lab.js';

const icmpTo = (l: Lab, name: string) => l.received(name).filter((f) => f.icmp && f.icmp.type !== ICMP_TYPE.ECHO_REQUEST);

t.test('a host that does not answer ARP: retries, then ICMP host unreachable from the gateway', async (t) => {
  const l = lab({ silent: ['h4'] });
  l.send('h1', ping('h1', HOSTS.h4.ip, { seq: 1 }));
  l.send('h1', ping('h1', HOSTS.h4.ip, { seq: 2 }));
  const arps = () => l.received('h4').filter((f) => f.arp).length;
  t.equal(arps(), 1);
  t.same(icmpTo(l, 'h1'), [], 'nothing yet');
  l.advance(1_000);
  t.equal(arps(), 2, 'second attempt after arpTimeoutMs');
  l.advance(1_000);
  t.equal(arps(), 3, 'third attempt');
  t.same(icmpTo(l, 'h1'), [], 'still waiting for the last attempt');
  l.advance(1_000);
  t.equal(arps(), 3, 'no fourth attempt (arpRetries 3)');
  const errs = icmpTo(l, 'h1');
  t.equal(errs.length, 2, 'one error per held packet');
  for (const e of errs) {
    t.equal(e.icmp!.type, ICMP_TYPE.DEST_UNREACHABLE);
    t.equal(e.icmp!.code, 1, 'host unreachable');
    t.equal(e.ipv4!.src, '10.0.1.1', 'from the gateway of the sender');
    t.equal(e.ipv4!.dst, HOSTS.h1.ip);
    t.equal(e.eth.src, GW1);
    const quoted = parseIpPacket(e.icmp!.original!);
    t.equal(quoted.ipv4!.dst, HOSTS.h4.ip, 'quotes the lost packet');
  }
  t.equal(l.routing.counters().resolutionsFailed, 1);

  // Within failedTtlMs the answer is immediate, without asking again.
  l.clear();
  l.send('h1', ping('h1', HOSTS.h4.ip, { seq: 3 }));
  t.equal(icmpTo(l, 'h1').length, 1);
  t.equal(arps(), 0);
  // After it, ARP is tried again.
  l.advance(6_000);
  l.clear();
  l.send('h1', ping('h1', HOSTS.h4.ip, { seq: 4 }));
  t.equal(arps(), 1);
});

t.test('an address in a configured subnet nobody has: host unreachable', async (t) => {
  const l = lab();
  l.send('h2', udp('h2', '10.0.3.99'));
  l.advance(3_000);
  const [e] = icmpTo(l, 'h2');
  t.equal(e!.icmp!.code, 1);
  t.equal(e!.ipv4!.src, '10.0.2.1');
});

t.test('no route: ICMP net unreachable at once', async (t) => {
  const l = lab();
  const r = l.send('h3', ping('h3', '192.0.2.10'));
  t.same(r.packetIns, { 2: 1 });
  const [e] = icmpTo(l, 'h3');
  t.equal(e!.icmp!.type, ICMP_TYPE.DEST_UNREACHABLE);
  t.equal(e!.icmp!.code, 0, 'net unreachable');
  t.equal(e!.ipv4!.src, '10.0.2.1');
  t.equal(l.routing.counters().netUnreachable, 1);
  // No error about an error: an unroutable ICMP error is dropped silently.
  l.clear();
  const quoted = buildIpv4({ src: '10.0.2.3', dst: '10.0.9.9', protocol: IP_PROTO.UDP }, new Uint8Array(8));
  const err = buildEthernet({ dst: '0e:00:0a:00:02:01', src: HOSTS.h3.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: HOSTS.h3.ip, dst: '192.0.2.10', protocol: IP_PROTO.ICMP }, buildIcmpError(3, 3, quoted)));
  l.send('h3', err);
  t.same(l.received('h3'), []);
  t.equal(l.routing.counters().netUnreachable, 1);
});

t.test('TTL 1 on a first packet: time exceeded from the ingress gateway, nothing forwarded', async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h4.ip, { ttl: 5 }));
  l.clear();
  const r = l.send('h1', udp('h1', '10.0.3.77', { ttl: 1 }));
  t.same(r.delivered, { h1: 1 });
  const [e] = icmpTo(l, 'h1');
  t.equal(e!.icmp!.type, ICMP_TYPE.TIME_EXCEEDED);
  t.equal(e!.icmp!.code, 0);
  t.equal(e!.ipv4!.src, '10.0.1.1');
  t.equal(parseIpPacket(e!.icmp!.original!).udp!.dstPort, 33434);
});

t.test('TTL 1 hitting an installed FIB flow: INVALID_TTL packet-in, time exceeded', async (t) => {
  const l = lab();
  l.send('h1', ping('h1', HOSTS.h4.ip));
  l.clear();
  const s1 = l.net.switches.get(1n)!;
  s1.clearSent();
  const reasons: number[] = [];
  const receive = s1.receive.bind(s1);
  s1.receive = (m) => {
    if (m.type === 'packetIn') reasons.push(m.reason, m.tableId);
    receive(m);
  };
  const r = l.send('h1', ping('h1', HOSTS.h4.ip, { ttl: 1, seq: 99 }));
  t.same(r.packetIns, { 1: 1 });
  t.same(reasons, [OFPR.INVALID_TTL, 1], 'from the FIB flow in table 1, reason INVALID_TTL');
  t.same(r.delivered, { h1: 1 }, 'not forwarded to h4');
  const [e] = icmpTo(l, 'h1');
  t.equal(e!.icmp!.type, ICMP_TYPE.TIME_EXCEEDED);
  t.equal(e!.ipv4!.src, '10.0.1.1');
  t.equal(parseIpPacket(e!.icmp!.original!).icmp!.seq, 99);
  t.equal(l.routing.counters().timeExceeded, 1);
  t.equal(s1.sentOfType('packetOut').length, 1, 'the controller answered with one PACKET_OUT (the error)');
  // TTL 2 still passes and arrives with TTL 1.
  l.clear();
  l.send('h1', ping('h1', HOSTS.h4.ip, { ttl: 2 }));
  t.equal(l.received('h4')[0]!.ipv4!.ttl, 1);
});

t.test('ICMP errors are rate limited', async (t) => {
  const l = lab({ routing: { icmpRatePerSec: 2 } });
  for (let i = 0; i < 5; i++) l.send('h1', ping('h1', '198.51.100.1', { seq: i }));
  t.equal(icmpTo(l, 'h1').length, 2);
  t.equal(l.routing.counters().icmpSuppressed, 3);
  l.advance(1_000);
  l.send('h1', ping('h1', '198.51.100.1'));
  t.equal(icmpTo(l, 'h1').length, 3, 'tokens refill with time');
});
