/**
 * An in-memory switch for app and host tests: a SwitchConnection with no socket. Every message
 * sent to it is encoded and decoded first (so whatever an app emits is proven encodable), then
 * recorded and applied: flow-mods to an OpenFlow 1.3 flow-table model (flow-table.ts), packet-outs
 * run through their actions (and the tables for output:TABLE). It answers "where does this packet
 * go?" (lookup/trace), and drives the host back: switch up/down, packet-ins produced by its own
 * pipeline, port status, flow-removed on delete and on timeouts, and errors for refused mods.
 */
import { decode, encode, OFP_NO_BUFFER, OFPFF, OFPP, OFPPR, OFPR } from '../../protocol/index.js';
import { GroupMeterTables } from './fake-groups-meters.js';
import type { ErrorMsg, FeaturesReply, FlowMod, MultipartReplyBody, MultipartRequest, OfMessage, PacketOut, Port } from '../../protocol/index.js';
import { parseMac } from '../../protocol/index.js';
import type { ConnectionEvents, RequestOptions, SwitchConnection, SwitchInfo } from '../../src/openflow/switch-connection.js';
import { RequestError } from '../../src/openflow/switch-connection.js';
import { checkEncoded } from '../../src/openflow/connection.js';
import { FlowTables } from './flow-table.js';
import type { FlowEntry, ModError, PacketFields, Removal } from './flow-table.js';
import { runActions, trace } from './pipeline.js';
import { nwTtlOf, rewriteFrame } from './rewrite.js';
// A function import only (used at run time), so the cycle with fake-network.ts is harmless.
import { fieldsOf } from './fake-network.js';
import type { TraceOptions, TraceResult } from './pipeline.js';

export type { FlowEntry, PacketFields } from './flow-table.js';
export type { TraceResult } from './pipeline.js';

export interface FakeDatapathOptions {
  datapathId?: bigint;
  /** Port numbers (named eth<n>, MAC derived from dpid and number) or whole Port objects. */
  ports?: (number | Port)[];
  nTables?: number;
  /** The switch's clock (ms) for flow timeouts; share the host's fake clock. */
  clock?: () => number;
  remoteAddress?: string;
}

export interface PacketOutRecord {
  msg: PacketOut;
  /** Where the packet went: its actions run (through the tables for output:TABLE). */
  trace: TraceResult;
}

interface RejectRule {
  when: (msg: OfMessage) => boolean;
  errType: number;
  code: number;
  once: boolean;
}

/** Encode and decode: the message as the switch would see it. */
export function wire<T extends OfMessage>(msg: T): T {
  return decode(encode(msg)) as T;
}

export function makePort(dpid: bigint, portNo: number, overrides: Partial<Port> = {}): Port {
  const low = Number(dpid & 0xffffn);
  const mac = [0x02, (low >> 8) & 0xff, low & 0xff, 0x00, (portNo >> 8) & 0xff, portNo & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return { portNo, hwAddr: mac, name: `s${dpid}-eth${portNo}`, config: 0, state: 4, curr: 0x2820, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 0, ...overrides };
}

/** A minimal Ethernet frame for the given fields (VLAN tag if vlan_vid has OFPVID_PRESENT), padded to 60 bytes. */
export function frameFor(fields: PacketFields, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const tagged = fields.vlan_vid !== undefined && (fields.vlan_vid & 0x1000) !== 0;
  const hdr = tagged ? 18 : 14;
  const out = new Uint8Array(Math.max(60, hdr + payload.length));
  out.set(parseMac(fields.eth_dst ?? 'ff:ff:ff:ff:ff:ff'), 0);
  out.set(parseMac(fields.eth_src ?? '02:00:00:00:00:01'), 6);
  let off = 12;
  if (tagged) {
    out[12] = 0x81;
    out[13] = 0x00;
    const tci = ((fields.vlan_pcp ?? 0) << 13) | (fields.vlan_vid! & 0x0fff);
    out[14] = tci >> 8;
    out[15] = tci & 0xff;
    off = 16;
  }
  const et = fields.eth_type ?? 0x88b5; // IEEE local experimental ethertype
  out[off] = et >> 8;
  out[off + 1] = et & 0xff;
  out.set(payload, off + 2);
  return out;
}

export class FakeDatapath implements SwitchConnection {
  readonly info: SwitchInfo;
  readonly tables: FlowTables;
  /** Groups and meters, as GROUP_MOD and METER_MOD left them. */
  readonly groupMeter = new GroupMeterTables();
  /** Every message received from the controller side, after encode+decode, in order, with xids. */
  readonly sent: OfMessage[] = [];
  readonly packetOuts: PacketOutRecord[] = [];
  /** Errors this switch answered with (claimed or not). */
  readonly errorsSent: ErrorMsg[] = [];
  closed = false;
  closeReason: string | undefined;
  #events: ConnectionEvents | undefined;
  #xid = 0x100;
  #rules: RejectRule[] = [];
  readonly #ports: Map<number, Port>;
  readonly #clock: () => number;

  constructor(opts: FakeDatapathOptions = {}) {
    const datapathId = opts.datapathId ?? 1n;
    this.#clock = opts.clock ?? Date.now;
    const nTables = opts.nTables ?? 254;
    this.#ports = new Map((opts.ports ?? [1, 2, 3]).map((p) => (typeof p === 'number' ? makePort(datapathId, p) : p)).map((p) => [p.portNo, p]));
    const features: FeaturesReply = { type: 'featuresReply', xid: 0, datapathId, nBuffers: 0, nTables, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 };
    this.info = {
      datapathId,
      dpid: datapathId.toString(16).padStart(16, '0'),
      features,
      ports: this.#ports,
      desc: { mfrDesc: 'weft tests', hwDesc: 'fake datapath', swDesc: '0', serialNum: '0', dpDesc: `fake ${datapathId}` },
      remoteAddress: opts.remoteAddress ?? '127.0.0.1',
      remotePort: 40000 + Number(datapathId & 0xfffn),
      tls: false,
      connectedAt: this.#clock(),
    };
    this.tables = new FlowTables(nTables, this.#clock);
  }

  // ---------------------------------------------------------------- SwitchConnection

  /** Like the real connection (same checks), then as send() with the decoded message. */
  sendEncoded(bytes: Uint8Array, onError?: (err: ErrorMsg) => void): number {
    checkEncoded(bytes);
    return this.send(decode(bytes), onError);
  }

  send(msg: OfMessage, onError?: (err: ErrorMsg) => void): number {
    const xid = msg.xid === 0 ? this.#xid++ : msg.xid;
    // Like the real connection: after close, send() is a silent no-op.
    if (this.closed) return xid;
    const seen = wire({ ...msg, xid });
    this.sent.push(seen);
    const refused = this.#refusal(seen);
    if (refused) {
      this.#error(seen, refused, onError);
      return xid;
    }
    if (seen.type === 'flowMod') this.#flowMod(seen, onError);
    else if (seen.type === 'packetOut') this.#packetOut(seen);
    else if (seen.type === 'groupMod' || seen.type === 'meterMod') {
      const res = seen.type === 'groupMod' ? this.groupMeter.group(seen) : this.groupMeter.meter(seen);
      if (res) this.#error(seen, res, onError);
    }
    return xid;
  }

  async request<T extends OfMessage = OfMessage>(msg: OfMessage, _opts?: RequestOptions): Promise<T> {
    const xid = this.send(msg);
    if (msg.type === 'barrierRequest') return { type: 'barrierReply', xid } as T;
    if (msg.type === 'featuresRequest') return { ...this.info.features, xid } as T;
    throw new RequestError(`fake datapath: no reply for ${msg.type}`);
  }

  async multipart(msg: MultipartRequest, _opts?: RequestOptions): Promise<MultipartReplyBody[]> {
    return this.#multipartNow(msg);
  }

  /** In-process answers: the host reconciles this switch within switchUp (no await in tests). */
  answerNow(msg: MultipartRequest | { type: 'barrierRequest'; xid: number }): MultipartReplyBody[] | undefined {
    if (msg.type === 'barrierRequest') {
      this.send(msg);
      return undefined;
    }
    return this.#multipartNow(msg);
  }

  #multipartNow(msg: MultipartRequest): MultipartReplyBody[] {
    this.send(msg);
    const b = msg.body;
    if (b.kind === 'portDesc') return [{ kind: 'portDesc', ports: [...this.#ports.values()] }];
    if (b.kind === 'desc') return [{ kind: 'desc', ...this.info.desc! }];
    if (b.kind === 'flow') {
      const now = this.#clock();
      const stats = this.tables
        .flows(b.tableId === 0xff ? undefined : b.tableId)
        .filter((f) => (f.cookie & b.cookieMask) === (b.cookie & b.cookieMask))
        .map((f) => ({
          tableId: f.tableId,
          durationSec: Math.floor((now - f.installedAt) / 1000),
          durationNsec: ((now - f.installedAt) % 1000) * 1e6,
          priority: f.priority,
          idleTimeout: f.idleTimeout,
          hardTimeout: f.hardTimeout,
          flags: f.flags,
          cookie: f.cookie,
          packetCount: f.packetCount,
          byteCount: f.byteCount,
          match: f.match,
          instructions: f.instructions,
        }));
      return [{ kind: 'flow', stats }];
    }
    if (b.kind === 'groupDesc') return [{ kind: 'groupDesc', stats: this.groupMeter.groupDesc() }];
    if (b.kind === 'meterConfig') return [{ kind: 'meterConfig', stats: this.groupMeter.meterConfig(b.meterId) }];
    throw new RequestError(`fake datapath: multipart ${b.kind} not modelled`);
  }

  async barrier(_opts?: RequestOptions): Promise<void> {
    this.send({ type: 'barrierRequest', xid: 0 });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.#events?.switchDown(this, reason);
  }

  // ---------------------------------------------------------------- scripting the switch

  /** Answer messages matching `when` with an ERROR instead of applying them. */
  reject(when: (msg: OfMessage) => boolean, errType: number, code: number, opts: { once?: boolean } = {}): this {
    this.#rules.push({ when, errType, code, once: opts.once ?? false });
    return this;
  }

  /** Attach the host (or any ConnectionEvents) and announce the switch. */
  connect(events: ConnectionEvents): this {
    this.#events = events;
    this.closed = false;
    events.switchUp(this);
    return this;
  }

  /** Deliver a message from the switch to the host (through encode+decode). */
  receive(msg: OfMessage): void {
    if (!this.#events) throw new Error('fake datapath: connect() first');
    this.#events.message(this, wire(msg));
  }

  /**
   * A packet arrives on a port: run it through the tables; if it reaches the controller, send the
   * packet-in the switch would (cookie, table and reason of the flow that sent it). Returns the trace.
   */
  inject(fields: PacketFields & { in_port: number }, opts: { data?: Uint8Array } = {}): TraceResult {
    const data = opts.data ?? frameFor(fields);
    const res = this.trace(fields, { bytes: data.length, count: true, nwTtl: nwTtlOf(data) });
    if (res.toController) this.#packetIn(res, data, fields.in_port);
    return res;
  }

  /** The packet-in a trace that reached the controller gives (cookie, table, reason of its last flow). */
  #packetIn(res: TraceResult, data: Uint8Array, inPort: number): void {
    const flow = res.flows[res.flows.length - 1];
    if (!flow) return;
    const isMissFlow = flow.priority === 0 && flow.match.length === 0;
    // As in Open vSwitch, address set-fields applied before output:CONTROLLER show in the frame
    // (a NAT rewrite, say); an INVALID_TTL frame goes up as it arrived.
    const ctrl = res.outputs.find((o) => o.port === OFPP.CONTROLLER);
    const up = !res.invalidTtl && ctrl ? rewriteFrame(data, ctrl.fields) : data;
    this.receive({
      type: 'packetIn',
      xid: 0,
      bufferId: OFP_NO_BUFFER,
      totalLen: up.length,
      reason: res.invalidTtl ? OFPR.INVALID_TTL : isMissFlow ? OFPR.NO_MATCH : OFPR.ACTION,
      tableId: flow.tableId,
      cookie: flow.cookie,
      match: [{ field: 'in_port', value: inPort }],
      data: up,
    });
  }

  /** Change a port (or add/remove one) and send PORT_STATUS. */
  portStatus(reason: number, port: Port): void {
    if (reason === OFPPR.DELETE) this.#ports.delete(port.portNo);
    else this.#ports.set(port.portNo, port);
    this.receive({ type: 'portStatus', xid: 0, reason, desc: port });
  }

  /** Expire flows whose timeouts passed on the switch clock; sends FLOW_REMOVED where asked. */
  expire(now: number = this.#clock()): Removal[] {
    const gone = this.tables.expire(now);
    this.#flowRemoved(gone);
    return gone;
  }

  // ---------------------------------------------------------------- inspection

  flows(tableId?: number): FlowEntry[] {
    return this.tables.flows(tableId);
  }

  lookup(tableId: number, fields: PacketFields): FlowEntry | undefined {
    return this.tables.lookup(tableId, fields);
  }

  /** Where does this packet go? (Does not count hits unless asked.) */
  trace(fields: PacketFields, opts: TraceOptions = {}): TraceResult {
    return trace(this.tables, fields, { count: false, ...opts, switchPorts: [...this.#ports.keys()] });
  }

  sentOfType<T extends OfMessage['type']>(type: T): Extract<OfMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<OfMessage, { type: T }> => m.type === type);
  }

  clearSent(): void {
    this.sent.length = 0;
    this.packetOuts.length = 0;
  }

  // ---------------------------------------------------------------- internals

  #refusal(msg: OfMessage): { errType: number; code: number } | undefined {
    const i = this.#rules.findIndex((r) => r.when(msg));
    if (i < 0) return undefined;
    const r = this.#rules[i]!;
    if (r.once) this.#rules.splice(i, 1);
    return r;
  }

  #error(msg: OfMessage, e: { errType: number; code: number }, onError?: (err: ErrorMsg) => void): void {
    // Like a switch: the error carries the offending message's first 64 bytes.
    const err: ErrorMsg = wire({ type: 'error', xid: msg.xid, errType: e.errType, code: e.code, data: encode(msg).subarray(0, 64) });
    this.errorsSent.push(err);
    // A real error arrives later than send() returns.
    queueMicrotask(() => (onError ? onError(err) : this.#events?.message(this, err)));
  }

  #flowMod(fm: FlowMod, onError?: (err: ErrorMsg) => void): void {
    const res = this.tables.apply(fm);
    if ('error' in res) {
      this.#error(fm, res.error as ModError, onError);
      return;
    }
    this.#flowRemoved(res.removed);
  }

  #flowRemoved(removed: readonly Removal[]): void {
    const now = this.#clock();
    for (const { entry: f, reason } of removed) {
      if (!(f.flags & OFPFF.SEND_FLOW_REM) || !this.#events) continue;
      const ms = now - f.installedAt;
      this.receive({
        type: 'flowRemoved',
        xid: 0,
        cookie: f.cookie,
        priority: f.priority,
        reason,
        tableId: f.tableId,
        durationSec: Math.floor(ms / 1000),
        durationNsec: (ms % 1000) * 1e6,
        idleTimeout: f.idleTimeout,
        hardTimeout: f.hardTimeout,
        packetCount: f.packetCount,
        byteCount: f.byteCount,
        match: f.match,
      });
    }
  }

  #packetOut(po: PacketOut): void {
    const fields: PacketFields = { in_port: po.inPort };
    // The packet's header fields are not decoded here: tests that need table lookups for
    // output:TABLE read them from the frame they built (eth addresses and type at least).
    if (po.data.length >= 14) {
      const d = po.data;
      const mac = (o: number) => [...d.subarray(o, o + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
      fields.eth_dst = mac(0);
      fields.eth_src = mac(6);
      fields.eth_type = (d[12]! << 8) | d[13]!;
    }
    const ports = [...this.#ports.keys()];
    const res = runActions(po.actions, fields, ports, nwTtlOf(po.data));
    if (po.actions.some((a) => a.type === 'output' && a.port === OFPP.TABLE)) {
      // output:TABLE: the pipeline sees every header field of the frame, as a switch would.
      const full = po.data.length >= 14 ? { ...fieldsOf(po.data, po.inPort), ...res.outputs.find((o) => o.port === OFPP.TABLE)?.fields, in_port: po.inPort } : fields;
      const t = this.trace(full, { count: true, bytes: po.data.length, nwTtl: nwTtlOf(po.data) });
      res.flows = t.flows;
      res.outputs.push(...t.outputs);
      res.ports = [...new Set([...res.ports, ...t.ports])].sort((a, b) => a - b);
      res.toController ||= t.toController;
      if (t.toController && this.#events) this.#packetIn(t, po.data, po.inPort);
    }
    this.packetOuts.push({ msg: po, trace: res });
  }
}
