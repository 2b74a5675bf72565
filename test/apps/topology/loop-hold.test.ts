/**
 * Loop hold (docs/TOPOLOGY.md): a loop LLDP cannot see (a cable through a bridge that drops
 * LLDP, or one whose LLDP is late on a loaded machine) makes a host's copies arrive on linkless
 * ports until its move limit refuses them; the port where that happens stops flooding and
 * learning for a while, which ends the storm.
 */
import t from 'tap';
import { OFPP } from '../../../protocol/index.js';
import { dp, ring, setup } from './setup.js';

const H1 = '0a:00:00:00:00:01';
const H4 = '0a:00:00:00:00:04';

/** A ring of 4 whose cable 4:1-1:2 does not pass LLDP: the switches see a line, the frames a ring. */
function hiddenLoop(options: Record<string, unknown> = {}) {
  const s = setup({ ...ring(4), flood: true, connect: false, options });
  s.net.unlink([4n, 1]);
  s.net.link([4n, 1], [1n, 2], { dropLldp: true });
  s.net.connect(s.host);
  s.advance(8_000); // every port settled: 1:2 and 4:1 look like edges
  return s;
}

const clearReceived = (s: ReturnType<typeof setup>) => {
  for (const h of s.net.hosts.values()) h.received.length = 0;
};

t.test('a loop LLDP cannot see storms without the hold (the case it exists for)', async (t) => {
  const s = hiddenLoop({ loopHoldMs: 0 });
  t.equal(s.topo.links().length, 6, 'three of the four cables known');
  s.arp('h1');
  t.equal(s.net.stormed, true);
  t.equal(s.topo.counters().loopHolds, 0);
});

t.test('a loop LLDP cannot see: one port is held, the storm ends, every host is still reached', async (t) => {
  const s = hiddenLoop();
  const first = s.arp('h1');
  t.equal(s.net.stormed, false, 'the broadcast ends');
  t.ok(first.linkHops < 200, `${first.linkHops} link hops, not a storm`);
  const c = s.topo.counters();
  t.equal(c.loopHolds, 1, 'one hold started');
  t.ok((c.hostMovesRefused['move-limit'] ?? 0) >= 1, 'after the move limit refused a copy');
  const line = s.lines.find((l) => l.msg === 'loop hold: port not flooded (a host keeps arriving on it)');
  t.match(line, { mac: H1, holdMs: 10_000 }, 'logged with the MAC and how long');
  const held = `${line!.dpid}/${line!.port}`;
  t.ok([`${dp(1)}/2`, `${dp(4)}/1`].includes(held), `the held port (${held}) is an end of the hidden cable`);
  t.same([...s.topo.floodPorts(line!.dpid as string, line!.port as number)], [], 'what arrives there is not flooded');

  // h1 speaks again from its own port: found there, and its broadcast reaches each host once.
  clearReceived(s);
  const run = s.arp('h1');
  t.equal(s.net.stormed, false);
  t.same(run.delivered, { h2: 1, h3: 1, h4: 1 }, 'every other host once, not h1 itself');
  t.match(s.topo.host(H1), { dpid: dp(1), port: 3 });
  t.equal(s.topo.admitsHost(H4, line!.dpid as string, line!.port as number), false, 'forwarding apps learn nothing on the held port');

  // Every host's broadcast, both ways round the hidden cable: no storm, each reached once.
  for (const from of ['h2', 'h3', 'h4', 'h1']) {
    clearReceived(s);
    const r = s.arp(from);
    t.equal(s.net.stormed, false, `from ${from}: no storm`);
    t.equal(Object.keys(r.delivered).length, 3, `from ${from}: three hosts`);
  }
  t.same(
    s.topo.hosts().map((h) => [h.mac, Number.parseInt(h.dpid, 16), h.port]),
    [1, 2, 3, 4].map((i) => [`0a:00:00:00:00:0${i}`, i, 3]),
    'every host at its own port',
  );
});

t.test('a hold that ends while the loop is still there is taken again, twice as long', async (t) => {
  const s = hiddenLoop();
  s.arp('h1');
  s.arp('h1');
  t.equal(s.topo.counters().loopHolds, 1);
  s.advance(11_000); // past the first hold (10 s: two LLDP intervals)
  for (let i = 0; i < 4 && s.topo.counters().loopHolds < 2; i++) s.arp(`h${i + 1}`);
  t.equal(s.net.stormed, false, 'no storm when the hold lapses');
  t.equal(s.topo.counters().loopHolds, 2, 'held again');
  const holds = s.lines.filter((l) => l.msg === 'loop hold: port not flooded (a host keeps arriving on it)');
  t.equal(holds.at(-1)!.holdMs, 20_000, 'for twice as long');
});

t.test('a late link ends the hold: the tree takes over and the count starts again', async (t) => {
  const s = hiddenLoop();
  s.arp('h1');
  t.equal(s.topo.counters().loopHolds, 1);
  // LLDP gets through now (the machine was loaded, or the bridge was replaced by a cable).
  s.net.unlink([4n, 1]);
  s.net.link([4n, 1], [1n, 2]);
  s.advance(5_000);
  t.equal(s.topo.links().length, 8, 'the fourth cable found while its port was held');
  clearReceived(s);
  const run = s.arp('h1');
  t.equal(s.net.stormed, false);
  t.same(run.delivered, { h2: 1, h3: 1, h4: 1 });
  const p = s.topo.switchState(dp(1))!.ports.get(2)!;
  const q = s.topo.switchState(dp(4))!.ports.get(1)!;
  t.same([p.loopHoldUntil, p.loopHoldCount, q.loopHoldUntil, q.loopHoldCount], [-Infinity, 0, -Infinity, 0]);
});

t.test('hosts on a held port are forgotten and not learned there while it is held', async (t) => {
  // One switch, a host h1 on port 1 whose copies come back on port 2 (a bridge looped to it).
  const s = setup({ switches: { 1: 3 }, links: [], hosts: { h1: [1n, 1], x: [1n, 2] }, options: { hostMoveLimit: 1, lldpIntervalMs: 1_000 } });
  s.advance(2_000);
  s.arp('x');
  t.match(s.topo.host('0a:00:00:00:00:02'), { port: 2 });
  s.arp('h1');
  s.net.moveHost('h1', [1n, 3]);
  s.arp('h1'); // one move allowed
  s.net.moveHost('h1', [1n, 2]);
  s.net.hosts.delete('x');
  s.arp('h1'); // the second within the window: refused, port 2 held
  t.equal(s.topo.counters().loopHolds, 1);
  t.equal(s.topo.host('0a:00:00:00:00:02'), undefined, 'x, recorded on the held port, forgotten');
  t.equal(s.topo.host(H1), undefined, 'the flapping host forgotten too');
  t.ok(s.events.some((e) => e.type === 'hostRemoved' && e.host.mac === H1), 'hostRemoved announced at once');
  const ignored = s.topo.counters().hostsIgnored;
  s.arp('h1');
  t.equal(s.topo.host(H1), undefined, 'not learned on the held port');
  t.equal(s.topo.counters().hostsIgnored, ignored + 1);
  t.same([...s.topo.floodPorts(dp(1), OFPP.CONTROLLER)], [1, 3], 'not flooded to');
  s.advance(2_000);
  s.arp('h1');
  t.match(s.topo.host(H1), { port: 2 }, 'learned again once the hold is over');
});

t.test('the hold is counted in the app stats', async (t) => {
  const s = hiddenLoop();
  s.arp('h1');
  t.match(s.topoApp.stats!(), { loopHolds: 1 });
});
