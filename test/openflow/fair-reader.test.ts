import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import t from 'tap';
import { cut, FairReader, PAUSE_ABOVE_BYTES, SLICE_BYTES } from '../../src/openflow/fair-reader.js';
import { TurnScheduler } from '../../src/openflow/turn-scheduler.js';
import { Framer } from '../../protocol/index.js';
import { Prng } from '../support/prng.js';

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

t.test('the early echo scan offers exactly the backlogged ECHO_REQUESTs the framer finds, through any chunking', async (t) => {
  // The shortcut (a header walk over each chunk as it arrives) against the general path (the
  // framer over the whole stream): random messages, some of them OpenFlow 1.3 echo requests
  // (and echo-typed ones of another version, which are not), cut into random chunks down to a
  // byte, so headers and messages straddle chunks. Nothing is drained (no turn passes), so
  // after the first chunk that has to wait, everything waits: the expected offers are the
  // echo requests starting past the consumed prefix and lying whole within one chunk.
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const rng = new Prng(seed);
    const msgs: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const len = rng.chance(0.1) ? rng.int(8, 12) : rng.int(8, 300);
      const m = Buffer.from(rng.bytes(len));
      const echo = rng.chance(0.25);
      m[0] = echo && rng.chance(0.1) ? 1 : 4;
      m[1] = echo ? 2 : rng.pick([0, 3, 10, 19]);
      m.writeUInt16BE(len, 2);
      m.writeUInt32BE(i, 4);
      msgs.push(m);
    }
    const stream = Buffer.concat(msgs);
    const chunks: Buffer[] = [];
    for (let off = 0; off < stream.length; ) {
      const n = Math.min(stream.length - off, rng.chance(0.3) ? rng.int(1, 9) : rng.int(10, 2000));
      chunks.push(stream.subarray(off, off + n));
      off += n;
    }
    let clock = 0;
    // Each consume "takes" 10 ms of a 1 ms budget: the first slice is consumed, the rest waits.
    const sched = new TurnScheduler(1, () => (clock += 10));
    let consumed = 0;
    const offered: Buffer[] = [];
    const r = new FairReader(new FakeSocket() as unknown as Socket, (b) => void (consumed += b.length), () => false, sched, Infinity, (f) => {
      offered.push(Buffer.from(f));
      return true;
    });
    const chunkOf = (start: number, end: number): boolean => {
      let off = 0;
      for (const c of chunks) {
        if (start >= off && end <= off + c.length) return true;
        off += c.length;
      }
      return false;
    };
    for (const c of chunks) r.push(c);
    const expected: Buffer[] = [];
    let at = 0;
    new Framer().push(stream, (f) => {
      if (f[0] === 4 && f[1] === 2 && at >= consumed && chunkOf(at, at + f.length)) expected.push(Buffer.from(f));
      at += f.length;
    });
    t.ok(expected.length > 20, `seed ${seed}: ${expected.length} echo requests to offer`);
    t.same(
      offered.map((b) => b.toString('hex')),
      expected.map((b) => b.toString('hex')),
      `seed ${seed}: the same echo requests, in stream order`,
    );
    await turn();
  }
});

t.test('the early echo scan stops at a length below 8 (the framer closes the connection)', async (t) => {
  const sched = new TurnScheduler(1, (() => { let c = 0; return () => (c += 10); })());
  const offered: number[] = [];
  const r = new FairReader(new FakeSocket() as unknown as Socket, () => {}, () => false, sched, Infinity, (f) => (offered.push(f.readUInt32BE(4)), true));
  const echo = (xid: number) => Buffer.from([4, 2, 0, 8, 0, 0, 0, xid]);
  r.push(Buffer.concat([messages(100, 100), echo(1)]));
  r.push(Buffer.from([4, 10, 0, 3, 0, 0, 0, 0]));
  r.push(echo(2));
  t.same(offered, [1], 'nothing is offered past broken framing');
  await turn();
});
