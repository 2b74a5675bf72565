import net from 'node:net';
import tls from 'node:tls';
import { decode, encode, Framer, OFPBRC, OFPET, OFPMPF_REPLY_MORE } from '../../protocol/index.js';
import type { DescStats, FeaturesReply, HelloElement, OfMessage, Port } from '../../protocol/index.js';

/**
 * A scripted OpenFlow 1.3 switch over a real TCP (or TLS) socket, for connection-layer tests.
 * It answers the controller's handshake (FEATURES, PORT_DESC, DESC), echo, barrier and role
 * requests by default, and can be told to misbehave: send raw bytes, split writes at arbitrary
 * points, stop reading, stop answering echo, or answer requests through a custom handler.
 */
export interface FakeSwitchOptions {
  port: number;
  host?: string;
  /** Connect with TLS using these options (certificates etc.). */
  tls?: tls.ConnectionOptions;
  datapathId?: bigint;
  features?: Partial<Omit<FeaturesReply, 'type' | 'xid'>>;
  ports?: Port[];
  /** Spread the PORT_DESC reply over this many REPLY_MORE parts (default 1). */
  portDescParts?: number;
  desc?: DescStats;
  /** Header version of our HELLO (default 4). */
  helloVersion?: number;
  /** HELLO elements (default: a bitmap offering 1.3 only); [] sends a bare HELLO. */
  helloElements?: HelloElement[];
  /** Do not send a HELLO on connect. */
  noHello?: boolean;
  /** Split every write into chunks of this many bytes, sent a few ms apart. */
  fragment?: number;
  /**
   * Custom answers: return messages to send instead of the default answer, `[]` to send
   * nothing, or undefined to fall through to the default.
   */
  handler?: (msg: OfMessage, sw: FakeSwitch) => OfMessage[] | undefined;
}

export function makePort(portNo: number, name: string, overrides: Partial<Port> = {}): Port {
  const b = portNo & 0xff;
  return {
    portNo,
    hwAddr: `02:5e:00:00:${(b >> 4).toString(16)}${(b & 15).toString(16)}:a${portNo % 10}`,
    name,
    config: 0,
    state: 4,
    curr: 0x2820,
    advertised: 0x0820,
    supported: 0x2820,
    peer: 0x0020,
    currSpeed: (10_000_000 + portNo) >>> 0,
    maxSpeed: (20_000_000 + portNo) >>> 0,
    ...overrides,
  };
}

export const DEFAULT_DESC: DescStats = {
  mfrDesc: 'Weft test rig',
  hwDesc: 'fake switch hw',
  swDesc: 'fake switch 9.8.7',
  serialNum: 'SN-4242',
  dpDesc: 'fake dp',
};

export class FakeSwitch {
  readonly received: OfMessage[] = [];
  /** Raw frames the fake could not decode (codec pieces missing, or deliberately odd). */
  readonly undecoded: Uint8Array[] = [];
  answerEcho = true;
  answerBarrier = true;
  answerHandshake = true;
  readonly closed: Promise<void>;
  isClosed = false;
  private waiters: { pred: (m: OfMessage) => boolean; resolve: (m: OfMessage) => void }[] = [];
  private readonly framer = new Framer();
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    readonly socket: net.Socket,
    readonly opts: FakeSwitchOptions,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      try {
        this.framer.push(chunk, (frame) => this.onFrame(Uint8Array.from(frame)));
      } catch {
        socket.destroy();
      }
    });
  }

  /** Connect (and send HELLO unless told not to). */
  static async connect(opts: FakeSwitchOptions): Promise<FakeSwitch> {
    const host = opts.host ?? '127.0.0.1';
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      if (opts.tls) {
        const s = tls.connect({ host, port: opts.port, ...opts.tls }, () => resolve(s));
        s.once('error', reject);
      } else {
        const s = net.connect({ host, port: opts.port }, () => resolve(s));
        s.once('error', reject);
      }
    });
    socket.setNoDelay(true);
    const sw = new FakeSwitch(socket, opts);
    if (!opts.noHello) {
      sw.send({
        type: 'hello',
        xid: 0x5117,
        version: opts.helloVersion ?? 4,
        elements: opts.helloElements ?? [{ type: 'versionBitmap', bitmaps: [0x10] }],
      });
    }
    return sw;
  }

  get datapathId(): bigint {
    return this.opts.datapathId ?? 0x0000_5eed_0000_0001n;
  }

  send(msg: OfMessage): void {
    this.sendBytes(encode(msg));
  }

  /** Write bytes, chopped by `fragment` if configured. */
  sendBytes(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    const f = this.opts.fragment;
    if (!f) {
      this.socket.write(bytes);
      return;
    }
    const points: number[] = [];
    for (let i = f; i < bytes.length; i += f) points.push(i);
    // Chain the pieces so messages sent back to back are not interleaved.
    const copy = Uint8Array.from(bytes);
    this.writeChain = this.writeChain.then(() => this.sendSplit(copy, points));
  }

  /** Write `bytes` in pieces cut at `points`, a few ms apart so each piece is its own read. */
  async sendSplit(bytes: Uint8Array, points: number[], delayMs = 3): Promise<void> {
    let prev = 0;
    for (const p of [...points, bytes.length]) {
      if (this.socket.destroyed) return;
      this.socket.write(bytes.subarray(prev, p));
      prev = p;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  /** Stop reading from the socket (a wedged switch): the controller's writes back up. */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolve with the first received message (past or future) matching `pred`. */
  waitFor<T extends OfMessage = OfMessage>(pred: (m: OfMessage) => boolean, timeoutMs = 3000): Promise<T> {
    const past = this.received.find(pred);
    if (past) return Promise.resolve(past as T);
    return new Promise<T>((resolve, reject) => {
      const w = { pred, resolve: (m: OfMessage) => resolve(m as T) };
      this.waiters.push(w);
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`fake switch: no matching message within ${timeoutMs} ms (got ${this.received.map((m) => m.type).join(', ')})`));
      }, timeoutMs).unref();
    });
  }

  waitForType<K extends OfMessage['type']>(type: K, timeoutMs = 3000): Promise<Extract<OfMessage, { type: K }>> {
    return this.waitFor((m) => m.type === type, timeoutMs);
  }

  private onFrame(frame: Uint8Array): void {
    let msg: OfMessage;
    try {
      msg = decode(frame);
    } catch {
      this.undecoded.push(frame);
      return;
    }
    this.received.push(msg);
    for (const w of [...this.waiters]) {
      if (w.pred(msg)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(msg);
      }
    }
    const custom = this.opts.handler?.(msg, this);
    if (custom) {
      for (const m of custom) this.send(m);
      return;
    }
    for (const m of this.defaultAnswer(msg)) this.send(m);
  }

  private defaultAnswer(msg: OfMessage): OfMessage[] {
    const xid = msg.xid;
    switch (msg.type) {
      case 'echoRequest':
        return this.answerEcho ? [{ type: 'echoReply', xid, data: msg.data }] : [];
      case 'barrierRequest':
        return this.answerBarrier ? [{ type: 'barrierReply', xid }] : [];
      // A switch without the ONF bundle extension, as the spec wants it to answer.
      case 'bundleControl':
      case 'bundleAdd':
        return [{ type: 'error', xid, errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_EXPERIMENTER, data: encode(msg).subarray(0, 64) }];
      case 'roleRequest':
        return [{ type: 'roleReply', xid, role: msg.role, generationId: msg.generationId }];
      case 'featuresRequest':
        if (!this.answerHandshake) return [];
        return [
          {
            type: 'featuresReply',
            xid,
            datapathId: this.datapathId,
            nBuffers: 0,
            nTables: 254,
            auxiliaryId: 0,
            capabilities: 0x4f,
            reserved: 0,
            ...this.opts.features,
          },
        ];
      case 'multipartRequest':
        if (!this.answerHandshake) return [];
        if (msg.body.kind === 'desc') return [{ type: 'multipartReply', xid, flags: 0, body: { kind: 'desc', ...(this.opts.desc ?? DEFAULT_DESC) } }];
        if (msg.body.kind === 'portDesc') return this.portDescReplies(xid);
        // An empty switch: what reconciliation reads at switch up.
        if (msg.body.kind === 'flow' || msg.body.kind === 'groupDesc' || msg.body.kind === 'meterConfig') {
          return [{ type: 'multipartReply', xid, flags: 0, body: { kind: msg.body.kind, stats: [] } }];
        }
        return [];
      default:
        return [];
    }
  }

  private portDescReplies(xid: number): OfMessage[] {
    const ports = this.opts.ports ?? [makePort(1, 'eth1'), makePort(2, 'eth2')];
    const parts = Math.max(1, this.opts.portDescParts ?? 1);
    const per = Math.ceil(ports.length / parts) || 1;
    const out: OfMessage[] = [];
    for (let i = 0; i < parts; i++) {
      const slice = ports.slice(i * per, (i + 1) * per);
      out.push({ type: 'multipartReply', xid, flags: i < parts - 1 ? OFPMPF_REPLY_MORE : 0, body: { kind: 'portDesc', ports: slice } });
    }
    return out;
  }
}

/** A non-OpenFlow peer: writes `bytes` (optionally then ends) and collects what comes back. */
export async function rawPeer(
  port: number,
  bytes: Uint8Array | undefined,
  opts: { end?: boolean; host?: string } = {},
): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: opts.host ?? '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  if (bytes) socket.write(bytes);
  if (opts.end) socket.end();
  return { socket, received: () => Buffer.concat(chunks), closed };
}
