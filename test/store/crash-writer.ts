/**
 * The child of crash.test.ts: writes to the file store in DIR as fast as it can, 16 writes in
 * flight, and prints the number of each write once it resolved (acknowledged = durable). A small
 * compaction threshold makes snapshot rewrites frequent, so a kill also lands in those.
 */
import { FileStore } from '../../src/store/file-store.js';

const [dir, startText] = process.argv.slice(2);
const store = await FileStore.open(dir!, { compactBytes: 32 * 1024 });
let next = Number(startText);
const pad = 'x'.repeat(200);

async function writer(): Promise<never> {
  for (;;) {
    const n = next++;
    if (n % 5 === 0) {
      // A batch of three keys in one transaction: all of them or none. The batches overwrite 16
      // slots and writes 1 and 2 of every 5 overwrite 32 keys: most bytes written supersede
      // others, so the snapshot is rewritten often (a log of new keys only never is).
      await store.txn([], [0, 1, 2].map((i) => ({ type: 'put' as const, key: `t/${(n / 5) % 16}/${i}`, value: { n, pad } })));
    } else if (n % 5 <= 2) {
      await store.put(`hot/${n % 32}`, { n, pad });
    } else {
      await store.put(`k/${n}`, { n, pad });
    }
    process.stdout.write(`${n}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 16 }, writer));
