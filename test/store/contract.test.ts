/** The StateStore contract against every backend: memory, file, and etcd (a real etcd started here). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EtcdStore } from '../../src/store/etcd-store.js';
import { FileStore } from '../../src/store/file-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { StoreError } from '../../src/store/store.js';
import { startEtcd } from '../support/etcd.js';
import { storeContract } from './store-contract.js';

t.test('memory store', async (t) => storeContract(t, async () => new MemoryStore()));

t.test('file store', async (t) => {
  const dirs: string[] = [];
  t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  storeContract(t, async () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'weft-store-')));
    return FileStore.open(dirs[dirs.length - 1]!);
  });
});

t.test('etcd store', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  let n = 0;
  const open = async () => new EtcdStore({ endpoints: [etcd.endpoint], root: `weft-test/${process.pid}-${n++}/`, timeoutMs: 2000 });
  storeContract(t, open);

  t.test('large listings come in pages at one revision', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const ops = Array.from({ length: 2500 }, (_, i) => ({ type: 'put' as const, key: `big/${String(i).padStart(5, '0')}`, value: { i } }));
    for (let i = 0; i < ops.length; i += 500) await s.txn([], ops.slice(i, i + 500));
    const l = await s.list('big/');
    t.equal(l.items.length, 2500);
    t.equal(l.items[2499]!.key, 'big/02499');
    t.equal((await s.list('bi')).items.length, 2500, 'a prefix is a byte prefix');
  });

  t.test('a put under a prefix deleted in the same txn is refused with a clear error', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    await t.rejects(s.txn([], [{ type: 'deletePrefix', prefix: 'g/' }, { type: 'put', key: 'g/1', value: 1 }]), { name: 'StoreError', code: 'bad_value' });
  });

  t.test('etcd unreachable: a write fails within its deadline with a StoreError', async (t) => {
    const s = new EtcdStore({ endpoints: ['http://127.0.0.1:9'], root: 'x/', timeoutMs: 500 });
    t.teardown(() => s.close());
    const t0 = Date.now();
    const err = await s.put('a', 1).catch((e: unknown) => e);
    t.type(err, StoreError);
    t.match((err as Error).message, /^etcd write failed/);
    t.ok(Date.now() - t0 < 5000, `failed after ${Date.now() - t0} ms`);
    t.same((await s.health()).ok, false);
  });
});
