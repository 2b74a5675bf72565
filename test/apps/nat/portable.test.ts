/**
 * The portable (OpenFlow 1.3) backend through the host and the fake network: what each host
 * receives, with which addresses, and which translations the session table holds.
 */
import t from 'tap';

import { ICMP_TYPE } from '../../../protocol/packet/index.js';
import { HOSTS, OUT_GW, echo, lab, tcp, udp } from './lab.js';

function throwsHttp(t: { fail(m: string): void; match(a: unknown, b: unknown): void }, fn: () => unknown, want: { status: number; field?: string }): void {
  try {
    fn();
    t.fail('expected an HttpError');
  } catch (e) {
    t.match(e, want);
  }
}

const sessions = (l: ReturnType<typeof lab>) => (l.nat.sessions() as { sessions: { protocol: string; inside: string; outside: string; remote: string }[] }).sessions;

t.test('the router answers ARP for the static NAT address with its outside MAC', async (t) => {
  const l = lab();
  const { arpRequestFrame } = await import('../../../protocol/packet/index.js');
  l.send('srv', arpRequestFrame({ sha: HOSTS.srv.mac, spa: HOSTS.srv.ip, tpa: '203.0.113.103' }));
  const replies = l.received('srv').filter((f) => f.arp?.op === 2);
  t.equal(replies.length, 1);
  t.equal(replies[0]!.arp!.sha, OUT_GW);
  t.equal(replies[0]!.arp!.spa, '203.0.113.103');
  t.equal(l.nat.counters().arpReplies, 1);
});

t.test('masquerade: UDP from two inside hosts reaches the server from 203.0.113.100 only, replies come back', async (t) => {
  const l = lab();
  l.send('h1', udp('h1', HOSTS.srv.ip, 40001, 53));
  l.send('h3', udp('h3', HOSTS.srv.ip, 40001, 53));
  const got = l.received('srv').filter((f) => f.udp);
  t.equal(got.length, 2, 'both datagrams delivered');
  t.same(got.map((f) => f.ipv4!.src), ['203.0.113.100', '203.0.113.100'], 'the server sees only the outside address');
  const s = sessions(l);
  t.equal(s.length, 2);
  t.same(s.map((x) => x.outside).sort(), ['203.0.113.100:1024', '203.0.113.100:40001'], 'h1 keeps its port, h3 gets another');
  t.equal(l.nat.counters().sessions, 2);

  // The reply to h3's outside port lands on h3, addressed to its inside address.
  const h3Port = Number(s.find((x) => x.inside.startsWith('192.168.1.4'))!.outside.split(':')[1]);
  l.send('srv', udp('srv', '203.0.113.100', 53, h3Port));
  const atH3 = l.received('h3').filter((f) => f.udp);
  t.equal(atH3.length, 1, 'reply to h3\'s outside port reaches h3');
  t.equal(atH3[0]?.ipv4!.dst, '192.168.1.4');
  const trace = l.sw.trace({ in_port: 4, eth_dst: OUT_GW, eth_src: HOSTS.srv.mac, eth_type: 0x0800, ip_proto: 17, ipv4_src: HOSTS.srv.ip, ipv4_dst: '203.0.113.100', udp_src: 53, udp_dst: h3Port });
  t.same(trace.ports, [3], 'reply traced to h3 in the datapath');
  t.equal(trace.outputs[0]!.fields.ipv4_dst, '192.168.1.4');
  t.equal(trace.outputs[0]!.fields.udp_dst, 40001, 'port translated back');
  l.send('srv', udp('srv', '203.0.113.100', 53, 40001));
  const back = l.received('h1').filter((f) => f.udp);
  t.equal(back.length, 1, 'reply to port 40001 reaches h1');
  t.equal(back[0]!.ipv4!.dst, HOSTS.h1.ip);
});

t.test('ICMP echo from two hosts with the same id: the controller translates ids both ways', async (t) => {
  const l = lab();
  l.send('h1', echo('h1', HOSTS.srv.ip, 'request', 0x77));
  l.send('h3', echo('h3', HOSTS.srv.ip, 'request', 0x77));
  const reqs = l.received('srv').filter((f) => f.icmp?.type === ICMP_TYPE.ECHO_REQUEST);
  t.equal(reqs.length, 2);
  t.same(reqs.map((f) => f.ipv4!.src), ['203.0.113.100', '203.0.113.100']);
  const ids = reqs.map((f) => f.icmp!.id!);
  t.not(ids[0], ids[1], 'distinct outside ids');
  // The server answers both; each reply goes to its own host with its own id.
  for (const id of ids) l.send('srv', echo('srv', '203.0.113.100', 'reply', id));
  for (const h of ['h1', 'h3'] as const) {
    const r = l.received(h).filter((f) => f.icmp?.type === ICMP_TYPE.ECHO_REPLY);
    t.equal(r.length, 1, `${h} got one reply`);
    t.equal(r[0]!.icmp!.id, 0x77, `${h}: original id restored`);
    t.equal(r[0]!.ipv4!.dst, HOSTS[h].ip);
  }
  t.equal(l.nat.counters().echoTranslated, 4);
  l.send('srv', echo('srv', '203.0.113.100', 'reply', 0x9999));
  t.equal(l.nat.counters().echoUnknown, 1, 'an unknown reply is dropped and counted');
});

t.test('static NAT: the server reaches 203.0.113.103 on 192.168.1.3, which goes out as .103', async (t) => {
  const l = lab();
  l.send('srv', udp('srv', '203.0.113.103', 5000, 7));
  const at = l.received('h2').filter((f) => f.udp);
  t.equal(at.length, 1);
  t.equal(at[0]!.ipv4!.dst, '192.168.1.3');
  t.equal(at[0]!.ipv4!.src, HOSTS.srv.ip);
  l.send('h2', udp('h2', HOSTS.srv.ip, 7, 5000));
  const out = l.received('srv').filter((f) => f.udp);
  t.equal(out.length, 1);
  t.equal(out[0]!.ipv4!.src, '203.0.113.103');
  t.equal(sessions(l).length, 0, 'stateless: no session');
});

t.test('port forwarding: 203.0.113.100:8080 reaches 192.168.1.2:80', async (t) => {
  const l = lab();
  l.send('srv', tcp('srv', '203.0.113.100', 33000, 8080));
  const at = l.received('h1').filter((f) => f.tcp);
  t.equal(at.length, 1);
  t.equal(at[0]!.ipv4!.dst, HOSTS.h1.ip);
  const tr = l.sw.trace({ in_port: 4, eth_dst: OUT_GW, eth_src: HOSTS.srv.mac, eth_type: 0x0800, ip_proto: 6, ipv4_src: HOSTS.srv.ip, ipv4_dst: '203.0.113.100', tcp_src: 33000, tcp_dst: 8080 });
  t.equal(tr.outputs[0]!.fields.tcp_dst, 80);
  l.send('h1', tcp('h1', HOSTS.srv.ip, 80, 33000));
  const reply = l.received('srv').filter((f) => f.tcp);
  t.equal(reply.length, 1, 'the answer reaches the server');
  t.equal(reply[0]?.ipv4!.src, '203.0.113.100', 'from the outside address');
  const back = l.sw.trace({ in_port: 1, eth_dst: HOSTS.h1.gw, eth_src: HOSTS.h1.mac, eth_type: 0x0800, ip_proto: 6, ipv4_src: HOSTS.h1.ip, ipv4_dst: HOSTS.srv.ip, tcp_src: 80, tcp_dst: 33000 });
  t.same(back.ports, [4]);
  t.equal(back.outputs[0]!.fields.ipv4_src, '203.0.113.100');
  t.equal(back.outputs[0]!.fields.tcp_src, 8080);
});

t.test('idle sessions expire (FLOW_REMOVED) and their ports are reused', async (t) => {
  const l = lab({ portMin: 2000, portMax: 2000 });
  l.send('h1', tcp('h1', HOSTS.srv.ip, 41000, 80));
  t.same(sessions(l).map((x) => x.outside), ['203.0.113.100:2000']);
  l.send('h3', tcp('h3', HOSTS.srv.ip, 41000, 80));
  t.equal(l.nat.counters().refusedNoPort, 1, 'the only port is taken: refused');
  t.equal(l.received('srv').filter((f) => f.tcp).length, 1, 'the refused connection sent nothing');
  // The switch's idle timeout passes: FLOW_REMOVED frees the session.
  l.clock.advance(61_000);
  l.sw.expire();
  l.advance(1_000);
  t.equal(sessions(l).length, 0, 'idle session gone');
  t.equal(l.nat.counters().flowRemoved, 1);
  t.equal(l.sw.flows(0).filter((f) => f.idleTimeout > 0 && f.priority === 525).length, 0, 'both flows gone');
  l.send('h3', tcp('h3', HOSTS.srv.ip, 41000, 80));
  t.same(sessions(l).map((x) => x.outside), ['203.0.113.100:2000'], 'port reused');
});

t.test('the session cap refuses new connections and leaves existing ones alone', async (t) => {
  const l = lab({ maxSessions: 3 });
  for (let i = 0; i < 10; i++) l.send('h1', udp('h1', HOSTS.srv.ip, 50000 + i, 53));
  t.equal(sessions(l).length, 3);
  t.equal(l.nat.counters().refusedFull, 7);
  t.equal(l.received('srv').filter((f) => f.udp).length, 3);
  l.clear();
  l.send('h1', udp('h1', HOSTS.srv.ip, 50001, 53));
  t.equal(l.received('srv').filter((f) => f.udp).length, 1, 'an existing session still works');
});

t.test('REST: rules are listed, validated, added and deleted; sessions listed', async (t) => {
  const l = lab({ rules: [] });
  const routes = new Map<string, (req: { params: Record<string, string>; query: Record<string, unknown>; body: unknown }) => unknown>();
  const r = (m: string) => (path: string, h: (req: never) => unknown) => void routes.set(`${m} ${path}`, h as never);
  l.nat.routes!({ get: r('GET'), post: r('POST'), put: r('PUT'), patch: r('PATCH'), delete: r('DELETE') });
  const call = (k: string, req: { params?: Record<string, string>; body?: unknown } = {}) => routes.get(k)!({ params: req.params ?? {}, query: {}, body: req.body });
  t.same(call('GET /rules'), []);
  const added = call('POST /rules', { body: { type: 'forward', protocol: 'udp', outside: '203.0.113.100:5353', inside: '192.168.1.4:53' } });
  t.same(await added, { id: '1', type: 'forward', protocol: 'udp', outside: '203.0.113.100:5353', inside: '192.168.1.4:53' });
  throwsHttp(t, () => call('POST /rules', { body: { type: 'forward', protocol: 'udp', outside: '203.0.113.100:5353', inside: '192.168.1.2:53' } }), { status: 409 });
  throwsHttp(t, () => call('POST /rules', { body: { type: 'masquerade', inside: '192.168.1.7/24', outside: '203.0.113.100' } }), { status: 400, field: 'inside' });
  throwsHttp(t, () => call('POST /rules', { body: { type: 'static', inside: '192.168.1.300', outside: '203.0.113.103' } }), { status: 400, field: 'inside' });
  throwsHttp(t, () => call('POST /rules', { body: { type: 'nope' } }), { status: 400, field: 'type' });
  // The new rule is live at once.
  l.send('srv', udp('srv', '203.0.113.100', 999, 5353));
  t.equal(l.received('h3').filter((f) => f.udp).length, 1, 'forwarded to 192.168.1.4');
  t.equal(await call('DELETE /rules/:id', { params: { id: '1' } }), undefined);
  t.same(call('GET /rules'), []);
  throwsHttp(t, () => call('DELETE /rules/:id', { params: { id: '1' } }), { status: 404 });
  t.same((call('GET /sessions') as { backend: string }).backend, 'openflow');
});

t.test('bad options stop the app at init, naming the key', async (t) => {
  t.throws(() => lab({ backend: 'iptables' }), /backend/);
  t.throws(() => lab({ rules: [{ type: 'static', inside: '192.168.1.3' }] }), /rules\[0\].*outside/);
  t.throws(() => lab({ portMin: 9, portMax: 8 }), /portMin/);
});
