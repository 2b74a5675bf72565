/**
 * The portable backend with hosts on different switches (lab(..., true): h1 on s1, h3 on s2, the
 * server on s3): a connection's replies enter at another switch than its first packet, and the
 * session's flows follow each direction to the switch where it enters.
 */
import t from 'tap';

import { HOSTS, lab, tcp, udp } from './lab.js';

const P_SESSION = 525;
const sessionFlows = (l: ReturnType<typeof lab>, dpid: bigint) => l.net.switches.get(dpid)!.flows(0).filter((f) => f.priority === P_SESSION);
const sessions = (l: ReturnType<typeof lab>) => (l.nat.sessions() as { sessions: { inside: string; outside: string }[] }).sessions;

t.test('masquerade: replies entering at the server\'s switch reach the inside host on another switch', async (t) => {
  const l = lab({}, true);
  l.send('h1', tcp('h1', HOSTS.srv.ip, 41000, 80));
  const atSrv = l.received('srv').filter((f) => f.tcp);
  t.equal(atSrv.length, 1, 'the first packet reaches the server');
  t.equal(atSrv[0]!.ipv4!.src, '203.0.113.100');
  const port = atSrv[0]!.tcp!.srcPort;
  t.equal(sessionFlows(l, 1n).length, 1, 'the outbound flow at the inside host\'s switch');
  t.equal(sessionFlows(l, 3n).length, 0, 'nothing at the server\'s switch yet');

  const r1 = l.send('srv', tcp('srv', '203.0.113.100', 80, port));
  const back = l.received('h1').filter((f) => f.tcp);
  t.equal(back.length, 1, 'the reply reaches h1');
  t.equal(back[0]!.ipv4!.dst, HOSTS.h1.ip);
  t.equal(back[0]!.tcp!.dstPort, 41000, 'port translated back');
  t.ok((r1.packetIns['3'] ?? 0) >= 1, 'the first reply came to the controller at s3');
  t.equal(sessionFlows(l, 3n).length, 1, 'the inbound flow is installed where the reply entered');
  const m = Object.fromEntries(sessionFlows(l, 3n)[0]!.match.map((e) => [e.field, 'value' in e ? e.value : undefined]));
  t.match(m, { ipv4_src: HOSTS.srv.ip, ipv4_dst: '203.0.113.100' }, 'it matches the reply direction');

  const r2 = l.send('srv', tcp('srv', '203.0.113.100', 80, port));
  t.equal(l.received('h1').filter((f) => f.tcp).length, 2, 'the second reply too');
  t.same(r2.packetIns, {}, 'in the datapath only');
  const r3 = l.send('h1', tcp('h1', HOSTS.srv.ip, 41000, 80));
  t.same(r3.packetIns, {}, 'and the next outbound packet');
  t.equal(l.received('srv').filter((f) => f.tcp).length, 2);
  t.equal(sessions(l).length, 1, 'one session');
});

t.test('a session idle everywhere ends once, with its flows on every switch', async (t) => {
  const l = lab({}, true);
  l.send('h3', udp('h3', HOSTS.srv.ip, 40001, 53));
  l.send('srv', udp('srv', '203.0.113.100', 53, 40001));
  t.equal(l.received('h3').filter((f) => f.udp).length, 1, 'reply delivered to h3 on s2');
  t.equal(sessionFlows(l, 2n).length, 1);
  t.equal(sessionFlows(l, 3n).length, 1);
  l.clock.advance(31_000);
  for (const sw of l.net.switches.values()) sw.expire();
  l.advance(1_000);
  t.equal(sessions(l).length, 0, 'the session ended');
  t.equal(l.nat.counters().flowRemoved, 1, 'counted once');
  for (const d of [1n, 2n, 3n]) t.equal(sessionFlows(l, d).length, 0, `no session flow left on s${d}`);
});

t.test('the inside host moves to another switch: its packets get the outbound flow there', async (t) => {
  const l = lab({}, true);
  l.send('h1', udp('h1', HOSTS.srv.ip, 40002, 53));
  l.net.moveHost('h1', [2n, 1]);
  l.send('h1', udp('h1', HOSTS.srv.ip, 40002, 53));
  t.equal(l.received('srv').filter((f) => f.udp && f.ipv4!.src === '203.0.113.100').length, 2, 'both datagrams translated');
  t.equal(sessionFlows(l, 2n).length, 1, 'outbound flow on the new switch');
  t.equal(sessions(l).length, 1, 'the same session');
});

t.test('TCP or UDP to the masquerade address that is no session\'s reply is dropped and counted', async (t) => {
  const l = lab({}, true);
  l.send('srv', udp('srv', '203.0.113.100', 53, 40999));
  t.equal(l.nat.counters().inboundUnknown, 1);
  for (const h of ['h1', 'h2', 'h3'] as const) t.equal(l.received(h).filter((f) => f.udp).length, 0, `nothing reaches ${h}`);
});
