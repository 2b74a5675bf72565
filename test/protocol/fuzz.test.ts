import t from 'tap';
import { decode, Framer, OfCodecError } from '../../protocol/index.js';
import { loadFixtures } from '../support/fixtures.js';
import { Prng } from '../support/prng.js';

/**
 * Seeded fuzzing of the decoder and the framer. Every case must terminate and either return a
 * message or throw OfCodecError. decode() turns any other exception into an OfCodecError whose
 * text starts "malformed message:" (see codec.ts); such a wrap means a codec hit a TypeError or
 * RangeError, i.e. a bug hidden behind the right class, so it fails here too.
 * Reproduce a failure with its seed and case number (printed in the message).
 */
const SEED = Number(process.env.WEFT_FUZZ_SEED ?? 0x0f1e2d3c);
const RANDOM_CASES = Number(process.env.WEFT_FUZZ_RANDOM ?? 20000);
const MUTATED_CASES = Number(process.env.WEFT_FUZZ_MUTATED ?? 25000);
const FRAMER_CASES = Number(process.env.WEFT_FUZZ_FRAMER ?? 2000);

interface Outcome {
  ok: number;
  codecErrors: number;
  bad: string[];
}

function tryDecode(buf: Uint8Array, label: string, out: Outcome): void {
  try {
    const m = decode(buf);
    if (!m || typeof m.type !== 'string') out.bad.push(`${label}: returned ${String(m)}`);
    else out.ok++;
  } catch (e) {
    if (!(e instanceof OfCodecError)) out.bad.push(`${label}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    else if (e.message.includes('malformed message:')) out.bad.push(`${label}: internal error wrapped: ${e.message}`);
    else out.codecErrors++;
  }
}

interface Asserts {
  equal(found: unknown, wanted: unknown, msg?: string): unknown;
  strictSame(found: unknown, wanted: unknown, msg?: string): unknown;
  comment(...args: unknown[]): unknown;
}

function report(t: Asserts, what: string, o: Outcome, total: number): void {
  t.equal(o.ok + o.codecErrors + o.bad.length, total, `${what}: every case finished`);
  t.strictSame(o.bad.slice(0, 20), [], `${what}: ${o.bad.length} cases neither returned nor threw a plain OfCodecError`);
  t.comment(`${what}: ${o.ok} decoded, ${o.codecErrors} refused with OfCodecError, ${o.bad.length} bad`);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('random bodies behind a valid-ish header', async (t) => {
  const rng = new Prng(SEED);
  const o: Outcome = { ok: 0, codecErrors: 0, bad: [] };
  for (let i = 0; i < RANDOM_CASES; i++) {
    const len = rng.chance(0.5) ? rng.int(8, 64) : rng.int(8, 600);
    const b = rng.bytes(len);
    b[0] = rng.chance(0.95) ? 4 : rng.int(0, 6);
    b[1] = rng.chance(0.9) ? rng.int(0, 29) : rng.int(0, 255);
    // Mostly a true length; sometimes a lie, which decode must refuse.
    const hdrLen = rng.chance(0.9) ? len : rng.int(0, 0xffff);
    b[2] = hdrLen >> 8;
    b[3] = hdrLen & 0xff;
    // Multipart: a real multipart type makes the body codecs run.
    if ((b[1] === 18 || b[1] === 19) && len >= 10 && rng.chance(0.9)) {
      b[8] = rng.chance(0.95) ? 0 : 0xff;
      b[9] = rng.int(0, 14);
    }
    tryDecode(b, `seed ${SEED} random case ${i} (${len > 80 ? `${len} bytes` : hex(b)})`, o);
  }
  report(t as unknown as Asserts, 'random', o, RANDOM_CASES);
});

t.test('mutated fixtures', async (t) => {
  const fixtures = loadFixtures();
  const small = fixtures.filter((f) => f.bytes.length < 4096);
  const large = fixtures.filter((f) => f.bytes.length >= 4096);
  const rng = new Prng(SEED ^ 0x9e3779b9);
  const o: Outcome = { ok: 0, codecErrors: 0, bad: [] };
  const setLen = (b: Uint8Array) => {
    if (b.length >= 4) {
      b[2] = (b.length >> 8) & 0xff;
      b[3] = b.length & 0xff;
    }
  };
  for (let i = 0; i < MUTATED_CASES; i++) {
    const fx = rng.chance(0.01) ? rng.pick(large) : rng.pick(small);
    let b: Uint8Array = Uint8Array.from(fx.bytes);
    const kind = rng.int(0, 5);
    let what = '';
    if (kind === 0) {
      const n = rng.int(1, 8);
      for (let k = 0; k < n; k++) {
        const at = rng.int(0, b.length - 1);
        b[at]! ^= 1 << rng.int(0, 7);
      }
      what = `${n} bit flips`;
    } else if (kind === 1) {
      const cut = rng.int(0, b.length - 1);
      b = b.slice(0, cut);
      if (rng.chance(0.7)) setLen(b);
      what = `truncated to ${cut}`;
    } else if (kind === 2) {
      // A nested length field lies: overwrite a 16-bit word past the header with a nearby or wild value.
      if (b.length > 10) {
        const at = 8 + 2 * rng.int(0, (b.length - 10) >> 1);
        const old = (b[at]! << 8) | b[at + 1]!;
        const v = rng.chance(0.5) ? (old + rng.int(-16, 16)) & 0xffff : rng.pick([0, 1, 4, 7, 8, 0xfff8, 0xffff, rng.int(0, 0xffff)]);
        b[at] = v >> 8;
        b[at + 1] = v & 0xff;
        what = `u16 at ${at} ${old} -> ${v}`;
      }
    } else if (kind === 3) {
      const at = rng.int(8, b.length);
      const ins = rng.bytes(rng.chance(0.5) ? rng.int(1, 8) : 8 * rng.int(1, 4));
      b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
      setLen(b);
      what = `${ins.length} bytes inserted at ${at}`;
    } else if (kind === 4) {
      const v = rng.int(0, 0xffff);
      b[2] = v >> 8;
      b[3] = v & 0xff;
      what = `header length -> ${v}`;
    } else {
      // Random bytes over a random span (a garbled TLV).
      const at = rng.int(8, Math.max(8, b.length - 1));
      const n = Math.min(rng.int(1, 12), b.length - at);
      b.set(rng.bytes(n), at);
      what = `${n} random bytes at ${at}`;
    }
    tryDecode(b, `seed ${SEED} mutated case ${i} (${fx.name}, ${what})`, o);
  }
  report(t as unknown as Asserts, 'mutated', o, MUTATED_CASES);
});

t.test('framer on random streams', async (t) => {
  const rng = new Prng(SEED + 7);
  const fixtures = loadFixtures().filter((f) => f.bytes.length < 4096);
  const bad: string[] = [];
  let messages = 0;
  for (let i = 0; i < FRAMER_CASES; i++) {
    // Fixtures with garbage in between, so the framer hits valid and invalid lengths alike.
    const parts: Uint8Array[] = [];
    for (let k = rng.int(1, 8); k > 0; k--) parts.push(rng.chance(0.7) ? rng.pick(fixtures).bytes : rng.bytes(rng.int(1, 40)));
    const stream = Buffer.concat(parts);
    const f = new Framer(rng.chance(0.5) ? 0xffff : rng.int(8, 2048));
    let pos = 0;
    try {
      while (pos < stream.length) {
        const n = Math.min(stream.length - pos, rng.int(1, 300));
        f.push(stream.subarray(pos, pos + n), (m) => {
          const len = (m[2]! << 8) | m[3]!;
          if (len !== m.length || len < 8 || len > f.maxLength) bad.push(`case ${i}: emitted ${m.length} bytes with header length ${len}`);
          messages++;
        });
        pos += n;
      }
    } catch (e) {
      if (!(e instanceof OfCodecError)) bad.push(`case ${i}: threw ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  t.strictSame(bad.slice(0, 20), [], `framer: ${bad.length} bad cases`);
  t.comment(`framer: ${FRAMER_CASES} streams, ${messages} messages emitted`);
});
