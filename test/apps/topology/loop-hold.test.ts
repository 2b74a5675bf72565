/**
 * Loop hold (docs/TOPOLOGY.md): a loop LLDP cannot see (a cable through a bridge that drops
 * LLDP, or one whose LLDP is late on a loaded machine) brings the same broadcast back to a
 * linkless port again and again; after REPEAT_LIMIT arrivals that port stops flooding and
 * learning for a while, which ends the storm. Hosts that repeat a frame a few times do not
 * trip it.
 */
import t from 'tap';
import { OFPP } from '../../../protocol/index.js';
import { arpRequestFrame } from '../../../protocol/packet/index.js';
import { fingerprint, MAX_TRACKED, REPEAT_LIMIT, REPEAT_WINDOW_MS, RepeatCounter } from '../../../apps/topology/repeats.js';
import { dp, ring, setup } from './setup.js';

const H1 = '0a:00:00:00:00:01';
const H4 = '0a:00:00:00:00:04';
const HOLD_MSG = 'loop hold: port not flooded (the same broadcast keeps arriving on it)';

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
  const line = s.lines.find((l) => l.msg === HOLD_MSG);
  t.match(line, { mac: H1, holdMs: 17_000 }, 'logged with the MAC and how long (the link timeout)');
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

t.test('hosts the storm moved onto other ports are forgotten, so the move limit cannot keep them there', async (t) => {
  // One switch: h1 on port 1, x on 2, y on 3. A copy of h1's frame comes in on 3 (one end of a
  // loop) and moves h1 there; then x's broadcast comes round on port 2 and holds that port.
  const s = setup({ switches: { 1: 3 }, links: [], hosts: { h1: [1n, 1], x: [1n, 2], y: [1n, 3] }, options: { hostMoveLimit: 1, lldpIntervalMs: 1_000 } });
  s.advance(2_000);
  s.arp('h1');
  s.net.send('y', arpRequestFrame({ sha: H1, spa: '10.0.0.1', tpa: '10.0.0.250' }));
  t.match(s.topo.host(H1), { port: 3 }, 'the copy moved h1 (its one move)');
  const frame = arpRequestFrame({ sha: '0a:00:00:00:00:02', spa: '10.0.0.2', tpa: '10.0.0.251' });
  for (let i = 0; i < REPEAT_LIMIT; i++) s.net.send('x', frame);
  t.equal(s.topo.counters().loopHolds, 1);
  t.equal(s.topo.host(H1), undefined, 'h1, moved while the storm ran, forgotten');
  s.arp('h1');
  t.match(s.topo.host(H1), { port: 1 }, 'found at its own port by its next frame, past the move limit');
});

t.test('a hold that ends while the loop is still there is taken again, twice as long', async (t) => {
  const s = hiddenLoop();
  s.arp('h1');
  s.arp('h1');
  t.equal(s.topo.counters().loopHolds, 1);
  s.advance(18_000); // past the first hold (17 s: the link timeout)
  for (let i = 0; i < 4 && s.topo.counters().loopHolds < 2; i++) s.arp(`h${i + 1}`);
  t.equal(s.net.stormed, false, 'no storm when the hold lapses');
  t.equal(s.topo.counters().loopHolds, 2, 'held again');
  const holds = s.lines.filter((l) => l.msg === HOLD_MSG);
  t.equal(holds.at(-1)!.holdMs, 34_000, 'for twice as long');
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

/** One switch, h1 on port 1 and x on port 2; `frame` is one broadcast of x's, sent as often as asked. */
function oneSwitch() {
  const s = setup({ switches: { 1: 3 }, links: [], hosts: { h1: [1n, 1], x: [1n, 2] }, options: { lldpIntervalMs: 1_000 } });
  s.advance(5_000);
  s.arp('h1');
  s.arp('x');
  const frame = arpRequestFrame({ sha: '0a:00:00:00:00:02', spa: '10.0.0.2', tpa: '10.0.0.251' }); // not what s.arp() sends
  return { ...s, frame };
}

t.test('the same broadcast arriving REPEAT_LIMIT times on a port holds it; hosts there are forgotten', async (t) => {
  const s = oneSwitch();
  t.match(s.topo.host('0a:00:00:00:00:02'), { port: 2 });
  for (let i = 1; i < REPEAT_LIMIT; i++) s.net.send('x', s.frame);
  t.equal(s.topo.counters().loopHolds, 0, `${REPEAT_LIMIT - 1} arrivals: not yet`);
  s.net.send('x', s.frame);
  t.equal(s.topo.counters().loopHolds, 1, `the ${REPEAT_LIMIT}th: held`);
  t.equal(s.topo.host('0a:00:00:00:00:02'), undefined, 'x, recorded on the held port, forgotten');
  t.ok(s.events.some((e) => e.type === 'hostRemoved' && e.host.mac === '0a:00:00:00:00:02' && e.wrongPlace === true), 'hostRemoved, marked wrongPlace');
  t.match(s.lines.find((l) => l.msg === HOLD_MSG), { dpid: dp(1), port: 2, mac: '0a:00:00:00:00:02', holdMs: 5_000 });
  const ignored = s.topo.counters().hostsIgnored;
  s.arp('x');
  t.equal(s.topo.host('0a:00:00:00:00:02'), undefined, 'not learned on the held port');
  t.equal(s.topo.counters().hostsIgnored, ignored + 1);
  t.equal(s.topo.admitsHost('0a:00:00:00:00:02', dp(1), 2), false, 'forwarding apps are told');
  t.same([...s.topo.floodPorts(dp(1), OFPP.CONTROLLER)], [1, 3], 'not flooded to');
  t.same([...s.topo.floodPorts(dp(1), 2)], [], 'what arrives there is not flooded');
  s.advance(5_000);
  s.arp('x');
  t.match(s.topo.host('0a:00:00:00:00:02'), { port: 2 }, 'learned again once the hold is over');
  t.same([...s.topo.floodPorts(dp(1), 2)], [1, 3]);
});

t.test('what hosts repeat does not hold a port: ARP retries, a burst of gratuitous ARPs, distinct frames', async (t) => {
  const s = oneSwitch();
  for (let i = 0; i < 20; i++) {
    s.net.send('x', s.frame); // an ARP retry every second
    s.advance(1_000);
  }
  for (let i = 0; i < 5; i++) s.net.send('x', s.frame); // keepalived's five gratuitous ARPs at once
  s.advance(REPEAT_WINDOW_MS + 1);
  for (let i = 0; i < 500; i++) s.net.send('x', arpRequestFrame({ sha: '0a:00:00:00:00:02', spa: '10.0.0.2', tpa: `10.0.${i >> 8}.${i & 255}` })); // a scan
  t.equal(s.topo.counters().loopHolds, 0);
  t.match(s.topo.host('0a:00:00:00:00:02'), { port: 2 });
  t.equal(s.topo.switchState(dp(1))!.ports.get(2)!.loopHoldUntil, -Infinity);
});

t.test('with loopHoldMs 0 nothing is held', async (t) => {
  const s = setup({ switches: { 1: 3 }, links: [], hosts: { x: [1n, 2] }, options: { loopHoldMs: 0 } });
  s.advance(8_000);
  const frame = arpRequestFrame({ sha: '0a:00:00:00:00:01', spa: '10.0.0.1', tpa: '10.0.0.250' });
  for (let i = 0; i < 3 * REPEAT_LIMIT; i++) s.net.send('x', frame);
  t.equal(s.topo.counters().loopHolds, 0);
  t.same([...s.topo.floodPorts(dp(1), 2)], [1, 3]);
});

t.test('the hold is counted in the app stats', async (t) => {
  const s = hiddenLoop();
  s.arp('h1');
  t.match(s.topoApp.stats!(), { loopHolds: 1 });
});

t.test('a port tracks a bounded number of frames, and a looping one among many distinct ones still trips', async (t) => {
  const c = new RepeatCounter();
  for (let i = 0; i < 10_000; i++) c.note(i, 0);
  t.equal(c.size, MAX_TRACKED, `10,000 distinct frames: ${MAX_TRACKED} kept`);
  const looping = 0xdead;
  let tripped = -1;
  for (let round = 0; round < REPEAT_LIMIT && tripped < 0; round++) {
    for (let i = 0; i < MAX_TRACKED / 2; i++) c.note(100_000 + round * 100 + i, 10 + round); // other frames in between
    if (c.note(looping, 10 + round)) tripped = round;
  }
  t.equal(tripped, REPEAT_LIMIT - 1, 'the looping frame reached the limit on its 8th arrival');
  t.equal(c.note(looping, 10 + REPEAT_WINDOW_MS + 100), false, 'a new window starts the count again');
});

t.test('the fingerprint covers the length and the first 256 bytes', async (t) => {
  const a = new Uint8Array(300).fill(7);
  const b = Uint8Array.from(a);
  b[299] = 8;
  t.equal(fingerprint(a), fingerprint(b), 'bytes past 256 do not count');
  b[10] = 8;
  t.not(fingerprint(a), fingerprint(b));
  t.not(fingerprint(a), fingerprint(a.subarray(0, 299)), 'the length counts');
});
