import t from 'tap';
import { Framer } from '../../protocol/index.js';
import { loadFixtures } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';

/**
 * The Framer fed the captured fixtures as one TCP stream, split into chunks every way we can
 * afford, must give back exactly the fixtures, in order. Messages under 4 KB (77 of them, ~7.7 KB)
 * are split at every byte offset of their concatenation; every split through a large reply
 * (table stats, table features) costs a copy of the whole reply, so those are split at every
 * offset of their first and last 64 bytes and at a stride of 61 in between, with small messages
 * around them.
 */
const fixtures = loadFixtures();
const hexes = (bufs: Uint8Array[]) => bufs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));

function feed(stream: Buffer, cuts: number[]): string[] {
  const f = new Framer();
  const got: string[] = [];
  let prev = 0;
  for (const c of [...cuts, stream.length]) {
    f.push(stream.subarray(prev, c), (m) => got.push(Buffer.from(m).toString('hex')));
    prev = c;
  }
  if (f.pending !== 0) got.push(`${f.pending} bytes left pending`);
  return got;
}

t.test('small fixtures: split at every byte offset, two pushes', async (t) => {
  const small = fixtures.filter((f) => f.bytes.length < 4096);
  const stream = Buffer.concat(small.map((f) => f.bytes));
  const want = small.map((f) => f.hex);
  let bad = 0;
  for (let i = 0; i <= stream.length; i++) {
    const got = feed(stream, [i]);
    if (got.length !== want.length || got.some((g, k) => g !== want[k])) {
      if (bad++ < 5) t.strictSame(got, want, `split at ${i}`);
    }
  }
  t.equal(bad, 0, `all ${stream.length + 1} split points give the same ${want.length} messages`);
});

t.test('large fixtures: split around and through them', async (t) => {
  const large = fixtures.filter((f) => f.bytes.length >= 4096);
  t.ok(large.length >= 3, 'table stats and table features replies are large');
  const before = fixtures.find((f) => f.name === 'hello')!;
  const after = fixtures.find((f) => f.name === 'echo-reply')!;
  for (const fx of large) {
    const stream = Buffer.concat([before.bytes, fx.bytes, after.bytes]);
    const want = [before.hex, fx.hex, after.hex];
    const start = before.bytes.length;
    const end = start + fx.bytes.length;
    const cuts = new Set<number>();
    for (let i = 0; i <= start + 64; i++) cuts.add(i);
    for (let i = end - 64; i <= stream.length; i++) cuts.add(i);
    for (let i = start; i < end; i += 61) cuts.add(i);
    let bad = 0;
    for (const c of cuts) if (feed(stream, [c]).join() !== want.join()) bad++;
    t.equal(bad, 0, `${fx.name}: ${cuts.size} split points`);
  }
});

t.test('all fixtures: random chunkings (seeded)', async (t) => {
  const rng = new Prng(0x5eed_f00d);
  const stream = Buffer.concat(fixtures.map((f) => f.bytes));
  const want = fixtures.map((f) => f.hex);
  for (let round = 0; round < 60; round++) {
    const cuts: number[] = [];
    // Chunk sizes from 1 byte to ~8 KB, like TCP reads, with many tiny ones mixed in.
    for (let pos = 0; ; ) {
      pos += rng.chance(0.3) ? rng.int(1, 16) : rng.int(1, 8192);
      if (pos >= stream.length) break;
      cuts.push(pos);
    }
    const got = feed(stream, cuts);
    if (got.join() !== want.join()) t.fail(`round ${round}: ${cuts.length} chunks gave ${got.length} messages`);
  }
  t.pass('60 random chunkings of the whole stream give the fixtures in order');
});

t.test('each message is a view that decodes in place', async (t) => {
  const stream = Buffer.concat(fixtures.map((f) => f.bytes));
  const got: Uint8Array[] = [];
  new Framer().push(stream, (m) => got.push(m.slice()));
  t.strictSame(hexes(got), fixtures.map((f) => f.hex));
});
