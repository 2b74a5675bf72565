import type { DescStats, ErrorMsg, FeaturesReply, MultipartReplyBody, MultipartRequest, OfMessage, Port } from '../../protocol/index.js';

/**
 * The contract between the connection layer (src/openflow) and the app host (src/host).
 * A SwitchConnection exists for apps only after the handshake (HELLO, FEATURES, SET_CONFIG,
 * PORT_DESC, DESC) has completed.
 */
export interface SwitchInfo {
  readonly datapathId: bigint;
  /** 16 lowercase hex digits. */
  readonly dpid: string;
  readonly features: FeaturesReply;
  /** Current ports by number, kept up to date from PORT_STATUS. */
  readonly ports: ReadonlyMap<number, Port>;
  readonly desc: DescStats | undefined;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly tls: boolean;
  /** Date.now() when the handshake completed. */
  readonly connectedAt: number;
}

/** An OpenFlow ERROR from the switch, matched to the request that caused it. */
export class SwitchError extends Error {
  override readonly name = 'SwitchError';
  constructor(
    readonly error: ErrorMsg,
    readonly request: OfMessage | undefined,
    text: string,
  ) {
    super(text);
  }
  get errType(): number {
    return this.error.errType;
  }
  get code(): number {
    return this.error.code;
  }
}

/** A request that got no reply in time, or whose connection closed first. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

export interface RequestOptions {
  /** Default from the controller config (requestTimeoutMs). */
  timeoutMs?: number;
}

export interface MultipartOptions extends RequestOptions {
  /**
   * Take each reply part as it arrives instead of collecting them: the promise then resolves
   * with [] once the last part is in. A caller that turns parts into something compact at once
   * (REST writes JSON bytes) keeps no decoded objects alive across the reply, which for a long
   * dump means no objects for the garbage collector to copy and promote. A throw fails the
   * request with that error (the connection stays). Implementations that cannot stream may
   * ignore it and resolve with the parts (src/rest/multipart.ts handles both).
   */
  onPart?: (part: MultipartReplyBody) => void;
}

export interface SwitchConnection {
  readonly info: SwitchInfo;
  readonly closed: boolean;
  /**
   * Set by a cluster instance (docs/CLUSTER.md): while it answers false, messages that change
   * the switch (FLOW_MOD, GROUP_MOD, METER_MOD, PORT_MOD, TABLE_MOD, PACKET_OUT) are dropped
   * here, whoever sends them, and counted in `writesGated`.
   */
  writeGate?: (() => boolean) | undefined;
  /** Writes dropped by writeGate. */
  readonly writesGated?: number;
  /** Bytes queued for the switch and not yet handed to the kernel (ours and the socket's); undefined where there is no socket (test fakes). */
  readonly queuedBytes?: number;
  /** Round trip of the last echo request weft sent (ms), for the UI; undefined before one returned. */
  readonly echoRttMs?: number | undefined;
  /**
   * Queue a message for the switch. A message with xid 0 gets a fresh xid. Returns the xid.
   * `msg` is not modified, so a caller may send one object twice. `onError` is called if the switch answers this xid with an ERROR (until a later barrier
   * reply proves it was accepted); errors nobody claims reach the 'message' event.
   */
  send(msg: OfMessage, onError?: (err: ErrorMsg) => void): number;
  /**
   * Queue one message the caller encoded already (a complete OpenFlow 1.3 message: version,
   * type, length = bytes.length), as send() would: an xid of 0 in its header is replaced by a
   * fresh one (in our copy: `bytes` is not modified; an ONF bundle add's inner message gets the
   * same xid). Returns the xid. Throws a plain Error,
   * sending nothing, when the bytes are not one whole message. For callers that check and
   * encode many messages before sending any (the REST bulk route): they keep bytes, not objects.
   */
  sendEncoded(bytes: Uint8Array, onError?: (err: ErrorMsg) => void): number;
  /**
   * Offer every ERROR that no request and no send() callback claims to `claim` first (true =
   * claimed: it does not reach the 'message' event). For a caller whose messages outlive their
   * error callbacks: the bulk route's bundle adds, whose errors may arrive only at COMMIT, long
   * after barriers pruned the callbacks. Returns the function that stops the offers. Absent on
   * connections that cannot do it (the route then takes its path without bundles).
   */
  claimErrors?(claim: (err: ErrorMsg) => boolean): () => void;
  /** A request with one reply (features, get-config, role, barrier, queue config, async...). */
  request<T extends OfMessage = OfMessage>(msg: OfMessage, opts?: RequestOptions): Promise<T>;
  /** A multipart request; resolves with every reply body once the last (no REPLY_MORE) arrives. */
  multipart(msg: MultipartRequest, opts?: MultipartOptions): Promise<MultipartReplyBody[]>;
  /** Barrier: resolves when the switch has processed everything sent before it. */
  barrier(opts?: RequestOptions): Promise<void>;
  /**
   * Only connections that answer in-process (the test fakes): a multipart request answered at
   * once, or a barrier (undefined) sent and done. Reconciliation then runs within switchUp.
   */
  answerNow?(msg: MultipartRequest | { type: 'barrierRequest'; xid: number }): MultipartReplyBody[] | undefined;
  close(reason: string): void;
}

/** What the connection layer reports to the app host. */
export interface ConnectionEvents {
  switchUp(sw: SwitchConnection): void;
  switchDown(sw: SwitchConnection, reason: string): void;
  /** Asynchronous and unclaimed messages: packetIn, flowRemoved, portStatus, error, experimenter... */
  message(sw: SwitchConnection, msg: OfMessage): void;
}

/**
 * Switch arrivals and departures only, for observers beside the app host (the REST event bus,
 * a worker's reports to its primary). They never see PACKET_IN and the other messages, so
 * adding one costs the message path nothing. Called after the app host's switchUp/switchDown.
 */
export interface SwitchLifecycleListener {
  switchUp?(sw: SwitchConnection): void;
  switchDown?(sw: SwitchConnection, reason: string): void;
}
