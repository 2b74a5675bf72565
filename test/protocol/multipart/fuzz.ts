import { decode, OfCodecError } from '../../../protocol/index.js';

interface Assert {
  ok(v: unknown, msg: string): unknown;
}

/**
 * Seeded mutation fuzzing of one valid message: flip 1-3 bytes (never the 8-byte header, whose
 * checks are not ours) or cut the body short, then decode. Every variant must return or throw
 * OfCodecError, and terminate. One assertion per run, naming the first variant that misbehaved.
 */
export function fuzzMessage(t: Assert, bytes: Uint8Array, seed: number, runs = 1000): void {
  let s = seed >>> 0;
  const rand = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  let bad: string | undefined;
  for (let i = 0; i < runs && !bad; i++) {
    let m = Uint8Array.from(bytes);
    if (rand(4) === 0) {
      const len = 8 + rand(m.length - 8);
      m = m.subarray(0, len);
      new DataView(m.buffer).setUint16(2, len);
    } else {
      for (let k = 1 + rand(3); k > 0; k--) m[8 + rand(m.length - 8)] = rand(256);
    }
    try {
      decode(m);
    } catch (e) {
      if (!(e instanceof OfCodecError)) bad = `${Buffer.from(m).toString('hex')}: ${(e as Error).name} ${(e as Error).message}`;
    }
  }
  t.ok(bad === undefined, bad ?? `${runs} mutations decoded or threw OfCodecError`);
}
