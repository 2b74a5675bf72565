/**
 * CPU per flow of the bulk route's in-process part, before anything is sent: the byte walk,
 * parsing and encoding of 100,000 bench flows (bench/flows-ovs.ts's shape), three ways,
 * alternating in one process, `process.cpuUsage` around each round:
 *   general: one JSON.parse per flow, flowModFromFriendly + encodeInto;
 *   objects: slices parsed whole with JSON.parse, the object shortcut (flow-wire-fast.ts);
 *   bytes:   the route's encodeBulkFlows (the byte reader, flow-bytes-fast.ts; JSON.parse only
 *            for flows it declines).
 * Speed only: no OVS, no HTTP.
 *   node --import tsx bench/bulk-encode-cpu.ts [rounds=10]
 */
import { loadavg } from 'node:os';
import { encodeInto, Writer } from '../protocol/index.js';
import { scanBulkBody } from '../src/rest/bulk-body.js';
import { encodeBulkFlow, encodeBulkFlows } from '../src/rest/bulk-encode.js';
import { flowModFromFriendly } from '../src/rest/flow-json.js';
import { benchFlows } from './flows-ovs.js';

const N = 100_000;
const rounds = Number(process.argv[2] ?? 10);
const body = Buffer.from(JSON.stringify({ flows: benchFlows(N), persistent: false }));
const keys = new Set(['command', 'persistent']);
const now = () => Promise.resolve();
type Mode = 'general' | 'objects' | 'bytes';
const MODES: Mode[] = ['general', 'objects', 'bytes'];

async function round(mode: Mode): Promise<{ us: number; hex: string }> {
  const c0 = process.cpuUsage();
  const b = await scanBulkBody(body, N, keys, now);
  const w = new Writer(N * 112);
  if (mode === 'bytes') await encodeBulkFlows(b, N, 'add', w, new Uint32Array(N), now);
  else {
    for (let i = 0; i < N; i += 1000) {
      const to = Math.min(i + 1000, N);
      if (mode === 'objects') {
        const list = b.flowRange(i, to)!;
        for (let k = 0; k < to - i; k++) encodeBulkFlow(list[k], 'add', w);
      } else for (let k = i; k < to; k++) encodeInto(flowModFromFriendly(b.flow(k), 'add'), w);
    }
  }
  const c = process.cpuUsage(c0);
  return { us: (c.user + c.system) / N, hex: Buffer.from(w.buf.subarray(0, w.pos)).toString('base64') };
}

const out: Record<Mode, number[]> = { general: [], objects: [], bytes: [] };
let first: string | undefined;
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...MODES].reverse() : MODES;
  for (const m of order) {
    const { us, hex } = await round(m);
    if (r >= 2) out[m].push(us);
    // All three must write the same bytes (else the comparison is void).
    if (r === 0) {
      if (first === undefined) first = hex;
      else if (hex !== first) throw new Error(`${m}: different bytes`);
    }
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(JSON.stringify({ flows: N, rounds, usPerFlow: { general: med(out.general), objects: med(out.objects), bytes: med(out.bytes) }, all: out, load1: loadavg()[0] }));
