import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import t from 'tap';
import { cut, FairReader, PAUSE_ABOVE_BYTES, SLICE_BYTES } from '../../src/openflow/fair-reader.js';

/** n OpenFlow-shaped messages of `len` bytes each, numbered in their xid. */
function messages(n: number, len: number, first = 0): Buffer {
  const b = Buffer.alloc(n * len);
  for (let i = 0; i < n; i++) {
    b[i * len] = 4;
    b[i * len + 1] = 10;
    b.writeUInt16BE(len, i * len + 2);
    b.writeUInt32BE(first + i, i * len + 4);
  }
  return b;
}

class FakeSocket extends EventEmitter {
  paused = false;
  pauses = 0;
  pause(): this {
    this.paused = true;
    this.pauses++;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
}

const turn = () => new Promise((r) => setImmediate(r));

t.test('cut stops at the last whole message within the budget', async (t) => {
  const b = messages(10, 100);
  t.equal(cut(b, 350), 300);
  t.equal(cut(b, 100), 100);
  t.equal(cut(b, 2000), 1000, 'never past the buffer');
  t.equal(cut(b, 60), 60, 'no whole message fits: cut at the budget');
  const odd = Buffer.concat([Buffer.alloc(30, 0xff), b]);
  t.ok(cut(odd, 350) > 0 && cut(odd, 350) <= 350, 'garbage lengths still give a cut within the budget');
});

t.test('small chunks are consumed at once; a big one a slice per turn, socket paused meanwhile', async (t) => {
  const sock = new FakeSocket();
  const got: Buffer[] = [];
  let dead = false;
  const r = new FairReader(sock as unknown as Socket, (b) => void got.push(Buffer.from(b)), () => dead, undefined, 0);
  r.push(messages(3, 100));
  t.equal(got.length, 1, 'a small chunk goes straight through');
  await turn();
  const big = messages(200, 110, 1000); // 22000 bytes
  r.push(big);
  t.ok(sock.paused, 'paused while a backlog waits');
  t.ok(got[1]!.length <= SLICE_BYTES && got[1]!.length % 110 === 0, `first slice ${got[1]!.length} bytes, whole messages`);
  const slicesBefore = got.length;
  r.push(messages(1, 110, 5000)); // arrives while behind: queued behind the backlog
  t.equal(got.length, slicesBefore, 'nothing consumed out of order');
  for (let i = 0; i < 20 && r.backlogBytes > 0; i++) await turn();
  t.equal(r.backlogBytes, 0);
  t.notOk(sock.paused, 'resumed once caught up');
  const all = Buffer.concat(got.slice(1));
  t.same(all, Buffer.concat([big, messages(1, 110, 5000)]), 'every byte, in order');
  t.ok(got.slice(1).every((b) => b.length <= SLICE_BYTES), 'no turn took more than a slice');
  t.ok(got.length - 1 >= Math.ceil((22000 + 110) / SLICE_BYTES), 'spread over several turns');

  // Closing drops the backlog.
  r.push(messages(200, 110));
  dead = true;
  const n = got.length;
  await turn();
  t.equal(got.length, n, 'nothing consumed after the connection died');
});

t.test('many small chunks arriving in one turn share one slice; the drain takes the rest in slices', async (t) => {
  const sock = new FakeSocket();
  let consumed = 0;
  const calls: number[] = [];
  const r = new FairReader(sock as unknown as Socket, (b) => void (consumed += b.length, calls.push(b.length)), () => false, undefined, 0);
  for (let i = 0; i < 20; i++) r.push(messages(10, 100, i * 10)); // 20 x 1000 bytes in one turn
  t.ok(consumed <= SLICE_BYTES && consumed > 0, `consumed as it arrived: ${consumed}`);
  t.ok(sock.paused, 'the socket waits while the rest is behind');
  for (let i = 0; i < 20 && r.backlogBytes > 0; i++) await turn();
  t.equal(consumed, 20_000);
  t.ok(calls.every((n) => n <= SLICE_BYTES), `every consume a slice at most: ${calls.join(', ')}`);
  t.notOk(sock.paused);
});

t.test('a backlog pauses the socket only above PAUSE_ABOVE_BYTES, and it reads again once caught up', async (t) => {
  const sock = new FakeSocket();
  let consumed = 0;
  const r = new FairReader(sock as unknown as Socket, (b) => void (consumed += b.length), () => false);
  r.push(messages(200, 100)); // 20 KB: behind, but well under the threshold
  t.ok(r.backlogBytes > 0, 'behind');
  t.notOk(sock.paused, 'a small backlog waits in memory; the socket keeps reading');
  const chunk = messages(600, 100, 1000); // 60 KB, like one of Node's read chunks
  let pushed = 20_000;
  while (r.backlogBytes <= PAUSE_ABOVE_BYTES) {
    r.push(chunk);
    pushed += chunk.length;
  }
  t.ok(sock.paused, `paused with ${r.backlogBytes} bytes behind`);
  t.equal(sock.pauses, 1);
  for (let i = 0; i < 200 && r.backlogBytes > 0; i++) await turn();
  t.equal(consumed, pushed, 'everything consumed, in slices');
  t.notOk(sock.paused, 'resumed once caught up');
});
