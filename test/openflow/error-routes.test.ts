import t from 'tap';
import type { ErrorMsg } from '../../protocol/index.js';
import { ErrorRoutes } from '../../src/openflow/error-routes.js';

const err = (xid: number): ErrorMsg => ({ type: 'error', xid, errType: 5, code: 2, data: new Uint8Array(0) });

t.test('callbacks are found by xid, newest first, once', async (t) => {
  const r = new ErrorRoutes(1000);
  const calls: string[] = [];
  r.add(0x31, 1, () => calls.push('old 31'));
  r.add(0x32, 2, () => calls.push('32'));
  r.add(0x31, 3, () => calls.push('new 31'));
  t.equal(r.size, 3);
  r.take(0x31)?.(err(0x31));
  t.same(calls, ['new 31'], 'the newest send of a reused xid wins');
  t.equal(r.take(0x31), undefined, 'the older one with the same xid is gone too');
  t.equal(r.size, 1);
  t.equal(r.take(0x99), undefined);
  r.take(0x32)?.(err(0x32));
  t.same(calls, ['new 31', '32']);
  t.equal(r.size, 0);
});

t.test('it grows past its initial size, keeping send order', async (t) => {
  const r = new ErrorRoutes(10_000);
  const got: number[] = [];
  for (let i = 1; i <= 700; i++) r.add(0x1000 + i, i, () => got.push(i));
  t.equal(r.size, 700);
  // Claim one in the middle, then prune the first 500: the rest survive in order.
  r.take(0x1000 + 250)?.(err(0));
  r.pruneUpTo(500);
  t.equal(r.size, 200);
  t.equal(r.take(0x1000 + 500), undefined);
  r.take(0x1000 + 501)?.(err(0));
  r.take(0x1000 + 700)?.(err(0));
  t.same(got, [250, 501, 700]);
});

t.test('when full, the oldest entry is dropped', async (t) => {
  const r = new ErrorRoutes(100);
  for (let i = 1; i <= 130; i++) r.add(i, i, () => undefined);
  t.equal(r.size, 100);
  t.equal(r.take(30), undefined, 'dropped');
  t.ok(r.take(31), 'kept');
  t.ok(r.take(130), 'kept');
  // Wrapping around the ring keeps working after drops and prunes.
  r.pruneUpTo(120);
  t.equal(r.size, 9, '121-129 (130 was taken)');
  for (let i = 131; i <= 260; i++) r.add(i, i, () => undefined);
  t.equal(r.size, 100);
  t.ok(r.take(260));
  t.equal(r.take(160), undefined);
  t.ok(r.take(161));
});

t.test('clear forgets everything', async (t) => {
  const r = new ErrorRoutes(8);
  r.add(7, 1, () => t.fail('must not be called'));
  r.clear();
  t.equal(r.size, 0);
  t.equal(r.take(7), undefined);
  r.add(8, 2, () => undefined);
  t.equal(r.size, 1);
});
