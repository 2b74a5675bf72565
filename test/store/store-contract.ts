/**
 * The StateStore contract (src/store/store.ts), run against every backend: revisions counted from
 * the store's revision at the start (etcd's counter is shared with other keys and starts above 0),
 * compares, all-or-nothing transactions, prefix deletes, concurrent CAS, watch order, replay and
 * stop. Watches may deliver asynchronously (etcd), so their checks wait for the events.
 */
import type { Test } from 'tap';
import { StoreError } from '../../src/store/store.js';
import type { StateStore, WatchEvent } from '../../src/store/store.js';

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function storeContract(t: Test, open: () => Promise<StateStore>): void {
  const fresh = async (t: Test) => {
    const s = await open();
    t.teardown(() => s.close());
    return { s, r0: (await s.list('')).revision };
  };

  t.test('revisions: one counter, create/mod revision and version per key', async (t) => {
    const { s, r0 } = await fresh(t);
    t.equal(await s.put('a', { x: 1 }), r0 + 1);
    t.equal(await s.put('b', 'two'), r0 + 2);
    t.equal(await s.put('a', { x: 3 }), r0 + 3);
    t.same(await s.get('a'), { key: 'a', value: { x: 3 }, createRevision: r0 + 1, modRevision: r0 + 3, version: 2 });
    t.equal(await s.delete('a'), r0 + 4);
    t.equal(await s.get('a'), undefined);
    t.equal(await s.delete('a'), r0 + 4, 'a delete of nothing takes no revision');
    t.equal(await s.put('a', 5), r0 + 5);
    t.same(await s.get('a'), { key: 'a', value: 5, createRevision: r0 + 5, modRevision: r0 + 5, version: 1 }, 'recreated: a new create revision');
    const l = await s.list('');
    t.equal(l.revision, r0 + 5);
    t.same(l.items.map((i) => i.key), ['a', 'b']);
  });

  t.test('txn: compares on mod revisions, all or nothing, prefix delete', async (t) => {
    const { s, r0 } = await fresh(t);
    const r1 = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: 1 }, { type: 'put', key: 'p/1', value: 1 }]);
    t.same(r1, { succeeded: true, revision: r0 + 1 });
    const again = await s.txn([{ key: 'k', modRevision: 0 }], [{ type: 'put', key: 'k', value: 2 }]);
    t.same(again, { succeeded: false, revision: r0 + 1 }, 'create-if-absent fails once the key exists');
    const stale = await s.txn([{ key: 'k', modRevision: r0 + 1 }, { key: 'p/1', modRevision: r0 + 7 }], [{ type: 'put', key: 'k', value: 3 }, { type: 'put', key: 'p/2', value: 2 }]);
    t.equal(stale.succeeded, false);
    t.equal((await s.get('k'))!.value, 1, 'nothing of a failed txn is written');
    t.equal(await s.get('p/2'), undefined);
    const ok = await s.txn([{ key: 'k', modRevision: r0 + 1 }], [{ type: 'put', key: 'p/2', value: 2 }, { type: 'put', key: 'p/3', value: 3 }, { type: 'put', key: 'q', value: 0 }]);
    t.same(ok, { succeeded: true, revision: r0 + 2 }, 'one revision for the whole batch');
    t.same((await s.list('p/')).items.map((i) => [i.key, i.modRevision - r0]), [['p/1', 1], ['p/2', 2], ['p/3', 2]]);
    const del = await s.txn([], [{ type: 'deletePrefix', prefix: 'p/' }]);
    t.equal(del.revision, r0 + 3);
    t.same((await s.list('')).items.map((i) => i.key), ['k', 'q']);
    const twice = await s.txn([], [{ type: 'put', key: 'd', value: 1 }, { type: 'put', key: 'd', value: 2 }, { type: 'delete', key: 'q' }]);
    t.equal(twice.revision, r0 + 4, 'two operations on one key: one revision');
    t.equal((await s.get('d'))!.value, 2, 'the last operation on a key wins');
    await t.rejects(s.put('bad', 10n), StoreError, 'a value that is not JSON is refused');
  });

  t.test('concurrent CAS writers: exactly one wins each round', async (t) => {
    const { s } = await fresh(t);
    await s.put('counter', 0);
    for (let round = 0; round < 5; round++) {
      const cur = (await s.get('counter'))!;
      const res = await Promise.all([1, 2, 3].map(() => s.txn([{ key: 'counter', modRevision: cur.modRevision }], [{ type: 'put', key: 'counter', value: (cur.value as number) + 1 }])));
      t.equal(res.filter((r) => r.succeeded).length, 1);
    }
    t.equal((await s.get('counter'))!.value, 5);
  });

  t.test('watch: events by prefix in revision order, replay from a revision, stop', async (t) => {
    const { s, r0 } = await fresh(t);
    const seen: [number, WatchEvent[]][] = [];
    const stop = s.watch('apps/', (ev, rev) => seen.push([rev - r0, ev.map((e) => ({ ...e, modRevision: e.modRevision - r0 }))]), { fromRevision: r0 + 1 });
    await s.put('apps/a', 1);
    await s.put('other', 1);
    await s.txn([], [{ type: 'put', key: 'apps/a', value: 2 }, { type: 'put', key: 'apps/b', value: 3 }]);
    await s.delete('apps/a');
    await until(() => seen.length >= 3, 'three watch events');
    t.same(seen, [
      [1, [{ type: 'put', key: 'apps/a', value: 1, modRevision: 1 }]],
      [3, [{ type: 'put', key: 'apps/a', value: 2, prevValue: 1, modRevision: 3 }, { type: 'put', key: 'apps/b', value: 3, modRevision: 3 }]],
      [4, [{ type: 'delete', key: 'apps/a', prevValue: 2, modRevision: 4 }]],
    ]);
    stop();
    const replay: number[] = [];
    s.watch('apps/', (_e, rev) => replay.push(rev - r0), { fromRevision: r0 + 3 });
    await s.put('apps/c', 1);
    await until(() => replay.length >= 3, 'the replay');
    t.same(replay, [3, 4, 5], 'replayed from revision 3, then live');
    t.equal(seen.length, 3, 'a stopped watch hears nothing');
  });
}
