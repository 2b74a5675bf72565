/** protocol/wire/tlv.ts: the checks and entry framing the TLV codecs share. */
import t from 'tap';
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { checkBytes, checkUint, closeEntry, within } from '../../protocol/wire/tlv.js';

class Failed extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}
const fail = (detail: string, code?: number): never => {
  throw new Failed(detail, code);
};

t.test('checkUint and checkBytes fail through the caller with its code', async (t) => {
  t.doesNotThrow(() => checkUint('weight', 0xffff, 0xffff, fail));
  const bad: [unknown, string][] = [[0x10000, '65536'], [-1, '-1'], [1.5, '1.5'], ['3', '"3"'], [3n, '3n'], [undefined, 'undefined']];
  for (const [v, text] of bad) {
    t.throws(() => checkUint('bucket weight', v, 0xffff, fail, 12), { message: `bucket weight ${text} is not an integer in 0..65535`, code: 12 });
  }
  const b = new Uint8Array(2);
  t.equal(checkBytes('data', b, fail), b);
  t.throws(() => checkBytes('meter band data', [1, 2], fail, 9), { message: 'meter band data must be a Uint8Array', code: 9 });
});

t.test('closeEntry pads, writes the length where asked and refuses more than 65535 bytes', async (t) => {
  const w = new Writer(64);
  w.u16(7);
  w.u16(0);
  w.bytes(new Uint8Array([1, 2, 3]));
  closeEntry(w, 0, 2, 8, 'thing', fail);
  t.same([...w.finish()], [0, 7, 0, 8, 1, 2, 3, 0], 'padded to 8, length 8 at offset 2');
  const w2 = new Writer(16);
  w2.u16(0);
  w2.bytes(new Uint8Array(3));
  closeEntry(w2, 0, 0, 1, 'bucket', fail);
  t.same([...w2.finish()], [0, 5, 0, 0, 0], 'no padding with align 1, length at offset 0');
  const big = new Writer(70000);
  big.u32(0);
  big.bytes(new Uint8Array(65536));
  // 65540 bytes, padded to 65544 first.
  t.throws(() => closeEntry(big, 0, 2, 8, 'queue property', fail, 4), { message: 'queue property of 65544 bytes exceeds 65535', code: 4 });
});

t.test('within narrows the window and restores it, also when decoding throws', async (t) => {
  const r = new Reader(new Uint8Array([0, 1, 0, 2, 0, 3]), 0, 6);
  t.same(within(r, 4, (x) => [x.u16(), x.u16(), x.end]), [1, 2, 4]);
  t.equal(r.end, 6);
  r.pos = 4;
  t.throws(() => within(r, 5, (x) => x.u16()));
  t.equal(r.end, 6, 'the outer end is back after a throw');
});
