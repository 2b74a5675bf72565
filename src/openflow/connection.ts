import type { Socket } from 'node:net';
import { decode, Framer, OfCodecError, OFPET, OFPHFC, OFPPR, OFPT, onf, u32At } from '../../protocol/index.js';
import type {
  DescStats,
  ErrorMsg,
  FeaturesReply,
  MultipartReplyBody,
  MultipartRequest,
  OfMessage,
  Port,
  RoleReply,
} from '../../protocol/index.js';
import { descFromBodies, dpidString, hexPreview, isAsync, negotiate, ourHello, plausibleVersion, portsFromDesc } from './handshake.js';
import type { ConnectionOptions, OfLogger } from './options.js';
import { RequestTracker } from './requests.js';
import { RequestError } from './switch-connection.js';
import type { MultipartOptions, RequestOptions, SwitchConnection, SwitchInfo } from './switch-connection.js';
import type { SendErrorCallback } from './error-routes.js';
import type { OpenFlowStats } from './stats.js';
import { certificateNames } from './identity.js';
import { FairReader } from './fair-reader.js';
import { Liveness } from './liveness.js';
import { WriteQueue } from './write-queue.js';
import type { TurnScheduler } from './turn-scheduler.js';
import type { LogLimiter } from '../log-limiter.js';
import { AUTO_BARRIER_EVERY, checkEncoded, LINGER_MS, MAX_LOGGED_DECODE_ERRORS, NOOP, ROLE_NUMBERS, VIOLATIONS, WRITE_NAMES, WRITES } from './connection-types.js';
import type { ConnectionHooks, ConnectionState, DisconnectCause, LogLevel, RoleName } from './connection-types.js';

export type { ConnectionHooks, ConnectionState, DisconnectCause, RoleName } from './connection-types.js';
export { checkEncoded } from './connection-types.js';

/** One switch connection: the handshake state machine, liveness, requests and the write path. */
export class OpenFlowConnection implements SwitchConnection {
  state: ConnectionState = 'hello';
  /** Messages that failed to decode after the handshake (answered with an ERROR each). */
  decodeErrors = 0;
  writeGate: (() => boolean) | undefined;
  writesGated = 0;
  readonly remoteAddress: string;
  /** claimErrors() takers, asked in turn about an ERROR nobody else claimed. */
  private readonly claimers = new Set<(err: ErrorMsg) => boolean>();
  readonly remotePort: number;

  private readonly framer = new Framer();
  private readonly tracker: RequestTracker;
  private readonly out: WriteQueue;
  private log: OfLogger;
  private bytesIn = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private features: FeaturesReply | undefined;
  private ports: Map<number, Port> | undefined;
  private desc: DescStats | undefined;
  private descDone = false;
  private _info: SwitchInfo | undefined;
  private readonly liveness: Liveness;
  private readonly onFrame = (frame: Uint8Array): void => this.handleFrame(frame);
  private readonly reader: FairReader;
  /** The logger without this connection's bindings, for summaries of rate-limited lines. */
  private readonly baseLog: OfLogger;
  /** Length of the frame being dispatched (multipart byte limits). */
  private frameLength = 0;
  /** Stopping: nothing new is sent (see quiesce). */
  private quiet = false;
  private admitting = false;

  constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
    logger: OfLogger,
    private readonly hooks: ConnectionHooks,
    readonly tls: boolean,
    private readonly stats?: OpenFlowStats,
    /** The turn budget shared with the server's other connections (default: process-wide). */
    scheduler?: TurnScheduler,
    /** Rate limit of repeated lines per peer address and reason, shared by the server's connections. */
    private readonly limiter?: LogLimiter,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remotePort = socket.remotePort ?? 0;
    this.baseLog = logger;
    this.log = logger.child({ peer: `${this.remoteAddress}:${this.remotePort}` });
    this.tracker = new RequestTracker(
      opts.maxErrorCallbacks,
      { maxParts: opts.maxMultipartParts, maxBytes: opts.maxMultipartBytes, deadlineMs: opts.multipartDeadlineMs },
      (limit, what) => {
        if (this.stats) this.stats.count(this.stats.limits, limit);
        this.close(what, 'warn', false, 'limit');
      },
    );
    this.out = new WriteQueue(socket, opts.maxQueuedBytes, (queued) => {
      // Stop buffering at once, but report the close outside the caller's send(): an app host
      // should not see switchDown re-entrantly in the middle of its own send() call.
      this.out.dispose();
      queueMicrotask(() => this.close(`switch stopped reading: ${queued} bytes queued (limit ${opts.maxQueuedBytes})`, 'warn', false, 'slow_reader'));
    }, stats?.tx);
    socket.setNoDelay(true);
    this.liveness = new Liveness({
      intervalMs: opts.echoIntervalMs,
      maxMissed: opts.echoMaxMissed,
      sendEcho: () => {
        const xid = this.tracker.allocXid();
        this.write({ type: 'echoRequest', xid, data: new Uint8Array(0) });
        return xid;
      },
      timeout: (missed, idle) => this.close(`no reply to ${missed} echo requests (silent for ${idle} ms)`, 'warn', false, 'echo_timeout'),
      dead: () => this.state === 'dead',
      onRtt: stats?.onEchoRtt ? (s) => stats.onEchoRtt!(s) : undefined,
    });
    this.reader = new FairReader(socket, (bytes) => this.consume(bytes), () => this.state === 'dead', scheduler, undefined, (frame) => this.answerEchoEarly(frame));
    socket.on('data', (chunk: Buffer) => this.handleData(chunk));
    socket.on('end', () => this.close(this.closedByPeerReason(), this.closedByPeerLevel(), false, 'peer_closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A probe that resets the connection before HELLO is as routine as one that closes it.
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      if (reset && this.state === 'hello') return this.close(`${this.closedByPeerReason()} (${err.code})`, 'info', false, 'peer_closed');
      this.close(`socket error: ${err.code ?? err.message}`, this.state === 'main' ? 'info' : 'warn', false, 'socket_error');
    });
    socket.on('close', () => {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.close(this.closedByPeerReason(), this.closedByPeerLevel(), false, 'peer_closed');
    });
    this.handshakeTimer = setTimeout(() => this.close(`handshake not completed within ${opts.handshakeTimeoutMs} ms (state ${this.state})`, 'warn', false, 'handshake_timeout'), opts.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    this.write(ourHello(this.tracker.allocXid()));
  }

  // ------------------------------------------------------------------ SwitchConnection

  get info(): SwitchInfo {
    if (!this._info) throw new Error('switch info is available only after the handshake');
    return this._info;
  }

  get closed(): boolean {
    return this.state === 'dead';
  }

  /** Bytes waiting to be written, ours and the socket's. */
  /** Round trip of the last echo request answered (ms). */
  get echoRttMs(): number | undefined {
    return this.liveness.rttMs;
  }

  get queuedBytes(): number {
    return this.out.totalQueuedBytes;
  }

  send(msg: OfMessage, onError?: SendErrorCallback): number {
    // The hot path (every FLOW_MOD and PACKET_OUT an app sends): no copy of the message for its
    // fresh xid; the write queue puts the xid into the encoded header instead.
    const xid = msg.xid === 0 ? this.tracker.allocXid() : msg.xid;
    if (this.writeGate !== undefined && WRITE_NAMES.has(msg.type) && !this.writeGate()) {
      this.writesGated++;
      return xid;
    }
    if (this.state !== 'dead' && !this.quiet) {
      this.out.push(msg, xid);
      this.tracker.noteSentAs(xid, msg.type === 'barrierRequest', onError);
      if (this.tracker.callbacksSinceBarrier >= AUTO_BARRIER_EVERY) this.autoBarrier();
    }
    return xid;
  }

  sendEncoded(bytes: Uint8Array, onError?: SendErrorCallback): number {
    checkEncoded(bytes);
    const own = u32At(bytes, 4);
    const xid = own === 0 ? this.tracker.allocXid() : own;
    if (this.writeGate !== undefined && (WRITES.has(bytes[1]!) || onf.bundleAddInnerXidAt(bytes) >= 0) && !this.writeGate()) {
      this.writesGated++;
      return xid;
    }
    if (this.state !== 'dead' && !this.quiet) {
      this.out.pushEncoded(bytes, xid);
      this.tracker.noteSentAs(xid, bytes[1] === OFPT.BARRIER_REQUEST, onError);
      if (this.tracker.callbacksSinceBarrier >= AUTO_BARRIER_EVERY) this.autoBarrier();
    }
    return xid;
  }

  claimErrors(claim: (err: ErrorMsg) => boolean): () => void {
    this.claimers.add(claim);
    return () => void this.claimers.delete(claim);
  }

  request<T extends OfMessage = OfMessage>(msg: OfMessage, opts?: RequestOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.startRequest(msg, false, opts?.timeoutMs, (r) => resolve(r as T), reject);
    });
  }

  multipart(msg: MultipartRequest, opts?: MultipartOptions): Promise<MultipartReplyBody[]> {
    return new Promise((resolve, reject) => {
      this.startRequest(msg, true, opts?.timeoutMs, (r) => resolve(r as MultipartReplyBody[]), reject, undefined, opts?.onPart);
    });
  }

  async barrier(opts?: RequestOptions): Promise<void> {
    await this.request({ type: 'barrierRequest', xid: 0 }, opts);
  }

  /** ROLE_REQUEST (for high availability); resolves with the switch's ROLE_REPLY. */
  setRole(role: RoleName | number, generationId = 0n, opts?: RequestOptions): Promise<RoleReply> {
    const n = typeof role === 'number' ? role : ROLE_NUMBERS[role];
    if (n === undefined) return Promise.reject(new Error(`unknown controller role ${String(role)}`));
    return this.request<RoleReply>({ type: 'roleRequest', xid: 0, role: n, generationId }, opts);
  }

  /**
   * Probe liveness with an echo request: true if the reply comes within `timeoutMs`. Used before
   * replacing this connection by another one claiming the same datapath id.
   */
  async probe(timeoutMs: number): Promise<boolean> {
    if (this.state === 'dead') return false;
    try {
      await this.request({ type: 'echoRequest', xid: 0, data: new Uint8Array(0) }, { timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The controller is stopping: from now on nothing new is sent to this switch (what is queued
   * still goes). Apps that react to other switches going down must not change this one's flows
   * on the way out: a graceful stop leaves every switch's flows as they are.
   */
  quiesce(): void {
    this.quiet = true;
  }

  close(reason: string, level: LogLevel = 'info', graceful = true, cause: DisconnectCause = 'closed'): void {
    if (this.state === 'dead') return;
    const wasUp = this.state === 'main';
    this.state = 'dead';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.liveness.stop();
    if (graceful && !this.socket.destroyed) {
      // Let the peer read what is queued (an ERROR explaining why), then FIN; destroy if it lingers.
      this.out.flush();
      this.out.dispose();
      this.socket.end();
      this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
      this.lingerTimer.unref();
    } else {
      this.out.dispose();
      this.socket.destroy();
    }
    this.tracker.failAll(reason);
    if (this.stats) {
      this.stats.count(this.stats.disconnects, cause);
      if (VIOLATIONS.has(cause)) this.stats.count(this.stats.violations, cause);
    }
    const what = wasUp ? 'switch disconnected' : this.features ? 'switch connection closed during handshake' : 'connection closed';
    if (this.mayLog(cause, level, what)) this.log[level]({ reason, cause, bytesIn: this.bytesIn }, `${what}: ${reason}`);
    this.hooks.down(this, reason, wasUp);
  }

  /** Resolves once the socket is fully closed. */
  whenSocketClosed(): Promise<void> {
    if (this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /** Drop the socket at once (after close(), when the peer did not finish in time). */
  destroy(): void {
    if (this.state !== 'dead') this.close('connection destroyed', 'info', false, this.quiet ? 'shutdown' : 'closed');
    this.socket.destroy();
  }

  /** Names in the peer's TLS certificate (subject CN, then DNS and IP SANs); [] without TLS. */
  peerCertificateNames(): string[] {
    return certificateNames(this.socket);
  }

  /**
   * The per-peer rate limit: true if a line about `cause` from this peer's address may be
   * logged now. Left-out lines are counted, and summed up in one line when the window ends.
   */
  private mayLog(cause: string, level: LogLevel, what: string): boolean {
    if (!this.limiter) return true;
    const peer = this.remoteAddress;
    const ok = this.limiter.allow(`${peer}|${cause}`, (n) =>
      this.baseLog[level]({ peer, cause, suppressed: n }, `${what} (${cause}) from ${peer}: ${n} more lines like this were left out`),
    );
    if (!ok && this.stats) this.stats.logLinesSuppressed++;
    return ok;
  }

  // ------------------------------------------------------------------ write path

  private write(msg: OfMessage, onError?: (err: ErrorMsg) => void): void {
    this.out.push(msg);
    this.tracker.noteSent(msg, onError);
  }

  private startRequest(
    msg: OfMessage,
    multipart: boolean,
    timeoutMs: number | undefined,
    done: (r: OfMessage | MultipartReplyBody[]) => void,
    fail: (e: Error) => void,
    maxBytes?: number,
    onPart?: (part: MultipartReplyBody) => void,
  ): void {
    if (this.state === 'dead' || this.quiet) {
      fail(new RequestError(`${msg.type}: connection to the switch is ${this.quiet ? 'closing (controller shutting down)' : 'closed'}`));
      return;
    }
    const m = msg.xid === 0 ? { ...msg, xid: this.tracker.allocXid() } : msg;
    this.tracker.track(m, multipart, timeoutMs ?? this.opts.requestTimeoutMs, done, fail, maxBytes, onPart);
    try {
      this.write(m);
    } catch (e) {
      this.tracker.cancel(m.xid);
      fail(e as Error);
    }
  }

  /**
   * A barrier of our own after every AUTO_BARRIER_EVERY messages sent with an error callback:
   * its reply lets the tracker drop their callbacks. Without it, a busy switch that is never
   * sent a barrier (a reactive app answering packet-ins) keeps up to maxErrorCallbacks
   * callbacks alive, each holding the message it was for, and the garbage collector must
   * trace that whole set again and again.
   */
  private autoBarrier(): void {
    this.startRequest({ type: 'barrierRequest', xid: 0 }, false, undefined, NOOP, NOOP);
  }

  /** An OpenFlow ERROR to the peer; data is the offending message's first 64 bytes or text. */
  private sendError(xid: number, errType: number, code: number, data: Uint8Array): void {
    try {
      this.write({ type: 'error', xid, errType, code, data: Uint8Array.from(data.subarray(0, 64)) });
    } catch {
      // Only possible while the ERROR codec is missing; closing without it is still correct.
    }
  }

  // ------------------------------------------------------------------ read path

  private handleData(chunk: Buffer): void {
    if (this.state === 'dead') return;
    if (this.bytesIn === 0 && !plausibleVersion(chunk[0]!)) {
      this.bytesIn += chunk.length;
      this.close(`not an OpenFlow peer (first bytes ${hexPreview(chunk)})`, 'warn', false, 'not_openflow');
      return;
    }
    this.bytesIn += chunk.length;
    this.liveness.received();
    this.reader.push(chunk);
    // What this input made the apps send goes out now, in the poll phase that read it, rather
    // than after every other connection's input of this turn: a request-response switch gets
    // its answer sooner (ofbench latency mode, 1 switch: ~5% more responses per second).
    // Input left in the backlog is answered by the write queue's own end-of-turn flush.
    this.out.flush();
  }

  /**
   * An ECHO_REQUEST that must wait behind a backlog of input is answered at once (FairReader's
   * scan). Only after the handshake began: a stream's first message must be its HELLO.
   */
  private answerEchoEarly(frame: Buffer): boolean {
    if (this.state === 'hello' || this.state === 'dead') return false;
    const xid = u32At(frame, 4);
    this.write({ type: 'echoReply', xid, data: Uint8Array.prototype.slice.call(frame, 8) });
    this.liveness.answeredEarly(xid);
    // No flush here: handleData flushes once after the whole chunk (one write for a chunk of
    // many echo requests, not one each).
    return true;
  }

  /** Feed bytes to the framer (FairReader decides when: at most a slice per turn). */
  private consume(bytes: Buffer): void {
    if (this.state === 'dead') return;
    try {
      this.framer.push(bytes, this.onFrame);
    } catch (e) {
      if (e instanceof OfCodecError) {
        // The stream lost its framing: nothing after this point can be trusted.
        this.close(`bad framing: ${e.message}`, 'warn', false, 'bad_framing');
      } else {
        // A bug in our code or in an event handler: log it loudly, but keep the controller up.
        this.log.error({ err: e }, 'internal error while handling a switch message');
      }
    }
  }

  private handleFrame(frame: Uint8Array): void {
    if (this.state === 'dead') return;
    if (this.stats) this.stats.rx[frame[1]!]!++;
    // Per frame, so an exception (a bug, or an app's error callback throwing) cannot cost the
    // rest of the chunk its framing.
    try {
      if (this.state === 'hello') return this.handleFirstFrame(frame);
      let msg: OfMessage;
      try {
        msg = decode(frame);
      } catch (e) {
        if (!(e instanceof OfCodecError)) throw e;
        return this.handleUndecodable(frame, e);
      }
      this.frameLength = frame.length;
      this.dispatch(msg);
    } catch (e) {
      this.log.error({ err: e }, 'internal error while handling a switch message');
    }
  }

  private handleFirstFrame(frame: Uint8Array): void {
    const version = frame[0]!;
    const type = frame[1]!;
    const xid = u32At(frame, 4);
    if (type !== 0) {
      if (version !== 4) this.sendError(xid, OFPET.BAD_REQUEST, 0 /* OFPBRC_BAD_VERSION */, frame);
      else this.sendError(xid, OFPET.HELLO_FAILED, OFPHFC.INCOMPATIBLE, Buffer.from(`expected OFPT_HELLO, got message type ${type}`));
      return this.close(`message type ${type} (version ${version}) before HELLO`, 'warn', true, 'before_hello');
    }
    let hello: OfMessage;
    try {
      hello = decode(frame);
    } catch (e) {
      if (!(e instanceof OfCodecError)) throw e;
      this.sendError(xid, e.errType, e.code, frame);
      return this.close(`undecodable HELLO: ${e.message}`, 'warn', true, 'bad_hello');
    }
    if (hello.type !== 'hello') return this.close('undecodable HELLO', 'warn', false, 'bad_hello');
    const refusal = negotiate(hello);
    if (refusal) {
      this.sendError(xid, OFPET.HELLO_FAILED, OFPHFC.INCOMPATIBLE, Buffer.from(refusal));
      return this.close(`version negotiation failed: ${refusal}`, 'warn', true, 'version');
    }
    this.state = 'features';
    this.startRequest(
      { type: 'featuresRequest', xid: 0 },
      false,
      this.opts.handshakeTimeoutMs,
      (r) => this.onFeatures(r as FeaturesReply),
      (e) => this.close(`FEATURES_REQUEST failed: ${e.message}`, 'warn', true, 'handshake_failed'),
    );
  }

  private handleUndecodable(frame: Uint8Array, e: OfCodecError): void {
    const xid = u32At(frame, 4);
    this.decodeErrors++;
    if (this.stats) this.stats.count(this.stats.violations, 'undecodable');
    this.sendError(xid, e.errType, e.code, frame);
    this.tracker.failXid(xid, new RequestError(`reply xid ${xid} could not be decoded: ${e.message}`));
    if (this.decodeErrors <= MAX_LOGGED_DECODE_ERRORS && this.mayLog('undecodable', 'warn', 'undecodable message from switch')) {
      this.log.warn({ xid, bytes: hexPreview(frame, 32) }, `undecodable message from switch answered with an ERROR: ${e.message}`);
    }
  }

  private dispatch(msg: OfMessage): void {
    switch (msg.type) {
      case 'echoRequest':
        // Answered already as it arrived (answerEchoEarly): in stream order, so it is the first.
        if (this.liveness.takeEarly(msg.xid)) return;
        // Written now, not at the end of the turn: the switch times its liveness probe, and
        // under load the turn's remaining work (other connections' slices) is milliseconds.
        this.write({ type: 'echoReply', xid: msg.xid, data: msg.data });
        this.out.flush();
        return;
      case 'error':
        this.stats?.error(msg.errType, msg.code);
        if (this.state === 'main') this.stats?.onSwitchError?.(this.info.dpid, msg);
        if (this.tracker.onError(msg)) return;
        for (const claim of this.claimers) if (claim(msg)) return;
        if (this.state === 'main') this.hooks.message(this, msg);
        else this.log.debug({ errType: msg.errType, code: msg.code, xid: msg.xid }, 'unclaimed ERROR during handshake');
        return;
      case 'portStatus':
        if (this.ports) {
          const no = msg.desc.portNo;
          if (msg.reason === OFPPR.DELETE) this.ports.delete(no);
          else if (this.ports.has(no) || this.ports.size < this.opts.maxPorts) this.ports.set(no, msg.desc);
          // Not kept, so not announced either: apps (topology's LLDP) see only the ports kept here.
          else return this.portOverLimit(no, 1);
        }
        break;
      default:
        if (!isAsync(msg) && this.tracker.onReply(msg, this.frameLength)) return;
        // Our own echo requests need no bookkeeping: any received byte already proved liveness.
        if (msg.type === 'echoReply') return this.liveness.echoReply(msg.xid);
    }
    if (this.state === 'main') this.hooks.message(this, msg);
  }

  // ------------------------------------------------------------------ handshake

  private onFeatures(reply: FeaturesReply): void {
    if (this.state !== 'features') return;
    if (reply.auxiliaryId !== 0) {
      // weft opens no auxiliary channels; one claiming a live switch's dpid must not replace it.
      return this.close(
        `auxiliary connection refused (datapath ${dpidString(reply.datapathId)}, auxiliary_id ${reply.auxiliaryId}): weft uses main connections only`,
        'warn',
        true,
        'auxiliary',
      );
    }
    this.features = reply;
    this.log = this.log.child({ dpid: dpidString(reply.datapathId) });
    this.state = 'config';
    // OFPC_FRAG_NORMAL; miss_send_len NO_BUFFER by default so packet-ins carry the whole frame.
    this.write({ type: 'setConfig', xid: this.tracker.allocXid(), flags: 0, missSendLen: this.opts.missSendLen }, (err) =>
      this.log.warn({ errType: err.errType, code: err.code }, 'switch refused SET_CONFIG'),
    );
    const hs = this.opts.handshakeTimeoutMs;
    this.startRequest(
      { type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'portDesc' } },
      true,
      hs,
      (bodies) => {
        const { ports, over } = portsFromDesc(bodies as MultipartReplyBody[], this.opts.maxPorts);
        this.ports = ports;
        if (over > 0) this.portOverLimit(undefined, over);
        this.maybeUp();
      },
      (e) => {
        if (this.state !== 'dead') this.close(`PORT_DESC request failed: ${e.message}`, 'warn', true, 'handshake_failed');
      },
      // Twice maxPorts ports of 64 bytes and some headers: more is not a switch describing itself.
      this.opts.maxPorts * 128 + 65_536,
    );
    this.startRequest(
      { type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'desc' } },
      true,
      hs,
      (bodies) => {
        this.desc = descFromBodies(bodies as MultipartReplyBody[]) ?? this.desc;
        this.descDone = true;
        this.maybeUp();
      },
      (e) => {
        // DESC is informative only: a switch that cannot describe itself is still usable.
        if (this.state === 'dead') return;
        this.log.info({ err: e.message }, 'DESC request failed; continuing without a description');
        this.descDone = true;
        this.maybeUp();
      },
    );
  }

  /** Ports beyond maxPorts: ignored (not kept, not announced), counted, logged at a limited rate. */
  private portOverLimit(portNo: number | undefined, n: number): void {
    if (this.stats) for (let i = 0; i < n; i++) this.stats.count(this.stats.limits, 'ports');
    if (this.mayLog('ports', 'warn', 'ports over the limit')) {
      const which = portNo === undefined ? `${n} ports of PORT_DESC` : `port ${portNo} (PORT_STATUS)`;
      this.log.warn({ limit: this.opts.maxPorts, ignored: n }, `${which} ignored: the switch has ${this.ports?.size ?? this.opts.maxPorts} ports, the limit is ${this.opts.maxPorts} (openflow.maxPorts)`);
    }
  }

  private maybeUp(): void {
    if (this.state !== 'config' || !this.ports || !this.descDone || !this.features || this.admitting) return;
    this._info = this.infoNow(this.features, this.ports);
    const verdict = this.hooks.admit(this);
    if (verdict instanceof Promise) {
      this.admitting = true;
      verdict.then(
        (refusal) => this.finishUp(refusal),
        (e: unknown) => this.finishUp(`admission failed: ${(e as Error)?.message ?? String(e)}`),
      );
      return;
    }
    this.finishUp(verdict);
  }

  private finishUp(refusal: string | undefined): void {
    this.admitting = false;
    if (this.state !== 'config') return;
    if (refusal !== undefined) return this.close(refusal, 'warn', true, 'refused');
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.state = 'main';
    this.liveness.start();
    this.hooks.up(this);
  }

  private infoNow(features: FeaturesReply, ports: Map<number, Port>): SwitchInfo {
    return {
      datapathId: features.datapathId,
      dpid: dpidString(features.datapathId),
      features,
      ports,
      desc: this.desc,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      tls: this.tls,
      connectedAt: Date.now(),
    };
  }

  // ------------------------------------------------------------------ closing

  private closedByPeerReason(): string {
    if (this.state === 'hello') return this.bytesIn === 0 ? 'peer closed before sending anything' : `peer closed before HELLO after ${this.bytesIn} bytes`;
    return 'connection closed by the switch';
  }

  /** A probe that connects and leaves (Mininet's controller check) is routine, not a warning. */
  private closedByPeerLevel(): LogLevel {
    return this.state === 'main' || this.state === 'hello' ? 'info' : 'warn';
  }
}
