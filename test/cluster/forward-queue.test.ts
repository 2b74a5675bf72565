/**
 * Apps' writes for other masters (src/cluster/forward-queue.ts): everything queued in one
 * event-loop turn is one put with one batch per switch, in the order queued; one put is in
 * flight at a time (what is queued meanwhile goes next, in order); the cap drops and counts;
 * a refused put is counted and reported.
 */
import t from 'tap';
import { decode } from '../../protocol/index.js';
import { flowAdd, output, packetOut } from '../../apps/sdk/index.js';
import { ForwardQueue } from '../../src/cluster/forward-queue.js';
import type { WriteBatch } from '../../src/cluster/forward-queue.js';

const turn = () => new Promise<void>((r) => setImmediate(r));
const types = (b: WriteBatch) => b.msgs.map((m) => decode(Buffer.from(m, 'base64')).type);

t.test('one put per turn, one batch per switch, order kept, one put in flight', async (t) => {
  const puts: WriteBatch[][] = [];
  let release: (() => void) | undefined;
  const q = new ForwardQueue({
    put: (b) => {
      puts.push([...b]);
      return new Promise<void>((r) => (release = r));
    },
    onError: () => t.fail('no error expected'),
  });
  q.push('a', [flowAdd({ priority: 1, match: {}, actions: [output(1)] })]);
  q.push('b', [flowAdd({ priority: 1, match: {}, actions: [output(2)] })]);
  q.push('a', [packetOut({ data: new Uint8Array(60), actions: [output(1)] })]);
  t.equal(puts.length, 0, 'nothing before the turn ends');
  await turn();
  t.equal(puts.length, 1, 'one put');
  t.same(puts[0]!.map((b) => b.dpid), ['a', 'b']);
  t.same(types(puts[0]![0]!), ['flowMod', 'packetOut'], "a's messages in the order queued");
  q.push('a', [flowAdd({ priority: 2, match: {}, actions: [output(1)] })]);
  await turn();
  t.equal(puts.length, 1, 'the next waits for the put in flight');
  release!();
  await turn();
  await turn();
  t.equal(puts.length, 2, 'then goes');
  release!();
  await turn();
  t.equal(q.counters.forwarded, 4);
  t.equal(q.counters.transactions, 2);
});

t.test('the cap drops and counts; a refused put is counted and reported', async (t) => {
  const errors: number[] = [];
  const q = new ForwardQueue({ put: async () => Promise.reject(new Error('etcd down')), onError: (_e, n) => void errors.push(n), maxQueued: 2 });
  const m = flowAdd({ priority: 1, match: {}, actions: [output(1)] });
  t.ok(q.push('a', [m, m]));
  t.notOk(q.push('a', [m]), 'past the cap');
  await turn();
  await turn();
  t.same(errors, [2]);
  t.equal(q.counters.dropped, 3);
  t.equal(q.counters.forwarded, 0);
});
