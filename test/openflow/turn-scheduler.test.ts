/**
 * The turn budget shared by all connections (TurnScheduler) with FairReaders over fake
 * sockets and a fake clock: each consumed slice "costs" the time the test says, so what one
 * turn may do is exact, not a matter of how fast this machine is today.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import t from 'tap';
import { FairReader, SLICE_BYTES } from '../../src/openflow/fair-reader.js';
import { TurnScheduler } from '../../src/openflow/turn-scheduler.js';

class FakeSocket extends EventEmitter {
  paused = false;
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
}

/** n OpenFlow-shaped messages of `len` bytes each. */
function messages(n: number, len: number): Buffer {
  const b = Buffer.alloc(n * len);
  for (let i = 0; i < n; i++) {
    b[i * len] = 4;
    b[i * len + 1] = 10;
    b.writeUInt16BE(len, i * len + 2);
  }
  return b;
}

const turn = () => new Promise((r) => setImmediate(r));

/** A clock that only moves when a consume says so; a log of which reader consumed what. */
function world(budgetMs: number, msPerSlice: number) {
  let now = 0;
  const sched = new TurnScheduler(budgetMs, () => now);
  const log: string[] = [];
  const reader = (name: string) => {
    const sock = new FakeSocket();
    const r = new FairReader(
      sock as unknown as Socket,
      (b) => {
        now += msPerSlice;
        log.push(`${name}:${b.length}`);
      },
      () => false,
      sched,
      0,
    );
    return { r, sock };
  };
  return { sched, log, reader, elapsed: () => now };
}

t.test('the drain stops once the turn budget is spent; the readers left over come first next turn', async (t) => {
  const w = world(2.5, 1);
  const a = w.reader('a');
  const b = w.reader('b');
  const c = w.reader('c');
  const d = w.reader('d');
  // Each gets 5 slices' worth; the first slice of each is consumed as it arrives (4 ms spent).
  for (const x of [a, b, c, d]) x.r.push(messages(5 * 40, 100)); // 20000 bytes = 5 slices of 4000
  t.same(w.log, ['a:4000', 'b:4000', 'c:4000'], 'a slice each as they arrive while under budget (c starts at 2 ms < 2.5 ms)');
  t.ok(d.sock.paused && d.r.backlogBytes === 20000, 'd waited whole, its socket paused');
  w.log.length = 0;
  await turn();
  // The drain: d (served least: nothing yet) first, then one slice each in turn, and it stops
  // at the slice that crosses 2.5 ms: 3 slices.
  t.same(w.log, ['d:4000', 'a:4000', 'b:4000']);
  w.log.length = 0;
  await turn();
  t.same(w.log, ['c:4000', 'd:4000', 'a:4000'], 'round robin resumes where it stopped');
  for (let i = 0; i < 20 && [a, b, c, d].some((x) => x.r.backlogBytes > 0); i++) await turn();
  t.ok([a, b, c, d].every((x) => x.r.backlogBytes === 0 && !x.sock.paused), 'all caught up and reading again');
});

t.test("a quiet connection's small chunk is consumed at once even when the budget is spent", async (t) => {
  const w = world(2, 0.5);
  const busy = Array.from({ length: 16 }, (_, i) => w.reader(`busy${i}`));
  for (const x of busy) x.r.push(messages(640, 100)); // 64000 bytes each: a full read
  t.equal(w.log.length, 4, 'four busy slices fit the 2 ms budget');
  t.notOk(w.sched.mayConsumeNow);
  const quiet = w.reader('echo');
  quiet.r.push(messages(1, 24)); // an ECHO_REQUEST
  t.equal(w.log.at(-1), 'echo:24', 'consumed as it arrived');
  t.notOk(quiet.sock.paused);
  const late = w.reader('late');
  late.r.push(messages(3, 100)); // 300 bytes: over SMALL_BYTES, waits like everyone else
  t.equal(w.log.at(-1), 'echo:24');
  t.ok(late.sock.paused && late.r.backlogBytes === 300);
  quiet.r.push(messages(10, 24)); // 240 more bytes in the same turn: over its small allowance
  t.equal(w.log.at(-1), 'echo:24', 'the allowance is per turn: the second chunk waits');
  t.ok(quiet.sock.paused);
});

t.test('input consumed as it arrives has a budget of its own per turn, reset by the drain', async (t) => {
  const w = world(3, 1);
  const xs = Array.from({ length: 6 }, (_, i) => w.reader(`r${i}`));
  for (const x of xs) x.r.push(messages(10, 100)); // 1000 bytes each: one small chunk
  t.same(w.log, ['r0:1000', 'r1:1000', 'r2:1000'], 'three fit the 3 ms budget');
  t.ok(xs.slice(3).every((x) => x.sock.paused && x.r.backlogBytes === 1000), 'the others wait');
  t.ok(w.sched.waiting === 3);
  await turn();
  t.same(w.log.slice(3), ['r3:1000', 'r4:1000', 'r5:1000'], 'the drain serves them');
  t.equal(w.sched.waiting, 0);
  t.ok(xs.every((x) => !x.sock.paused));
  w.log.length = 0;
  xs[0]!.r.push(messages(10, 100));
  t.same(w.log, ['r0:1000'], 'a fresh budget after the drain');
});

t.test('over many turns busy readers get equal shares, and no drain runs far past the budget', async (t) => {
  const w = world(4, 1);
  const xs = Array.from({ length: 5 }, (_, i) => w.reader(`r${i}`));
  for (const x of xs) x.r.push(messages(400, 100)); // 40000 bytes each = 10 slices
  let last = w.elapsed();
  const perTurn: number[] = [];
  for (let i = 0; i < 40 && xs.some((x) => x.r.backlogBytes > 0); i++) {
    const counts = xs.map((x) => x.r.backlogBytes);
    await turn();
    perTurn.push(w.elapsed() - last);
    last = w.elapsed();
    // Within a turn, no reader is more than a slice ahead of any other that still waits.
    const taken = xs.map((x, k) => counts[k]! - x.r.backlogBytes);
    const waiting = taken.filter((_, k) => counts[k]! > 0);
    t.ok(Math.max(...waiting) - Math.min(...waiting) <= SLICE_BYTES, `turn ${i} shares: ${taken.join(',')}`);
  }
  t.ok(xs.every((x) => x.r.backlogBytes === 0));
  t.ok(perTurn.every((ms) => ms <= 4), `ms per drain: ${perTurn.join(',')}`);
});

t.test('a closed connection drops its backlog and leaves the round', async (t) => {
  let now = 0;
  const sched = new TurnScheduler(1, () => now);
  let dead = false;
  let consumed = 0;
  const sock = new FakeSocket();
  const r = new FairReader(sock as unknown as Socket, (b) => void ((consumed += b.length), (now += 2)), () => dead, sched, 0);
  r.push(messages(100, 100));
  t.equal(consumed, 4000);
  dead = true;
  await turn();
  t.equal(consumed, 4000, 'nothing consumed after close');
  t.equal(r.backlogBytes, 0);
  t.equal(sched.waiting, 0);
});

t.test('a budget must be above 0', async (t) => {
  t.throws(() => new TurnScheduler(0), /above 0/);
});
