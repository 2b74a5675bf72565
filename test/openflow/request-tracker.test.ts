import t from 'tap';
import type { OfMessage } from '../../protocol/index.js';
import { RequestTracker } from '../../src/openflow/requests.js';
import { RequestError } from '../../src/openflow/switch-connection.js';

t.test('xids wrap around without ever being 0 and skip those still waiting', async (t) => {
  const tr = new RequestTracker(10);
  (tr as unknown as { nextXid: number }).nextXid = 0xfffffffe;
  const waiting: OfMessage = { type: 'barrierRequest', xid: 1 };
  tr.track(waiting, false, 60_000, () => {}, () => {});
  t.equal(tr.allocXid(), 0xfffffffe);
  t.equal(tr.allocXid(), 0xffffffff);
  t.equal(tr.allocXid(), 2, 'skips 0 and the waiting xid 1');
  t.equal(tr.allocXid(), 3);
  tr.failAll('test over');
});

t.test('reusing the xid of a waiting request fails the earlier one', async (t) => {
  const tr = new RequestTracker(10);
  const errors: Error[] = [];
  const replies: OfMessage[] = [];
  tr.track({ type: 'getConfigRequest', xid: 0x51 }, false, 60_000, () => t.fail('first must not resolve'), (e) => errors.push(e));
  tr.track({ type: 'barrierRequest', xid: 0x51 }, false, 60_000, (r) => replies.push(r as OfMessage), (e) => errors.push(e));
  t.equal(errors.length, 1);
  t.ok(errors[0] instanceof RequestError);
  t.match(errors[0]?.message, /getConfigRequest xid 81: xid reused by a later barrierRequest/);
  t.ok(tr.onReply({ type: 'barrierReply', xid: 0x51 }));
  t.equal(replies.length, 1);
  t.equal(tr.pendingCount, 0);
});

t.test('a multipart request answered by a non-multipart message fails instead of hanging', async (t) => {
  const tr = new RequestTracker(10);
  let err: Error | undefined;
  tr.track({ type: 'multipartRequest', xid: 9, flags: 0, body: { kind: 'desc' } }, true, 60_000, () => t.fail('no'), (e) => (err = e));
  t.ok(tr.onReply({ type: 'barrierReply', xid: 9 }));
  t.match(err?.message, /expected a multipart reply, got barrierReply/);
});

t.test('a barrier reply drops the error callbacks sent before it, not after', async (t) => {
  const tr = new RequestTracker(100);
  const calls: number[] = [];
  const cb = (e: { xid: number }): void => {
    calls.push(e.xid);
  };
  tr.noteSent({ type: 'tableMod', xid: 11, tableId: 1, config: 0 }, cb);
  tr.noteSent({ type: 'barrierRequest', xid: 12 });
  tr.noteSent({ type: 'tableMod', xid: 13, tableId: 1, config: 0 }, cb);
  t.equal(tr.errorCallbackCount, 2);
  tr.onReply({ type: 'barrierReply', xid: 12 });
  t.equal(tr.errorCallbackCount, 1);
  const err = { type: 'error' as const, errType: 8, code: 0, data: new Uint8Array(0) };
  t.notOk(tr.onError({ ...err, xid: 11 }), 'dropped at the barrier');
  t.ok(tr.onError({ ...err, xid: 13 }));
  t.same(calls, [13]);
});
