/**
 * The slow-link check against weft's own LLDP delay (apps/topology/lldp-delay.ts): when weft is
 * loaded, every frame is late, and a fixed 1 s limit refused real cables. The limit is
 * lldpMaxDelayMs plus lldpDelayBaselineFactor times the median recent delay per source port.
 */
import t from 'tap';
import { LldpDelayBaseline } from '../../../apps/topology/lldp-delay.js';
import { parseOptions } from '../../../apps/topology/options.js';
import { Topology } from '../../../apps/topology/topology.js';
import { makePort } from '../../support/fake-switch.js';

/** Switches 1..n, ports 1..4 each, and a clock the test moves. */
function topo(n: number, options: Record<string, unknown> = {}) {
  let now = 100_000;
  const topology = new Topology(parseOptions({ linkEdgeHoldMs: 0, ...options }), () => now);
  for (let d = 1; d <= n; d++) topology.switchUp(`000000000000000${d}`, [1, 2, 3, 4].map((p) => makePort(p, `s${d}-p${p}`)), now);
  const dp = (d: number) => `000000000000000${d}`;
  /** A frame sent out of a:pa `delay` ms ago arrives on b:pb now. */
  const seen = (a: number, pa: number, b: number, pb: number, delay: number) => topology.linkSeen({ dpid: dp(a), port: pa }, { dpid: dp(b), port: pb }, now, now - delay);
  return { topology, seen, tick: (ms: number) => (now += ms) };
}

t.test('an unloaded weft: a new link slower than lldpMaxDelayMs is refused (as before)', async (t) => {
  const { topology, seen } = topo(3);
  t.equal(seen(1, 1, 2, 1, 5), false, 'a cable, 5 ms');
  t.equal(seen(2, 1, 1, 1, 4), true, 'and back');
  t.equal(seen(2, 2, 3, 2, 6), false);
  t.equal(seen(1, 3, 3, 3, 1_200), 'slow', 'a relay taking 1.2 s');
  t.equal(topology.counters().lldpRefused.slow, 1);
  t.equal(topology.links().length, 3);
});

t.test('a loaded weft: every frame is 1.5-2.5 s late, real cables are still found; a relay far above that is refused', async (t) => {
  const { topology, seen, tick } = topo(4);
  // The first frames of an overloaded start: the very first one meets no reference yet.
  t.equal(seen(1, 1, 2, 1, 1_800), 'slow', 'no reference yet: the fixed limit');
  const late = [1_500, 2_100, 1_900, 2_400, 1_700, 2_500];
  const cables: [number, number, number, number][] = [[1, 1, 2, 1], [2, 1, 1, 1], [2, 2, 3, 2], [3, 2, 2, 2], [3, 3, 4, 3], [4, 3, 3, 3]];
  cables.forEach((c, i) => {
    tick(10);
    t.not(seen(...c, late[i]!), 'slow', `cable ${c.join(':')} at ${late[i]} ms is learned`);
  });
  t.equal(topology.links().length, 6, 'every cable, both ways');
  // A relay of weft's LLDP between two hosts, far slower than what weft sees now.
  t.equal(seen(1, 4, 4, 4, 9_000), 'slow', 'a relay at 9 s is refused');
  // Replaying it many times moves only its own source's entry: the reference does not rise.
  for (let i = 0; i < 50; i++) seen(1, 4, 4, 4, 9_000 + i);
  t.equal(seen(1, 4, 4, 4, 9_100), 'slow');
  t.equal(topology.links().length, 6);
});

t.test('lldpDelayBaselineFactor 0 keeps the fixed limit', async (t) => {
  const { seen } = topo(3, { lldpDelayBaselineFactor: 0 });
  t.equal(seen(1, 1, 2, 1, 10), false);
  for (let i = 0; i < 5; i++) seen(1, 1, 2, 1, 1_500); // a known link, late
  t.equal(seen(2, 2, 3, 2, 1_500), 'slow');
});

t.test('LldpDelayBaseline: median per source, bounded', async (t) => {
  const b = new LldpDelayBaseline();
  t.equal(b.median(), 0);
  t.equal(b.limit(1_000, 3), 1_000);
  t.equal(b.limit(0, 3), Infinity, '0: no check');
  b.note('a', 10);
  b.note('b', 30);
  b.note('c', 20);
  t.equal(b.median(), 20);
  b.note('a', 5_000);
  b.note('a', 6_000);
  t.equal(b.median(), 30, 'one source counts once, with its latest delay');
  b.note('d', -5);
  t.equal(b.median(), 25, 'negative delays (clock steps) count as 0');
  for (let i = 0; i < 3_000; i++) b.note(`x${i}`, 1);
  t.equal(b.size, 1024, 'oldest sources dropped');
  t.equal(b.median(), 1);
});
