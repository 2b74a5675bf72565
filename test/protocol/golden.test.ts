import t from 'tap';
import { decode, encode, OfCodecError } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import { expected, type ExpectedError } from '../fixtures/openflow/expected.js';
import { largeChecks, type Asserts } from '../fixtures/openflow/expected-large.js';
import { comparable, loadFixtures } from '../support/fixtures.js';

/**
 * Golden fixtures: real bytes captured from Open vSwitch 3.1 (tools/capture-fixtures.ts), each
 * checked three ways against an expectation written by hand (test/fixtures/openflow/expected.ts):
 * decode(bytes) equals it, encode(decode(bytes)) equals the bytes, and encode(expected), which
 * carries no lengths or padding, equals the bytes.
 */
const fixtures = loadFixtures();

t.test('every fixture has an expectation and every expectation a fixture', async (t) => {
  const names = new Set(fixtures.map((f) => f.name));
  const covered = new Set([...Object.keys(expected), ...Object.keys(largeChecks)]);
  t.strictSame([...names].filter((n) => !covered.has(n)), [], 'fixtures without an expectation');
  t.strictSame([...covered].filter((n) => !names.has(n)), [], 'expectations without a fixture');
  t.ok(fixtures.length >= 70, `${fixtures.length} fixtures`);
});

for (const fx of fixtures) {
  t.test(fx.name, async (t) => {
    const want = expected[fx.name];
    if (want && 'decodeError' in want) {
      const e = (want as ExpectedError).decodeError;
      let err: unknown;
      try {
        decode(fx.bytes);
      } catch (x) {
        err = x;
      }
      t.ok(err instanceof OfCodecError, `refused with OfCodecError (got ${String(err)})`);
      t.strictSame([(err as OfCodecError)?.errType, (err as OfCodecError)?.code], [e.errType, e.code], 'error type and code');
      return;
    }
    let msg: OfMessage;
    try {
      msg = decode(fx.bytes);
    } catch (err) {
      t.fail(`decode threw: ${(err as Error).message}`);
      return;
    }
    if (want) t.strictSame(comparable(msg), comparable(want), 'decode equals the hand-written expectation');
    else largeChecks[fx.name]!(t as unknown as Asserts, msg, fx.bytes);
    const again = tryEncode(msg);
    t.equal(again, fx.hex, 'encode(decode(bytes)) equals the bytes');
    if (want) t.equal(tryEncode(want as OfMessage), fx.hex, 'encode(expected) equals the bytes');
  });
}

function tryEncode(m: OfMessage): string {
  try {
    return encode(m).toString('hex');
  } catch (e) {
    return `encode threw: ${(e as Error).message}`;
  }
}
