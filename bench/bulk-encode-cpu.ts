/**
 * CPU per flow of the bulk route's in-process part, before anything is sent: the byte walk,
 * parsing and encoding of 100,000 bench flows (bench/flows-ovs.ts's shape), as this checkout's
 * route does it (slices parsed whole, the FLOW_MOD shortcut) and as the general path does it
 * (one JSON.parse per flow, flowModFromFriendly + encodeInto), alternating in one process,
 * `process.cpuUsage` around each round. Speed only: no OVS, no HTTP.
 *   node --import tsx bench/bulk-encode-cpu.ts [rounds=10]
 */
import { loadavg } from 'node:os';
import { encodeInto, Writer } from '../protocol/index.js';
import { scanBulkBody } from '../src/rest/bulk-body.js';
import { flowModFromFriendly } from '../src/rest/flow-json.js';
import { encodeBulkFlow } from '../src/rest/plugins/flows-bulk.js';
import { benchFlows } from './flows-ovs.js';

const N = 100_000;
const rounds = Number(process.argv[2] ?? 10);
const body = Buffer.from(JSON.stringify({ flows: benchFlows(N), persistent: false }));
const keys = new Set(['command', 'persistent']);
const now = () => Promise.resolve();

async function round(shortcut: boolean): Promise<{ us: number; bytes: number }> {
  const c0 = process.cpuUsage();
  const b = await scanBulkBody(body, N, keys, now);
  const w = new Writer(N * 112);
  for (let i = 0; i < N; i += 1000) {
    const to = Math.min(i + 1000, N);
    if (shortcut) {
      const list = b.flowRange(i, to)!;
      for (let k = 0; k < to - i; k++) encodeBulkFlow(list[k], 'add', w);
    } else for (let k = i; k < to; k++) encodeInto(flowModFromFriendly(b.flow(k), 'add'), w);
  }
  const c = process.cpuUsage(c0);
  return { us: (c.user + c.system) / N, bytes: w.pos };
}

const out: Record<string, number[]> = { general: [], shortcut: [] };
for (let r = 0; r < rounds; r++) {
  for (const s of r % 2 ? [true, false] : [false, true]) {
    const { us, bytes } = await round(s);
    if (r >= 2) out[s ? 'shortcut' : 'general']!.push(us);
    if (r === 0 && s) console.log(`bytes ${bytes}`);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(JSON.stringify({ flows: N, rounds, usPerFlow: { general: med(out.general!), shortcut: med(out.shortcut!) }, all: out, load1: loadavg()[0] }));
