import t from 'tap';
import { decode, encode, Framer, OfCodecError } from '../../protocol/index.js';

t.test('hello with a version bitmap round-trips', async (t) => {
  const bytes = Buffer.from('04000010000000010001000800000010', 'hex');
  const msg = decode(bytes);
  t.same(msg, { type: 'hello', xid: 1, version: 4, elements: [{ type: 'versionBitmap', bitmaps: [0x10] }] });
  t.equal(encode(msg).toString('hex'), bytes.toString('hex'));
});

t.test('decode respects the byteOffset of a view', async (t) => {
  const big = Buffer.from('ffffff' + '0402000c0000002a61626364' + 'ee', 'hex');
  const view = new Uint8Array(big.buffer, big.byteOffset + 3, 12);
  const msg = decode(view);
  t.equal(msg.type, 'echoRequest');
  t.equal(msg.xid, 42);
  t.equal(Buffer.from((msg as { data: Uint8Array }).data).toString(), 'abcd');
});

t.test('bad headers throw the codec error with type and code', async (t) => {
  t.throws(() => decode(Buffer.from('0400', 'hex')), OfCodecError);
  const err = (() => {
    try {
      decode(Buffer.from('04ff000800000000', 'hex'));
    } catch (e) {
      return e as OfCodecError;
    }
  })();
  t.ok(err instanceof OfCodecError);
  t.equal(err?.errType, 1);
  t.equal(err?.code, 1);
  t.match(err?.message, /OFPET_BAD_REQUEST\/OFPBRC_BAD_TYPE/);
});

t.test('framer yields whole messages across splits', async (t) => {
  const a = encode({ type: 'echoRequest', xid: 7, data: new Uint8Array([1, 2, 3]) });
  const b = encode({ type: 'barrierRequest', xid: 8 });
  const all = Buffer.concat([a, b]);
  for (let i = 0; i <= all.length; i++) {
    const f = new Framer();
    const got: string[] = [];
    f.push(all.subarray(0, i), (m) => got.push(Buffer.from(m).toString('hex')));
    f.push(all.subarray(i), (m) => got.push(Buffer.from(m).toString('hex')));
    t.same(got, [a.toString('hex'), b.toString('hex')], `split at ${i}`);
  }
  t.throws(() => new Framer().push(Buffer.from('0400000400000000', 'hex'), () => {}), OfCodecError);
});
