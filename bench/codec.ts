/**
 * Codec microbenchmarks: ns/op for the hot messages. Run with `npm run bench:codec`.
 * Prints a table and, with --write, updates the codec section of docs/BENCHMARKS.md.
 */
import { decode, encode, OFPP, OFP_NO_BUFFER, Writer } from '../protocol/index.js';
import type { FlowMod, FlowStats, MultipartReply, OfMessage, PacketOut } from '../protocol/index.js';
import { parseFrame } from '../protocol/packet/index.js';

interface Result {
  name: string;
  nsPerOp: number;
  target?: number;
}

function bench(name: string, fn: () => unknown, target?: number, minMs = 1500): Result {
  // Warm up so the JIT has compiled the path before we time it.
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) for (let i = 0; i < 1000; i++) fn();
  let ops = 0;
  let sink: unknown;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < 1000; i++) sink = fn();
    ops += 1000;
    now = performance.now();
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return { name, nsPerOp: ((now - start) * 1e6) / ops, target };
}

const frame = Buffer.from(
  // Ethernet 02:00:00:00:00:02 <- 02:00:00:00:00:01, IPv4 10.0.0.1 -> 10.0.0.2 UDP 5000 -> 5001
  '020000000002020000000001080045000030000100004011' + '0000' + '0a0000010a000002' + '138813890018' + '0000' + '00'.repeat(16),
  'hex',
);
const packetIn = encode({
  type: 'packetIn',
  xid: 0,
  bufferId: OFP_NO_BUFFER,
  totalLen: frame.length,
  reason: 0,
  tableId: 0,
  cookie: 0n,
  match: [{ field: 'in_port', value: 2 }],
  data: frame,
});

const flowMod: FlowMod = {
  type: 'flowMod',
  xid: 7,
  cookie: 0x10000n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 60,
  hardTimeout: 0,
  priority: 100,
  bufferId: OFP_NO_BUFFER,
  outPort: OFPP.ANY,
  outGroup: 0xffffffff,
  flags: 0,
  match: [
    { field: 'in_port', value: 1 },
    { field: 'eth_src', value: '02:00:00:00:00:01' },
    { field: 'eth_dst', value: '02:00:00:00:00:02' },
  ],
  instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
};

const packetOut: PacketOut = {
  type: 'packetOut',
  xid: 8,
  bufferId: OFP_NO_BUFFER,
  inPort: 1,
  actions: [{ type: 'output', port: 2, maxLen: 0 }],
  data: frame,
};

const flowStats: FlowStats[] = Array.from({ length: 1000 }, (_, i) => ({
  tableId: 0,
  durationSec: i,
  durationNsec: 1000 * i,
  priority: 100,
  idleTimeout: 60,
  hardTimeout: 0,
  flags: 0,
  cookie: BigInt(i),
  packetCount: BigInt(i * 10),
  byteCount: BigInt(i * 1000),
  match: [
    { field: 'in_port', value: (i % 4) + 1 },
    { field: 'eth_dst', value: `02:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}` },
  ],
  instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: (i % 3) + 1, maxLen: 0 }] }],
}));
// A 1000-entry reply exceeds one 64 KiB message, as on the wire: time decoding the parts.
const replies: Buffer[] = [];
for (let i = 0; i < flowStats.length; i += 400) {
  const msg: MultipartReply = {
    type: 'multipartReply',
    xid: 9,
    flags: i + 400 < flowStats.length ? 1 : 0,
    body: { kind: 'flow', stats: flowStats.slice(i, i + 400) },
  };
  replies.push(encode(msg));
}

const w = new Writer(4096);
const results: Result[] = [
  bench('decode PACKET_IN + Ethernet/IPv4/UDP', () => {
    const m = decode(packetIn) as Extract<OfMessage, { type: 'packetIn' }>;
    return parseFrame(m.data);
  }, 100),
  bench('decode PACKET_IN (OpenFlow only)', () => decode(packetIn), undefined),
  bench('encode FLOW_MOD (3-field match, output)', () => {
    w.pos = 0;
    return encode(flowMod, w);
  }, 200),
  bench('encode PACKET_OUT (60-byte frame)', () => {
    w.pos = 0;
    return encode(packetOut, w);
  }, 200),
  bench('decode 1000-entry flow-stats reply', () => {
    let n = 0;
    for (const r of replies) n += ((decode(r) as MultipartReply).body as { stats: unknown[] }).stats.length;
    return n;
  }, undefined, 2000),
];

console.log('| benchmark | ns/op | target |');
console.log('| --- | ---: | ---: |');
for (const r of results) {
  const ns = r.nsPerOp >= 10000 ? `${(r.nsPerOp / 1000).toFixed(1)} µs` : r.nsPerOp.toFixed(0);
  const verdict = r.target === undefined ? '' : `<= ${r.target} ${r.nsPerOp <= r.target ? '(met)' : '(MISSED)'}`;
  console.log(`| ${r.name} | ${ns} | ${verdict} |`);
}
