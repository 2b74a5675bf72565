import t from 'tap';
import { decode, encode, Framer, OFP_NO_BUFFER } from '../../protocol/index.js';
import type { PacketIn } from '../../protocol/index.js';

/**
 * The Framer hands out plain Uint8Array views made from the chunk's ArrayBuffer, and notes them
 * so decode makes a PACKET_IN's frame with `new Uint8Array(ab, ...)` (protocol/wire/reader.ts
 * noteView). Both must land on the right bytes whatever the chunk's byteOffset, also when a
 * message spans two chunks (the framer then joins them into a fresh array).
 */
const frame = Uint8Array.from({ length: 42 }, (_, i) => (i * 7 + 3) & 0xff);
const packetIn = encode({
  type: 'packetIn',
  xid: 0x1234,
  bufferId: OFP_NO_BUFFER,
  totalLen: 1500,
  reason: 1,
  tableId: 3,
  cookie: 0x55n,
  match: [{ field: 'in_port', value: 9 }],
  data: frame,
});

function collect(chunks: Uint8Array[]): Uint8Array[] {
  const f = new Framer();
  const out: Uint8Array[] = [];
  for (const c of chunks) f.push(c, (m) => out.push(m));
  return out;
}

t.test('views of a chunk at a non-zero byteOffset, decoded inside and after the callback', async (t) => {
  // Two messages behind 5 bytes of unrelated data in one ArrayBuffer.
  const ab = new ArrayBuffer(5 + 2 * packetIn.length + 3);
  const all = new Uint8Array(ab);
  all.fill(0xee);
  all.set(packetIn, 5);
  all.set(packetIn, 5 + packetIn.length);
  const chunk = Buffer.from(ab, 5, 2 * packetIn.length);
  const inside: PacketIn[] = [];
  const f = new Framer();
  const views: Uint8Array[] = [];
  f.push(chunk, (m) => {
    views.push(m);
    inside.push(decode(m) as PacketIn);
  });
  t.equal(views.length, 2);
  for (const [i, v] of views.entries()) {
    t.equal(Object.getPrototypeOf(v), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer');
    t.equal(v.buffer, ab, 'a view, not a copy');
    t.equal(v.byteOffset, 5 + i * packetIn.length);
    t.same(Array.from(v), Array.from(packetIn));
  }
  for (const m of [...inside, ...views.map((v) => decode(v) as PacketIn)]) {
    t.equal(m.xid, 0x1234);
    t.same(m.match, [{ field: 'in_port', value: 9 }]);
    t.equal(Object.getPrototypeOf(m.data), Uint8Array.prototype);
    t.equal(m.data.buffer, ab, 'the frame is a view of the received bytes');
    t.same(Array.from(m.data), Array.from(frame));
  }
  t.equal(inside[1]!.data.byteOffset, 5 + packetIn.length + packetIn.length - frame.length);
});

t.test('a message split across chunks is joined and decodes the same', async (t) => {
  const buf = Buffer.from(packetIn);
  for (const cut of [1, 7, 8, 30, packetIn.length - 1]) {
    const got = collect([buf.subarray(0, cut), buf.subarray(cut)]);
    t.equal(got.length, 1, `cut at ${cut}`);
    const m = decode(got[0]!) as PacketIn;
    t.same(Array.from(m.data), Array.from(frame), `cut at ${cut}`);
    t.equal(m.cookie, 0x55n);
  }
});

t.test('a view that was not noted (a Buffer) still decodes to the right frame', async (t) => {
  const ab = new ArrayBuffer(packetIn.length + 11);
  new Uint8Array(ab).set(packetIn, 11);
  const m = decode(Buffer.from(ab, 11, packetIn.length)) as PacketIn;
  t.equal(m.data.byteOffset, 11 + packetIn.length - frame.length);
  t.same(Array.from(m.data), Array.from(frame));
});
