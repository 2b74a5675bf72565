/**
 * The in-process packet-in pipeline shared by bench/pipeline.ts and bench/pipeline-ab.ts:
 * PACKET_IN bytes as ofbench sends them, fed in read-sized chunks to real OpenFlowConnections
 * whose sockets are fakes that answer the handshake and count what is written. A rig is built
 * from one compiled tree (`dist`), so two builds can run side by side in one process.
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { descReply, featuresReply, multipartReply, portDescReply, T } from './emu-switch.js';

export interface RigOptions {
  /** The compiled tree to load, as a URL prefix relative to this file (default ../dist/). */
  dist: string;
  switches: number;
  macs: number;
  /** PACKET_INs per read chunk (ofbench's throughput mode fills reads of tens of KB). */
  perChunk: number;
  buffered: boolean;
  /** Apps to load (as --apps); default the build's DEFAULT_APPS. */
  apps?: string[];
  /**
   * 'server': through OpenFlowServer as main.ts wires it (with the event bus's lifecycle
   * listener). 'connection': connections wired straight to the app host, which any build
   * supports (the A/B comparison with older builds).
   */
  wire: 'server' | 'connection';
}

export interface Rig {
  appNames: string[];
  /** One event-loop turn: a chunk for each switch that is reading, then let it run. */
  step(): Promise<void>;
  /** Wait until every connection has caught up with what it was given. */
  drain(): Promise<void>;
  /**
   * Learn every host and warm the JIT: feed for at least `ms` and twice the MAC list, then
   * drain, so a measurement does not start with a cold start's backlog still queued.
   */
  warmUp(ms: number): Promise<void>;
  fed(): number;
  messagesOut(): number;
  writes(): number;
  command(app: string, name: string): unknown;
}

const PORTS = 4;
export const PACKET_IN_LEN = 8 + 16 + 8 + 2 + 60;
const turn = () => new Promise((r) => setImmediate(r));

/** ofbench's PACKET_IN k of switch i (spec layout, by hand). */
function packetIn(sw: number, k: number, nMacs: number, buffered: boolean, noBuffer: number): Buffer {
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
  b.writeUInt32BE(buffered ? k & 0x7fffffff : noBuffer, 8);
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
      reply(mp === 13 ? portDescReply(xid, this.index, PORTS) : mp === 0 ? descReply(xid, this.index) : multipartReply(xid, mp, 0));
    } else if (type === T.BARRIER_REQUEST) {
      const r = Buffer.from(m);
      r[1] = T.BARRIER_REPLY;
      reply(r);
    }
  }
}

const silentLog = { child: () => silentLog, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const silent = silentLog as never;

export async function createRig(o: RigOptions): Promise<Rig> {
  const dist = o.dist;
  const { OFP_NO_BUFFER } = (await import(`${dist}protocol/index.js`)) as typeof import('../protocol/index.js');
  const { AppHost } = (await import(`${dist}src/host/app-host.js`)) as typeof import('../src/host/app-host.js');
  const { loadApps } = (await import(`${dist}src/host/loader.js`)) as typeof import('../src/host/loader.js');
  const { DEFAULT_APPS } = (await import(`${dist}src/config/schema.js`)) as typeof import('../src/config/schema.js');
  type Conn = import('../src/openflow/connection.js').OpenFlowConnection;
  const apps = await loadApps(o.apps ?? DEFAULT_APPS, { baseDir: fileURLToPath(new URL('../', import.meta.url)) });
  // No watchdog budget: on a loaded machine a call stretched by descheduling would count as
  // slow, and a disabled app makes the measurement meaningless (an A/B once compared a build
  // whose apps had been disabled).
  const host = new AppHost({ apps, log: silent, watchdog: { budgetMs: 0 } });
  const sockets = Array.from({ length: o.switches }, (_, i) => new FakeSocket(i));
  let conns: Conn[];
  if (o.wire === 'server') {
    const { OpenFlowServer } = (await import(`${dist}src/openflow/server.js`)) as typeof import('../src/openflow/server.js');
    const { EventBus } = (await import(`${dist}src/rest/events/bus.js`)) as typeof import('../src/rest/events/bus.js');
    const { switchLifecycleEvents } = (await import(`${dist}src/rest/events/sources.js`)) as typeof import('../src/rest/events/sources.js');
    // The server is never started: its accept() takes the fake sockets as a listener would.
    const server = new OpenFlowServer({ listeners: [{ host: '127.0.0.1', port: 0 }] }, silent, host);
    server.onLifecycle(switchLifecycleEvents(new EventBus()));
    const accept = (server as unknown as { accept(s: unknown, tls: boolean): void }).accept.bind(server);
    for (const s of sockets) accept(s, false);
    conns = [...(server as unknown as { connections: Set<Conn> }).connections];
  } else {
    const { OpenFlowConnection } = (await import(`${dist}src/openflow/connection.js`)) as typeof import('../src/openflow/connection.js');
    const { DEFAULT_CONNECTION_OPTIONS } = (await import(`${dist}src/openflow/options.js`)) as typeof import('../src/openflow/options.js');
    const hooks = {
      admit: () => undefined,
      up: (c: Conn) => host.switchUp(c),
      message: (c: Conn, m: never) => host.message(c, m),
      down: (c: Conn, reason: string, wasUp: boolean) => void (wasUp && host.switchDown(c, reason)),
    };
    conns = sockets.map((s) => new OpenFlowConnection(s as never, { ...DEFAULT_CONNECTION_OPTIONS }, silent, hooks as never, false));
  }
  for (let i = 0; i < 50 && conns.some((c) => c.state !== 'main'); i++) await turn();
  if (conns.some((c) => c.state !== 'main')) throw new Error(`handshake did not complete: ${conns.map((c) => c.state).join(',')}`);
  // Past the topology app's settle time, so edge ports are trusted as in a real run.
  await new Promise((r) => setTimeout(r, 100));

  const chunks = sockets.map((_, i) => {
    const list: Buffer[] = [];
    for (let k = 0; k < o.macs; k += o.perChunk) {
      list.push(Buffer.concat(Array.from({ length: Math.min(o.perChunk, o.macs - k) }, (_, j) => packetIn(i, k + j, o.macs, o.buffered, OFP_NO_BUFFER))));
    }
    return list;
  });
  let fed = 0;
  const next = new Array<number>(o.switches).fill(0);
  const rig: Rig = {
    appNames: host.apps().map((a) => a.name),
    async warmUp(ms) {
      const t0 = performance.now();
      for (let i = 0; i < (2 * o.macs) / o.perChunk || performance.now() - t0 < ms; i++) await rig.step();
      await rig.drain();
    },
    async step() {
      for (let i = 0; i < o.switches; i++) {
        if (sockets[i]!.paused) continue;
        const list = chunks[i]!;
        const c = list[next[i]++ % list.length]!;
        fed += c.length / PACKET_IN_LEN;
        sockets[i]!.emit('data', c);
      }
      await turn();
    },
    async drain() {
      while (sockets.some((s) => s.paused)) await turn();
    },
    fed: () => fed,
    messagesOut: () => sockets.reduce((a, s) => a + s.messages, 0),
    writes: () => sockets.reduce((a, s) => a + s.writes, 0),
    command: (app, name) => host.command(app, name, {}),
  };
  return rig;
}
