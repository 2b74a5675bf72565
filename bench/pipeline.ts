/**
 * The packet-in pipeline in one process, without the kernel: PACKET_IN bytes as ofbench sends
 * them are fed in read-sized chunks to real OpenFlowConnections (framer, decode, connection
 * dispatch, the OpenFlow server's dispatch wired as main.ts wires it, app host with the default
 * apps, encode, write queue) whose sockets are fakes that count what is written. It measures weft's own CPU cost per PACKET_IN, steadily enough to
 * compare changes on a loaded machine (ofbench's numbers also carry the kernel's TCP work and
 * the scheduling of two processes). `node --cpu-prof` works as usual.
 *
 * Usage: tsx bench/pipeline.ts [--switches 16] [--macs 1000] [--seconds 5] [--unbuffered]
 *        [--apps a,b] (apps to load instead of the defaults, as --apps; e.g.
 *        table-miss,./bench/apps/responder.mjs for the plumbing alone)  [--chunk 100]
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../test/support/weft-process.js';
import { descReply, featuresReply, portDescReply, T } from './emu-switch.js';

const { values: opt } = parseArgs({
  options: {
    switches: { type: 'string', default: '16' },
    macs: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    unbuffered: { type: 'boolean', default: false },
    apps: { type: 'string' },
    /** PACKET_INs per read chunk (ofbench's throughput mode fills reads of tens of KB). */
    chunk: { type: 'string', default: '100' },
  },
});
const nSwitches = Number(opt.switches);
const nMacs = Number(opt.macs);
const perChunk = Number(opt.chunk);
const PORTS = 4;
const PACKET_IN_LEN = 8 + 16 + 8 + 2 + 60;

// The compiled code in dist/ (rebuilt when stale, unless bench/run.ts built it already), as
// `weft` runs it: tsx's own transform wraps functions in a naming helper that would be measured.
if (!process.env.WEFT_BENCH_BUILT) await ensureBuilt();
const dist = process.env.WEFT_BENCH_DIST ?? '../dist/';
const { OFP_NO_BUFFER } = (await import(`${dist}protocol/index.js`)) as typeof import('../protocol/index.js');
const { AppHost } = (await import(`${dist}src/host/app-host.js`)) as typeof import('../src/host/app-host.js');
const { loadApps } = (await import(`${dist}src/host/loader.js`)) as typeof import('../src/host/loader.js');
const { DEFAULT_APPS } = (await import(`${dist}src/config/schema.js`)) as typeof import('../src/config/schema.js');
const { OpenFlowServer } = (await import(`${dist}src/openflow/server.js`)) as typeof import('../src/openflow/server.js');
const { EventBus } = (await import(`${dist}src/rest/events/bus.js`)) as typeof import('../src/rest/events/bus.js');
const { switchLifecycleEvents } = (await import(`${dist}src/rest/events/sources.js`)) as typeof import('../src/rest/events/sources.js');
type Conn = import('../src/openflow/connection.js').OpenFlowConnection;

/** ofbench's PACKET_IN k of switch i (spec layout, by hand). */
function packetIn(sw: number, k: number, buffered: boolean): Buffer {
  const host = k % nMacs;
  const prev = (k + nMacs - 1) % nMacs;
  const frame = Buffer.alloc(60);
  const mac = (j: number, o: number) => {
    frame[o] = 0x02;
    frame.writeUInt16BE(sw & 0xffff, o + 1);
    frame.writeUIntBE(j & 0xffffff, o + 3, 3);
  };
  mac(prev, 0);
  mac(host, 6);
  frame.writeUInt16BE(0x0800, 12);
  frame.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1], 14);
  frame.writeUInt16BE(5000, 34);
  frame.writeUInt16BE(5001, 36);
  frame.writeUInt16BE(26, 38);
  const b = Buffer.alloc(8 + 16 + 8 + 2 + 60);
  b[0] = 4;
  b[1] = 10; // OFPT_PACKET_IN
  b.writeUInt16BE(b.length, 2);
  b.writeUInt32BE(k + 1, 4);
  b.writeUInt32BE(buffered ? k & 0x7fffffff : OFP_NO_BUFFER, 8);
  b.writeUInt16BE(60, 12); // total_len
  b.writeBigUInt64BE(0xffffffffffffffffn, 16); // cookie
  b.writeUInt16BE(1, 24); // OXM match
  b.writeUInt16BE(12, 26);
  b.writeUInt32BE(0x80000004, 28); // in_port
  b.writeUInt32BE(1 + (host % PORTS), 32);
  frame.copy(b, 42);
  return b;
}

/**
 * The socket side an OpenFlowConnection uses, in memory. It answers the handshake like a
 * switch and counts the messages written to it after that.
 */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort: number;
  destroyed = false;
  writable = true;
  closed = false;
  writableLength = 0;
  writes = 0;
  messages = 0;
  #hello = true;

  constructor(readonly index: number) {
    super();
    this.remotePort = 20000 + index;
  }
  setNoDelay(): this {
    return this;
  }
  /** The connection pauses a socket whose input it is behind on (FairReader). */
  paused = false;
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  write(buf: Uint8Array): boolean {
    this.writes++;
    for (let off = 0; off + 8 <= buf.length; ) {
      const len = (buf[off + 2]! << 8) | buf[off + 3]!;
      this.messages++;
      // Only the handshake and barriers need an answer: no Buffer view or closure per message
      // for the rest (the kernel's copy is what a real socket costs instead; measuring the
      // fake's own allocations would only blur weft's).
      const type = buf[off + 1]!;
      if (type === T.HELLO || type === T.FEATURES_REQUEST || type === T.MP_REQUEST || type === T.BARRIER_REQUEST) {
        this.#answer(Buffer.from(buf.buffer, buf.byteOffset + off, len));
      }
      off += len;
    }
    return true;
  }
  end(): this {
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  #answer(m: Buffer): void {
    const type = m[1]!;
    const xid = m.readUInt32BE(4);
    const reply = (b: Buffer) => queueMicrotask(() => this.emit('data', b));
    if (type === T.HELLO && this.#hello) {
      this.#hello = false;
      const hello = Buffer.from([4, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x10]);
      reply(hello);
    } else if (type === T.FEATURES_REQUEST) reply(featuresReply(xid, BigInt(this.index + 1)));
    else if (type === T.MP_REQUEST) {
      const mp = m.readUInt16BE(8);
      reply(mp === 13 ? portDescReply(xid, this.index, PORTS) : descReply(xid, this.index));
    } else if (type === T.BARRIER_REQUEST) {
      const r = Buffer.from(m);
      r[1] = T.BARRIER_REPLY;
      reply(r);
    }
  }
}

const silentLog = { child: () => silentLog, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const silent = silentLog as never;
const apps = await loadApps(opt.apps ? opt.apps.split(',') : DEFAULT_APPS, { baseDir: fileURLToPath(new URL('../', import.meta.url)) });
const host = new AppHost({ apps, log: silent });
// The server is never started: its accept() takes the fake sockets as a listener would.
const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }] }, silent, host);
server.onLifecycle(switchLifecycleEvents(new EventBus()));
const accept = (server as unknown as { accept(s: unknown, tls: boolean): void }).accept.bind(server);
const sockets = Array.from({ length: nSwitches }, (_, i) => new FakeSocket(i));
for (const s of sockets) accept(s, false);
const conns = [...(server as unknown as { connections: Set<Conn> }).connections];
const turn = () => new Promise((r) => setImmediate(r));
for (let i = 0; i < 50 && conns.some((c) => c.state !== 'main'); i++) await turn();
if (conns.some((c) => c.state !== 'main')) throw new Error(`handshake did not complete: ${conns.map((c) => c.state).join(',')}`);
// Past the topology app's settle time, so edge ports are trusted as in a real run.
await new Promise((r) => setTimeout(r, 100));

const buffered = !opt.unbuffered;
const chunks = sockets.map((_, i) => {
  const list: Buffer[] = [];
  for (let k = 0; k < nMacs; k += perChunk) list.push(Buffer.concat(Array.from({ length: Math.min(perChunk, nMacs - k) }, (_, j) => packetIn(i, k + j, buffered))));
  return list;
});
let fed = 0;
const next = new Array<number>(nSwitches).fill(0);
/** One event-loop turn: a chunk for each switch that is reading (not paused), then let it run. */
const step = async () => {
  for (let i = 0; i < nSwitches; i++) {
    if (sockets[i]!.paused) continue;
    const list = chunks[i]!;
    const c = list[next[i]++ % list.length]!;
    fed += c.length / PACKET_IN_LEN;
    sockets[i]!.emit('data', c);
  }
  await turn();
};
for (let i = 0; i < (2 * nMacs) / perChunk; i++) await step(); // learn every host, warm the JIT
const before = sockets.reduce((a, s) => a + s.messages, 0);
const writesBefore = sockets.reduce((a, s) => a + s.writes, 0);
const fed0 = fed;
let turns = 0;
const seconds = Number(opt.seconds);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
while (performance.now() - t0 < seconds * 1000) {
  await step();
  turns++;
}
// Let every connection catch up with what it was given.
while (sockets.some((s) => s.paused)) await turn();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const packetIns = fed - fed0;
const out = sockets.reduce((a, s) => a + s.messages, 0) - before;
const writes = sockets.reduce((a, s) => a + s.writes, 0) - writesBefore;
console.log(
  JSON.stringify({
    apps: host.apps().map((a) => a.name).join(','),
    switches: nSwitches,
    macs: nMacs,
    buffered,
    packetIns,
    messagesOut: out,
    outPerIn: +(out / packetIns).toFixed(2),
    socketWritesPerTurnPerSwitch: +(writes / (turns * nSwitches)).toFixed(2),
    nsPerPacketInCpu: Math.round((cpuS * 1e9) / packetIns),
    packetInsPerCpuSecond: Math.round(packetIns / cpuS),
    wallSeconds: +wall.toFixed(2),
    cpuShare: +(cpuS / wall).toFixed(2),
  }),
);
if (process.env.PIPELINE_STATS) {
  for (const a of host.apps()) {
    try {
      console.log(a.name, JSON.stringify(host.command(a.name, 'stats', {})));
    } catch {
      // no stats command
    }
  }
}
process.exit(0);
