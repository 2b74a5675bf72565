/**
 * The packet-in pipeline in one process, without sockets: PACKET_IN bytes as ofbench sends them
 * -> decode -> app host with the default apps (table-miss, topology, l2-learning) -> every
 * message the apps return encoded into one reused buffer. It measures the controller's own CPU
 * cost per PACKET_IN (what bounds ofbench's throughput mode besides the kernel's TCP work),
 * and is steady enough to compare changes on a loaded machine. `--cpu-prof` works as usual.
 *
 * Usage: tsx bench/pipeline.ts [--switches 16] [--macs 1000] [--seconds 5] [--unbuffered] [--apps a,b]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ErrorMsg, OfMessage, Port } from '../protocol/index.js';
import type { RequestOptions, SwitchConnection, SwitchInfo } from '../src/openflow/switch-connection.js';
import { ensureBuilt } from '../test/support/weft-process.js';

// The compiled code in dist/ (rebuilt when stale), as `weft` runs it: tsx's own transform
// wraps every function in a naming helper that would be measured too.
await ensureBuilt();
const dist = '../dist/';
const { decode, encodeInto, OFP_NO_BUFFER, Writer } = (await import(`${dist}protocol/index.js`)) as typeof import('../protocol/index.js');
const { AppHost } = (await import(`${dist}src/host/app-host.js`)) as typeof import('../src/host/app-host.js');
const { loadApps } = (await import(`${dist}src/host/loader.js`)) as typeof import('../src/host/loader.js');
const { DEFAULT_APPS } = (await import(`${dist}src/config/schema.js`)) as typeof import('../src/config/schema.js');
type Writer = import('../protocol/index.js').Writer;

const { values: opt } = parseArgs({
  options: {
    switches: { type: 'string', default: '16' },
    macs: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    unbuffered: { type: 'boolean', default: false },
    /** Apps to load instead of the defaults (built-in names or module paths, as --apps). */
    apps: { type: 'string' },
  },
});
const nSwitches = Number(opt.switches);
const nMacs = Number(opt.macs);
const PORTS = 4;

/** ofbench's PACKET_IN k of switch i, built by hand (spec layout), as bytes. */
function packetIn(sw: number, k: number, buffered: boolean): Uint8Array {
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
  b[14] = 0; // reason NO_MATCH
  b[15] = 0; // table
  b.writeBigUInt64BE(0xffffffffffffffffn, 16); // cookie: no flow (the table-miss flow's would be the app's)
  b.writeUInt16BE(1, 24); // match type OXM
  b.writeUInt16BE(12, 26); // match length
  b.writeUInt32BE(0x80000004, 28); // OXM in_port, 4 bytes
  b.writeUInt32BE(1 + (host % PORTS), 32);
  frame.copy(b, 42);
  return b;
}

/** A connected switch as the host sees it; what it is sent is encoded and counted. */
class FakeConn implements SwitchConnection {
  closed = false;
  sent = 0;
  readonly info: SwitchInfo;
  constructor(
    readonly index: number,
    private readonly w: Writer,
  ) {
    const ports = new Map<number, Port>();
    for (let p = 1; p <= PORTS; p++) {
      ports.set(p, { portNo: p, hwAddr: `0a:00:00:00:${index.toString(16).padStart(2, '0').slice(-2)}:0${p}`, name: `s${index}-eth${p}`, config: 0, state: 4, curr: 0x840, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 });
    }
    const datapathId = BigInt(index + 1);
    this.info = {
      datapathId,
      dpid: datapathId.toString(16).padStart(16, '0'),
      features: { type: 'featuresReply', xid: 0, datapathId, nBuffers: 256, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 },
      ports,
      desc: undefined,
      remoteAddress: '127.0.0.1',
      remotePort: 10000 + index,
      tls: false,
      connectedAt: Date.now(),
    };
  }
  send(msg: OfMessage, _onError?: (err: ErrorMsg) => void): number {
    if (this.w.pos > 1 << 20) this.w.pos = 0;
    encodeInto(msg, this.w);
    this.sent++;
    return msg.xid;
  }
  request<T extends OfMessage = OfMessage>(_msg: OfMessage, _opts?: RequestOptions): Promise<T> {
    return new Promise<T>(() => undefined);
  }
  multipart(): Promise<never> {
    return new Promise<never>(() => undefined);
  }
  barrier(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => silent } as never;
const apps = await loadApps(opt.apps ? opt.apps.split(',') : DEFAULT_APPS, { baseDir: fileURLToPath(new URL('../', import.meta.url)) });
const host = new AppHost({ apps, log: silent });
const w = new Writer(1 << 21);
const conns = Array.from({ length: nSwitches }, (_, i) => new FakeConn(i, w));
for (const c of conns) host.switchUp(c);
// Wait past the topology app's settle time so edge ports are known, as in a real run.
await new Promise((r) => setTimeout(r, 100));

const buffered = !opt.unbuffered;
const inputs = conns.map((_, i) => Array.from({ length: nMacs }, (_, k) => packetIn(i, k, buffered)));
let k = 0;
const round = (n: number) => {
  for (let j = 0; j < n; j++, k++) {
    for (let i = 0; i < nSwitches; i++) host.message(conns[i]!, decode(inputs[i]![k % nMacs]!));
  }
};
round(2 * nMacs); // learn every host, warm the JIT
const sentBefore = conns.reduce((a, c) => a + c.sent, 0);
const seconds = Number(opt.seconds);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let packetIns = 0;
while (performance.now() - t0 < seconds * 1000) {
  round(100);
  packetIns += 100 * nSwitches;
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const sent = conns.reduce((a, c) => a + c.sent, 0) - sentBefore;
console.log(
  JSON.stringify({
    switches: nSwitches,
    macs: nMacs,
    buffered,
    packetIns,
    messagesOut: sent,
    outPerIn: +(sent / packetIns).toFixed(2),
    nsPerPacketInCpu: Math.round((cpuS * 1e9) / packetIns),
    packetInsPerCpuSecond: Math.round(packetIns / cpuS),
    wallSeconds: +wall.toFixed(2),
    cpuShare: +(cpuS / wall).toFixed(2),
  }),
);
const counters = host.counters();
console.log(JSON.stringify({ ...counters, apps: Object.fromEntries(Object.entries(counters.apps).map(([n, a]) => [n, { events: a.events, sent: a.messagesSent, failures: a.failures }])) }));
