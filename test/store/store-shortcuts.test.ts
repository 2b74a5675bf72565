/**
 * Shortcuts of the state store against their general forms: zlib's CRC-32 against the
 * JavaScript one, the log line written operation by operation (LogLineWriter) against
 * logLine(JSON.stringify(record)), the flow identity's plain-field texts and one-shot hash against the
 * replacer + createHash form it replaced, and the compaction policy (a snapshot rewritten only
 * once half of snapshot + log is superseded): what is not rewritten still reads back whole.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { crc32, crc32Js, LOG_FILE, logLine, LogLineWriter, SNAPSHOT_FILE } from '../../src/store/file-format.js';
import { FileStore } from '../../src/store/file-store.js';
import { flowIdOf } from '../../src/store/flow-identity.js';
import type { Match } from '../../protocol/index.js';

// mulberry32: deterministic, and its low bits are as random as the high ones.
let seed = 777;
const rand = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return (((x ^ (x >>> 14)) >>> 0) % n);
};

t.test('crc32 (zlib when there is one) equals the JavaScript CRC-32', async (t) => {
  for (let i = 0; i < 300; i++) {
    const b = Buffer.alloc(rand(3) === 0 ? rand(70_000) : rand(64));
    for (let j = 0; j < b.length; j++) b[j] = rand(256);
    if (crc32(b) !== crc32Js(b)) return t.fail(`differs on ${b.length} bytes`);
  }
  t.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926, 'the standard check value');
  t.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

/** flowIdOf as it was: every entry through the replacer, a Hash object per flow. */
const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v);
const referenceId = (tableId: number, priority: number, match: Match) =>
  `${tableId}/${priority}/${createHash('sha256').update(match.map((f) => JSON.stringify(f, replacer)).sort().join('\n')).digest('hex').slice(0, 24)}`;

function randomEntry(): Match[number] {
  switch (rand(9)) {
    case 0: return { field: 'in_port', value: rand(100) };
    case 1: return { field: 'eth_type', value: [0x800, 0x806, 0x86dd][rand(3)]! };
    case 2: return rand(2) ? { field: 'ipv4_dst', value: `10.0.${rand(256)}.${rand(256)}`, mask: '255.255.255.0' } : { field: 'ipv4_dst', value: `10.0.0.${rand(256)}` };
    case 3: return { field: 'eth_src', value: `02:00:00:00:00:${rand(256).toString(16).padStart(2, '0')}` };
    case 4: return rand(2) ? { field: 'metadata', value: BigInt(rand(1e6)), mask: 0xffffn } : { field: 'metadata', value: BigInt(rand(1e6)) };
    case 5: return { field: 'tunnel_id', value: BigInt(rand(1e6)) };
    case 6: return { field: 'vlan_vid', value: 0x1000 | rand(4096), mask: 0x1fff };
    case 7: return { field: 'opaque', oxmClass: 0xffff, oxmField: rand(10), hasMask: false, body: Uint8Array.from([rand(256), rand(256), 0, 1]) };
    default: return { field: 'tcp_dst', value: rand(65536) };
  }
}

t.test('LogLineWriter writes what logLine(JSON.stringify(record)) writes, on 3,000 random records', async (t) => {
  const chars = ['a', 'Z', '/', '"', '\\', '\n', 'é', '€', '😀', '\u0001', '\ud800', ' '];
  const str = () => Array.from({ length: rand(12) }, () => chars[rand(chars.length)]).join('');
  const val = (d: number): unknown => {
    const k = rand(d > 2 ? 4 : 7);
    if (k === 0) return str();
    if (k === 1) return rand(1e6) - 5e5;
    if (k === 2) return rand(2) === 0;
    if (k === 3) return null;
    if (k === 4) return Array.from({ length: rand(4) }, () => val(d + 1));
    return Object.fromEntries(Array.from({ length: rand(4) }, () => [str(), val(d + 1)]));
  };
  let bad = 0;
  for (let i = 0; i < 3000; i++) {
    const r = rand(1e9);
    const o: unknown[] = Array.from({ length: rand(20) }, () => (rand(4) === 0 ? ['d', str()] : ['p', str(), val(0)]));
    // A small estimate now and then, so the buffer grows mid-record.
    const w = new LogLineWriter(rand(3) === 0 ? 0 : JSON.stringify(o).length);
    for (const op of o as [string, string, unknown][]) w.op(JSON.stringify(op[1]), op[0] === 'p' ? JSON.stringify(op[2]) : undefined);
    if (!w.line(r).equals(logLine(JSON.stringify({ r, o })))) bad++;
  }
  t.equal(bad, 0);
});

t.test('flowIdOf equals the replacer + createHash form on 5,000 random matches', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const match = Array.from({ length: rand(5) }, randomEntry);
    const fm = { tableId: rand(255), priority: rand(65536), match };
    const id = flowIdOf(fm);
    if (id !== referenceId(fm.tableId, fm.priority, match)) return t.fail(`differs for ${JSON.stringify(match, replacer)}`);
    seen.add(id);
  }
  t.ok(seen.size > 4000, `${seen.size} distinct identities`);
  const m: Match = [{ field: 'eth_type', value: 0x800 }, { field: 'ipv4_dst', value: '10.0.0.1' }];
  t.equal(flowIdOf({ tableId: 0, priority: 1, match: m }), flowIdOf({ tableId: 0, priority: 1, match: [m[1]!, m[0]!] }), 'field order does not matter');
});

const tempDir = (t: { teardown(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bulkp-compact-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const flowValue = (i: number) => ({ table: 9, priority: 1000, match: { eth_type: '0x0800', ipv4_dst: `10.0.${i >> 8}.${i & 255}` }, actions: [{ type: 'output', port: 1 + (i % 4), maxLen: 0 }] });
const snapshotRevision = (dir: string) => (JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as { revision: number }).revision;

t.test('compaction: new keys only stay in the log; superseding half of it rewrites the snapshot; reopen reads the same', async (t) => {
  const dir = tempDir(t);
  let s = await FileStore.open(dir, { compactBytes: 64 * 1024 });
  // A rewrite runs after the write that made it due has resolved; a later write waits for it.
  let marks = 0;
  const settled = () => s.put('apps/mark', marks++);
  const put = (from: number, to: number, v = 0) => s.txn([], Array.from({ length: to - from }, (_, k) => ({ type: 'put' as const, key: `switches/x/flows/${from + k}`, value: { ...flowValue(from + k), v }, owned: true })));
  // 4,000 new keys (~600 KiB, far over compactBytes): nothing superseded, no rewrite.
  await put(0, 2000);
  await put(2000, 4000);
  await settled();
  t.equal(snapshotRevision(dir), 0, 'the snapshot was not rewritten for new keys');
  const logBytes = statSync(join(dir, LOG_FILE)).size;
  t.ok(logBytes > 500_000, `the log holds them (${logBytes} bytes)`);
  let before = await s.list('');
  await s.close();
  s = await FileStore.open(dir, { compactBytes: 64 * 1024 });
  t.same(await s.list(''), before, 'reopened from the log alone: the same state');
  // Overwrite a third: a quarter of the bytes on disk superseded, no rewrite.
  await put(0, 1300, 1);
  await settled();
  t.equal(snapshotRevision(dir), 0, 'a quarter superseded: not yet');
  // Reopen: what the replay counts carries on. The rest overwritten (half superseded, but for
  // the log's framing), then some deletes: rewritten.
  await s.close();
  s = await FileStore.open(dir, { compactBytes: 64 * 1024 });
  await put(1300, 4000, 1);
  await settled();
  t.equal(snapshotRevision(dir), 0, 'just under half superseded: not yet');
  await s.txn([], [{ type: 'deletePrefix', prefix: 'switches/x/flows/39' }]);
  await settled();
  t.ok(snapshotRevision(dir) > 0, 'rewritten once half was superseded');
  t.ok(statSync(join(dir, LOG_FILE)).size < 4096, 'and the log started over');
  before = await s.list('');
  t.equal((await s.list('switches/')).items.length, 4000 - 111, 'the deletes applied');
  await s.close();
  s = await FileStore.open(dir, { compactBytes: 64 * 1024 });
  t.same(await s.list(''), before, 'reopened after the rewrite: the same state');
  // One key overwritten 1,000 times (1 MB written): rewritten again and again, the log stays
  // within compactBytes + the live data (~600 KB) and a write.
  const rev0 = snapshotRevision(dir);
  const big = { pad: 'y'.repeat(1000) };
  let maxLog = 0;
  for (let i = 0; i < 1000; i++) {
    await s.put('apps/hot', { ...big, i });
    maxLog = Math.max(maxLog, statSync(join(dir, LOG_FILE)).size);
  }
  await settled();
  t.ok(snapshotRevision(dir) > rev0, 'rewritten');
  t.ok(maxLog < 64 * 1024 + statSync(join(dir, SNAPSHOT_FILE)).size + 4096, `a hot key does not grow the log without bound (at most ${maxLog} bytes)`);
  const last = await s.list('');
  await s.close();
  s = await FileStore.open(dir);
  t.same(await s.list(''), last);
  await s.close();
});
