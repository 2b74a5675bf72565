/**
 * Two hosts relaying weft's own signed LLDP to each other (TopoGuard's link fabrication): the
 * frames verify, so only where they arrive (ports where hosts speak) and how long they took can
 * tell them from a cable.
 */
import t from 'tap';
import { buildEthernet } from '../../../protocol/packet/index.js';
import { dp, line, setup } from './setup.js';

const isLldp = (f: Uint8Array) => f[12] === 0x88 && f[13] === 0xcc;

/** h1 on 1:3 and h2 on 2:3 have spoken; returns the LLDP frames each got from the last round. */
function twoChattyHosts(options: Record<string, unknown> = {}) {
  const s = setup({ ...line(2), flood: true, options });
  s.advance(8_000);
  s.arp('h1', '10.0.0.2');
  s.arp('h2', '10.0.0.1');
  const h1 = s.net.hosts.get('h1')!;
  const h2 = s.net.hosts.get('h2')!;
  h1.received.length = 0;
  h2.received.length = 0;
  s.advance(5_000); // one LLDP round: out of every port, hosts' ports too
  const lldp1 = h1.received.filter(isLldp);
  const lldp2 = h2.received.filter(isLldp);
  return { s, lldp1, lldp2 };
}

t.test('LLDP relayed between two ports where hosts speak makes no link; refused, counted, logged once', async (t) => {
  const { s, lldp1, lldp2 } = twoChattyHosts();
  t.equal(lldp1.length, 1, 'h1 got our LLDP frame');
  t.equal(s.topo.links().length, 2, 'the real cable, both ways');
  for (let i = 0; i < 5; i++) {
    s.net.send('h2', lldp1[0]!); // h2 replays what h1 passed it, as a relay would
    s.net.send('h1', lldp2[0]!);
  }
  t.equal(s.topo.links().length, 2, 'no false link');
  t.equal(s.topo.counters().lldpRefused['edge-port'], 2, 'each frame once: the others are replays');
  t.equal(s.topo.counters().lldpRefused.replayed, 8);
  t.equal(s.topoApp.stats!().linksRefusedEdgePort, 2);
  const warns = s.lines.filter((l) => l.msg === 'link refused');
  t.equal(warns.length, 2, 'one line per receiving port');
  t.match(warns[0], { reason: 'edge-port', src: { dpid: dp(1), port: 3 }, dst: { dpid: dp(2), port: 3 } });
  // Fresh frames every round: still refused, and the log stays quiet within its interval.
  for (let round = 0; round < 3; round++) {
    h(s, 'h1').received.length = 0;
    s.arp('h1', '10.0.0.2');
    s.advance(1_000);
    for (const f of h(s, 'h1').received.filter(isLldp)) s.net.send('h2', f);
  }
  t.equal(s.topo.links().length, 2);
  t.ok(s.lines.filter((l) => l.msg === 'link refused').length <= 3, 'rate-limited');
});

t.test('without the checks the same relay fabricates a link (what they prevent)', async (t) => {
  const { s, lldp1, lldp2 } = twoChattyHosts({ linkEdgeHoldMs: 0, lldpMaxDelayMs: 0 });
  s.net.send('h2', lldp1[0]!);
  s.net.send('h1', lldp2[0]!);
  t.equal(s.topo.links().length, 4, 'a false link 1:3 <-> 2:3');
  t.equal(s.topo.host('0a:00:00:00:00:01'), undefined, 'and h1 is no longer a host');
});

t.test('a relay by hosts that stay silent is caught when it is slow', async (t) => {
  const { s } = twoChattyHosts({ lldpMaxDelayMs: 500 });
  s.advance(11_000); // the hosts have been silent for longer than linkEdgeHoldMs (10 s)
  h(s, 'h1').received.length = 0;
  let frame: Uint8Array | undefined;
  for (let i = 0; i < 6 && !frame; i++) {
    s.advance(1_000);
    frame = h(s, 'h1').received.find(isLldp);
  }
  t.ok(frame);
  s.clock.advance(800); // the relay takes 0.8 s
  s.net.send('h2', frame!);
  t.equal(s.topo.links().length, 2);
  t.equal(s.topo.counters().lldpRefused.slow, 1);
  t.match(s.lines.find((l) => l.msg === 'link refused'), { reason: 'slow', delayMs: 800 });
});

t.test('a real cable between two ports that carried hosts is found once they have gone quiet', async (t) => {
  // Switch 2 forwarded host frames to 1:2 on its own before it connected (fail mode standalone).
  const s = setup({ ...line(2), connect: false });
  s.net.connect(s.host, [1n]);
  s.advance(8_000);
  const sw1 = s.net.switches.get(1n)!;
  const behind = '0a:00:00:00:00:42';
  const frame = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: behind, ethType: 0x0800 }, new Uint8Array(46));
  sw1.inject({ in_port: 2, eth_src: behind, eth_dst: 'ff:ff:ff:ff:ff:ff', eth_type: 0x0800 }, { data: frame });
  t.match(s.topo.host(behind), { dpid: dp(1), port: 2 });
  s.net.connect(s.host, [2n]);
  t.equal(s.topo.links().length, 0, 'not yet: a host spoke on 1:2 a moment ago');
  t.equal(s.topo.counters().lldpRefused['edge-port'], 1);
  s.advance(15_000); // LLDP rounds after the hold has passed
  t.equal(s.topo.links().length, 2, 'both directions once 1:2 has been quiet');
  t.equal(s.topo.host(behind), undefined, 'the host seen on the link port was a wrong attachment');
});

t.test("weft's own flood copies of a known host on a link port do not hold the link back", async (t) => {
  const s = setup({ ...line(2), connect: false });
  s.net.connect(s.host, [1n]);
  const sw1 = s.net.switches.get(1n)!;
  const known = '0a:00:00:00:00:43';
  const frame = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: known, ethType: 0x0800 }, new Uint8Array(46));
  sw1.inject({ in_port: 1, eth_src: known, eth_dst: 'ff:ff:ff:ff:ff:ff', eth_type: 0x0800 }, { data: frame });
  t.match(s.topo.host(known), { dpid: dp(1), port: 1 }, 'learned on its own port');
  s.advance(8_000);
  // The same host's frame again on 1:2, the cable to switch 2 that LLDP has not found yet: a
  // copy that crossed the link (a flood), not a host speaking there.
  sw1.inject({ in_port: 2, eth_src: known, eth_dst: 'ff:ff:ff:ff:ff:ff', eth_type: 0x0800 }, { data: frame });
  s.net.connect(s.host, [2n]);
  s.advance(5_000);
  t.equal(s.topo.links().length, 2, 'both directions found at once');
  t.equal(s.topo.counters().lldpRefused['edge-port'] ?? 0, 0, 'nothing refused as an edge port');
});

function h(s: ReturnType<typeof setup>, name: string) {
  return s.net.hosts.get(name)!;
}
