/**
 * Codec microbenchmarks: ns/op for the hot messages. Run with `npm run bench:codec`.
 *
 * The machine is shared, so wall-clock time says more about the neighbours than about the code.
 * Each case is timed in CPU time of this process (process.cpuUsage, user + system) over many
 * rounds of ~40 ms, the rounds of all cases interleaved so a burst of load hits them alike, and
 * the minimum is reported (the median beside it shows the spread). Options:
 *   --rounds N   rounds per case (default 15)
 *   --only TEXT  run only the cases whose name contains TEXT (not with --write)
 *   --write      also replace the results block of docs/BENCHMARKS.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { decode, encode, encodeInto, Framer, OFPP, OFP_NO_BUFFER, Writer } from '../protocol/index.js';
import type { FlowMod, FlowStats, MultipartReply, PacketIn, PacketOut } from '../protocol/index.js';
import { parseFrame } from '../protocol/packet/index.js';

interface Case {
  name: string;
  fn: () => unknown;
  target?: number;
  /** Samples: ns/op of each round. */
  ns: number[];
  /** Ops per round, calibrated so a round takes ~40 ms. */
  ops: number;
}

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 15;
const write = args.includes('--write');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (write && only !== undefined) throw new Error('--write needs every case: drop --only');

// ---------------------------------------------------------------- inputs

const frame = Buffer.from(
  // Ethernet 02:00:00:00:00:02 <- 02:00:00:00:00:01, IPv4 10.0.0.1 -> 10.0.0.2 UDP 5000 -> 5001
  '020000000002020000000001080045000030000100004011' + '0000' + '0a0000010a000002' + '138813890018' + '0000' + '00'.repeat(16),
  'hex',
);
const packetInBytes = encode({
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
// What the connection passes to decode(): the view the Framer makes of a received chunk (a
// plain Uint8Array, not a Buffer; protocol/openflow/framer.ts).
let packetIn: Uint8Array = packetInBytes;
new Framer().push(Buffer.from(packetInBytes), (m) => (packetIn = m));
if (packetIn === packetInBytes) throw new Error('the framer did not hand out the PACKET_IN');
// The frame as decode returns it (a plain Uint8Array view), for the parseFrame row.
const frameView = (decode(packetIn) as PacketIn).data;

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
  replies.push(Buffer.from(encode(msg)));
}

// ---------------------------------------------------------------- cases

const w = new Writer(4096);
const cases: Case[] = [
  {
    name: 'decode PACKET_IN + Ethernet/IPv4/UDP',
    fn: () => parseFrame((decode(packetIn) as PacketIn).data).udp,
    target: 100,
  },
  { name: 'decode PACKET_IN (OpenFlow only)', fn: () => decode(packetIn) },
  // For scale: the packet library's share of the first row (protocol/packet, not the codec).
  { name: 'packet.parseFrame alone (Ethernet/IPv4/UDP)', fn: () => parseFrame(frameView).udp },
  // encode() is encodeInto plus making a Buffer view of the bytes (~40-60 ns on Node 20, the
  // Buffer object alone); the targets are on the encoding, which the write path does alone.
  {
    name: 'encode FLOW_MOD (3-field match, output) -> Buffer',
    fn: () => {
      w.pos = 0;
      return encode(flowMod, w);
    },
  },
  {
    name: 'encodeInto FLOW_MOD (connection write path)',
    fn: () => {
      w.pos = 0;
      return encodeInto(flowMod, w);
    },
    target: 200,
  },
  {
    name: 'encode PACKET_OUT (60-byte frame) -> Buffer',
    fn: () => {
      w.pos = 0;
      return encode(packetOut, w);
    },
  },
  {
    name: 'encodeInto PACKET_OUT (connection write path)',
    fn: () => {
      w.pos = 0;
      return encodeInto(packetOut, w);
    },
    target: 200,
  },
  {
    name: 'decode 1000-entry flow-stats reply (3 messages)',
    fn: () => {
      let n = 0;
      for (const r of replies) n += ((decode(r) as MultipartReply).body as { stats: unknown[] }).stats.length;
      return n;
    },
  },
]
  .filter((c) => only === undefined || c.name.includes(only))
  .map((c) => ({ ...c, ns: [], ops: 0 }));

// ---------------------------------------------------------------- timing

let sink: unknown;

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Run fn n times; CPU ns per op. */
function timeRound(fn: () => unknown, n: number): number {
  const t0 = cpuNs();
  for (let i = 0; i < n; i++) sink = fn();
  return (cpuNs() - t0) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const loadBefore = loadavg()[0]!;
// Warm every case up first (so the JIT has seen all message types, as in a controller), then
// calibrate a round to ~40 ms.
for (const c of cases) {
  const end = performance.now() + 300;
  while (performance.now() < end) for (let i = 0; i < 100; i++) sink = c.fn();
}
for (const c of cases) {
  const perOp = timeRound(c.fn, 2000);
  c.ops = Math.max(1, Math.round(40e6 / Math.max(perOp, 1)));
}
for (let r = 0; r < rounds; r++) {
  for (const c of cases) c.ns.push(timeRound(c.fn, c.ops));
}
const loadAfter = loadavg()[0]!;
if (sink === Symbol.for('never')) console.log(sink);

// ---------------------------------------------------------------- report

function fmt(ns: number): string {
  return ns >= 10000 ? `${(ns / 1000).toFixed(1)} µs` : ns.toFixed(0);
}

const lines: string[] = [];
lines.push(`CPU: ${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}; Node ${process.version}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; ${rounds} rounds per case`);
lines.push('');
lines.push('| benchmark | ns/op (min) | ns/op (median) | target |');
lines.push('| --- | ---: | ---: | ---: |');
for (const c of cases) {
  const min = Math.min(...c.ns);
  const verdict = c.target === undefined ? '' : `<= ${c.target} ${min <= c.target ? '(met)' : '(MISSED)'}`;
  lines.push(`| ${c.name} | ${fmt(min)} | ${fmt(median(c.ns))} | ${verdict} |`);
}
const table = lines.join('\n');
console.log(table);

if (write) {
  const path = new URL('../docs/BENCHMARKS.md', import.meta.url);
  const doc = readFileSync(path, 'utf8');
  const start = '<!-- codec-results:start -->';
  const end = '<!-- codec-results:end -->';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/BENCHMARKS.md has no ${start} ... ${end} block`);
  writeFileSync(path, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
  console.log('\nupdated docs/BENCHMARKS.md');
}
