/**
 * The persistent bulk route's store phase in process, without a switch: 100,000 bench flows
 * (bench/flows-ovs.ts) encoded as the route encodes them, then, as the route does after the
 * last barrier, turned into store operations (BulkStorePrep) and committed in one
 * transaction to a FileStore in a temp dir, with the REST mirror watching. Each round uses a
 * fresh store (the first bulk into an empty store, as bench/bulk-ab.ts measures) and prints the
 * wall time of the two parts and the process CPU of the round.
 *   node --import tsx bench/bulk-store-cpu.ts [rounds=6] [flows=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writer } from '../protocol/index.js';
import { encodeBulkFlow } from '../src/rest/plugins/flows-bulk.js';
import { BulkStorePrep } from '../src/rest/bulk-store-prep.js';
import { commit } from '../src/rest/persist.js';
import { switchObjectCodec } from '../src/rest/switch-object-codec.js';
import { DesiredFlows, SWITCHES_PREFIX } from '../src/store/desired-flows.js';
import { FileStore } from '../src/store/file-store.js';
import { Mirror } from '../src/store/mirror.js';
import type { TxnOp } from '../src/store/store.js';
import { benchFlows } from './flows-ovs.js';

const rounds = Number(process.argv[2] ?? 6);
const n = Number(process.argv[3] ?? 100_000);
const DPID = '00000000000be7c4';
const SLICE = 1000;

const w = new Writer(n * 112);
const ends = new Uint32Array(n);
const flows = benchFlows(n);
for (let i = 0; i < n; i++) {
  encodeBulkFlow(flows[i], 'add', w);
  ends[i] = w.pos;
}
const buf = w.buf;
const pause = () => new Promise<void>((r) => setImmediate(r));

for (let r = 0; r < rounds; r++) {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bulkp-store-'));
  const store = await FileStore.open(dir);
  const state = { store, desired: new DesiredFlows(await Mirror.open(store, SWITCHES_PREFIX), switchObjectCodec) };
  const load = loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // As the route does: BulkStorePrep's steps (here all after the "last barrier").
  const prep = new BulkStorePrep(state, DPID, n, (j) => buf.subarray(j === 0 ? 0 : ends[j - 1]!, ends[j]!));
  const ops: TxnOp[] = await prep.finish(() => true, pause, SLICE);
  const t1 = performance.now();
  await commit(state, ops, prep.prepared);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  const t3 = performance.now();
  const last = ops[n - 1];
  if (ops.length !== n || last?.type !== 'put' || state.desired.mirror.get(last.key) === undefined) throw new Error('the mirror does not hold the flows');
  console.log(JSON.stringify({ round: r, opsMs: Math.round(t1 - t0), txnMs: Math.round(t2 - t1), closeMs: Math.round(t3 - t2), cpuMs: Math.round((cpu.user + cpu.system) / 1000), load1: load }));
  state.desired.mirror.close();
  rmSync(dir, { recursive: true, force: true });
}
