/**
 * A minimal emulated OpenFlow 1.3 switch for the scale run and the echo probe. It answers what
 * weft's handshake and apps ask (HELLO, FEATURES, PORT_DESC and DESC multiparts, BARRIER,
 * GET_CONFIG, ROLE, ECHO), ignores FLOW_MODs and PACKET_OUTs (counting FLOW_MODs: the first one,
 * the table-miss flow, comes right after weft announced the switch to its apps), and can send
 * its own ECHO_REQUESTs and time the replies. Messages are built by hand from the spec's
 * layouts, so the harness does not depend on the codec it measures.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

const V = 4;
export const T = { HELLO: 0, ERROR: 1, ECHO_REQUEST: 2, ECHO_REPLY: 3, FEATURES_REQUEST: 5, FEATURES_REPLY: 6, GET_CONFIG_REQUEST: 7, GET_CONFIG_REPLY: 8, FLOW_MOD: 14, PACKET_IN: 10, MP_REQUEST: 18, MP_REPLY: 19, BARRIER_REQUEST: 20, BARRIER_REPLY: 21, ROLE_REQUEST: 24, ROLE_REPLY: 25 } as const;
const MP_DESC = 0;
const MP_PORT_DESC = 13;
const PORT_LEN = 64;
const DESC_LEN = 1056;

export function header(type: number, length: number, xid: number): Buffer {
  const b = Buffer.alloc(length);
  b[0] = V;
  b[1] = type;
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(xid >>> 0, 4);
  return b;
}

export function featuresReply(xid: number, dpid: bigint): Buffer {
  const b = header(T.FEATURES_REPLY, 32, xid);
  b.writeBigUInt64BE(dpid, 8);
  b.writeUInt32BE(256, 16); // n_buffers
  b[20] = 254; // n_tables
  b.writeUInt32BE(0x4f, 24); // FLOW/TABLE/PORT/GROUP/QUEUE stats
  return b;
}

export function multipartReply(xid: number, mpType: number, bodyLen: number): Buffer {
  const b = header(T.MP_REPLY, 16 + bodyLen, xid);
  b.writeUInt16BE(mpType, 8);
  return b;
}

export function portDescReply(xid: number, index: number, nPorts: number): Buffer {
  const b = multipartReply(xid, MP_PORT_DESC, nPorts * PORT_LEN);
  for (let p = 0; p < nPorts; p++) {
    const o = 16 + p * PORT_LEN;
    b.writeUInt32BE(p + 1, o);
    // hw_addr 0a:ii:ii:ii:00:pp
    b[o + 8] = 0x0a;
    b.writeUIntBE(index & 0xffffff, o + 9, 3);
    b[o + 13] = p + 1;
    b.write(`e${index}-p${p + 1}`.slice(0, 15), o + 16, 'latin1');
    b.writeUInt32BE(4, o + 36); // state LIVE
    b.writeUInt32BE(0x840, o + 40); // curr: 10GB_FD | COPPER
    b.writeUInt32BE(10_000_000, o + 56); // curr_speed kbps
    b.writeUInt32BE(10_000_000, o + 60); // max_speed
  }
  return b;
}

export function descReply(xid: number, index: number): Buffer {
  const b = multipartReply(xid, MP_DESC, DESC_LEN);
  b.write('weft-bench', 16, 'latin1');
  b.write('emulated switch', 16 + 256, 'latin1');
  b.write('bench/emu-switch.ts', 16 + 512, 'latin1');
  b.write(`emu${index}`, 16 + 768, 'latin1');
  b.write(`emulated switch ${index}`, 16 + 800, 'latin1');
  return b;
}

export interface EmuSwitchOptions {
  port: number;
  host?: string;
  dpid: bigint;
  /** Used in port names and MACs. */
  index: number;
  ports?: number;
}

export class EmuSwitch {
  readonly socket: Socket;
  /** performance.now() at connect(), at the FEATURES_REPLY, and at the first FLOW_MOD. */
  readonly tConnect = performance.now();
  tFeatures = NaN;
  tFirstFlowMod = NaN;
  flowMods = 0;
  errors = 0;
  closed = false;
  /** Round-trip times (ms) of our echo requests. */
  readonly echoRtts: number[] = [];
  #echoSent = new Map<number, number>();
  #echoXid = 0x7e000000;
  #tail: Buffer | undefined;
  #onFlowMod: (() => void) | undefined;

  constructor(private readonly o: EmuSwitchOptions) {
    this.socket = connect({ port: o.port, host: o.host ?? '127.0.0.1' });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      const hello = header(T.HELLO, 16, 1);
      hello.writeUInt16BE(1, 8); // OFPHET_VERSIONBITMAP
      hello.writeUInt16BE(8, 10);
      hello.writeUInt32BE(1 << V, 12);
      this.socket.write(hello);
    });
    this.socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
  }

  /** Resolves at the first FLOW_MOD (weft announced the switch and its apps answered). */
  up(timeoutMs: number): Promise<void> {
    if (this.flowMods > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`switch ${this.o.index}: no FLOW_MOD within ${timeoutMs} ms`)), timeoutMs);
      this.#onFlowMod = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Send an ECHO_REQUEST; its reply's round trip lands in echoRtts. */
  echo(): void {
    const xid = this.#echoXid++;
    this.#echoSent.set(xid, performance.now());
    this.socket.write(header(T.ECHO_REQUEST, 8, xid));
  }

  /**
   * A PACKET_IN (table miss, unbuffered) of a 60-byte Ethernet/IPv4/UDP frame from host `host`
   * of this switch (MAC 02:ii:ii:ii:hh:hh, IP 10.i.i.h) on port 1 + host % ports, to host - 1
   * (broadcast for host 0).
   */
  packetIn(host: number): void {
    const i = this.o.index;
    const ports = this.o.ports ?? 4;
    const frame = Buffer.alloc(60);
    const mac = (h: number, o: number) => {
      frame[o] = 0x02;
      frame.writeUIntBE(i & 0xffffff, o + 1, 3);
      frame.writeUInt16BE(h & 0xffff, o + 4);
    };
    if (host === 0) frame.fill(0xff, 0, 6);
    else mac(host - 1, 0);
    mac(host, 6);
    frame.writeUInt16BE(0x0800, 12);
    frame.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0, 10, (i >> 8) & 255, i & 255, host & 255, 10, (i >> 8) & 255, i & 255, (host + 1) & 255], 14);
    frame.writeUInt16BE(5000, 34);
    frame.writeUInt16BE(5001, 36);
    frame.writeUInt16BE(26, 38);
    const b = header(T.PACKET_IN, 8 + 16 + 16 + 2 + 60, 0x7d000000 + host);
    b.writeUInt32BE(0xffffffff, 8); // buffer_id: NO_BUFFER
    b.writeUInt16BE(60, 12); // total_len
    b.writeBigUInt64BE(0xffffffffffffffffn, 16); // cookie
    b.writeUInt16BE(1, 24); // OXM match, length 12, padded to 16
    b.writeUInt16BE(12, 26);
    b.writeUInt32BE(0x80000004, 28); // in_port
    b.writeUInt32BE(1 + (host % ports), 32);
    frame.copy(b, 42);
    this.socket.write(b);
  }

  /** Echo requests still unanswered. */
  get echoOutstanding(): number {
    return this.#echoSent.size;
  }

  close(): void {
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const buf = this.#tail ? Buffer.concat([this.#tail, chunk]) : chunk;
    this.#tail = undefined;
    let off = 0;
    while (buf.length - off >= 8) {
      const len = buf.readUInt16BE(off + 2);
      if (len < 8) return this.close();
      if (buf.length - off < len) break;
      this.#onMessage(buf.subarray(off, off + len));
      off += len;
    }
    if (off < buf.length) this.#tail = Buffer.from(buf.subarray(off));
  }

  #onMessage(m: Buffer): void {
    const type = m[1]!;
    const xid = m.readUInt32BE(4);
    const s = this.socket;
    switch (type) {
      case T.ECHO_REQUEST: {
        const r = Buffer.from(m);
        r[1] = T.ECHO_REPLY;
        s.write(r);
        return;
      }
      case T.ECHO_REPLY: {
        const sent = this.#echoSent.get(xid);
        if (sent !== undefined) {
          this.#echoSent.delete(xid);
          this.echoRtts.push(performance.now() - sent);
        }
        return;
      }
      case T.FEATURES_REQUEST:
        this.tFeatures = performance.now();
        s.write(featuresReply(xid, this.o.dpid));
        return;
      case T.MP_REQUEST: {
        const mp = m.readUInt16BE(8);
        if (mp === MP_PORT_DESC) s.write(portDescReply(xid, this.o.index, this.o.ports ?? 4));
        else if (mp === MP_DESC) s.write(descReply(xid, this.o.index));
        else s.write(multipartReply(xid, mp, 0));
        return;
      }
      case T.BARRIER_REQUEST:
        s.write(header(T.BARRIER_REPLY, 8, xid));
        return;
      case T.GET_CONFIG_REQUEST: {
        const r = header(T.GET_CONFIG_REPLY, 12, xid);
        r.writeUInt16BE(0xffff, 10);
        s.write(r);
        return;
      }
      case T.ROLE_REQUEST: {
        const r = Buffer.from(m);
        r[1] = T.ROLE_REPLY;
        s.write(r);
        return;
      }
      case T.FLOW_MOD:
        if (this.flowMods++ === 0) {
          this.tFirstFlowMod = performance.now();
          this.#onFlowMod?.();
        }
        return;
      case T.ERROR:
        this.errors++;
        return;
      default:
        // HELLO, SET_CONFIG, PACKET_OUT (LLDP probes), GROUP_MOD...: nothing to answer.
        return;
    }
  }
}
