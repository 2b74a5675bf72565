import { OFPCML_NO_BUFFER } from '../../protocol/index.js';

/** Tunables of one switch connection. Every field has a default in DEFAULT_CONNECTION_OPTIONS. */
export interface ConnectionOptions {
  /** Send an ECHO_REQUEST after this long without receiving anything (OVS probes at 5 s). */
  echoIntervalMs: number;
  /** Close the connection after this many of our echo requests went unanswered in a row. */
  echoMaxMissed: number;
  /** HELLO to DESC reply must complete within this time, or the connection is closed. */
  handshakeTimeoutMs: number;
  /** Default timeout of request(), multipart() and barrier(). */
  requestTimeoutMs: number;
  /** Bytes waiting to be written (ours + the socket's) above which the peer is cut off. */
  maxQueuedBytes: number;
  /** miss_send_len in SET_CONFIG; OFPCML_NO_BUFFER asks for whole frames (OVS does not buffer). */
  missSendLen: number;
  /** send() error callbacks kept at most; the oldest are dropped first. */
  maxErrorCallbacks: number;
  /** Parts of one multipart reply kept at most; more closes the connection. */
  maxMultipartParts: number;
  /** Bytes (on the wire) of one multipart reply kept at most; more closes the connection. */
  maxMultipartBytes: number;
  /** A multipart reply must be complete this long after its request, however it trickles. */
  multipartDeadlineMs: number;
  /** Ports kept per switch (PORT_DESC and PORT_STATUS); further ports are ignored. */
  maxPorts: number;
  /** A second connection with a live datapath id: how long the old one has to answer an echo. */
  dpidProbeTimeoutMs: number;
}

export const DEFAULT_CONNECTION_OPTIONS: Readonly<ConnectionOptions> = Object.freeze({
  echoIntervalMs: 5_000,
  echoMaxMissed: 3,
  handshakeTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  maxQueuedBytes: 16 * 1024 * 1024,
  missSendLen: OFPCML_NO_BUFFER,
  maxErrorCallbacks: 65_536,
  maxMultipartParts: 16_384,
  maxMultipartBytes: 16 * 1024 * 1024,
  multipartDeadlineMs: 60_000,
  maxPorts: 4_096,
  dpidProbeTimeoutMs: 1_000,
});

/**
 * What to do when a connection completes its handshake with a datapath id that another live
 * connection already has. 'replace' (default): the old connection is probed with an echo
 * request; if it stays silent for dpidProbeTimeoutMs it is closed (switchDown) and the new one is
 * announced (switchUp): OVS reconnecting after a network blip looks like this, and the old TCP
 * connection may take a long time to time out. If the old one answers, the switch behind it is
 * alive and the new connection is refused: a peer cannot take over a live switch by claiming its
 * datapath id. 'reject': the new connection is always closed.
 */
export type DpidConflictPolicy = 'replace' | 'reject';

/** The logger surface we use; a pino Logger fits it. */
export interface OfLogger {
  child(bindings: Record<string, unknown>): OfLogger;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Fill in defaults and reject values that cannot work, naming the option. */
export function resolveConnectionOptions(partial: Partial<ConnectionOptions> = {}): ConnectionOptions {
  const o: ConnectionOptions = { ...DEFAULT_CONNECTION_OPTIONS };
  for (const [k, v] of Object.entries(partial)) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_CONNECTION_OPTIONS)) throw new Error(`unknown OpenFlow connection option "${k}"`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`OpenFlow option ${k}: expected a non-negative number, got ${String(v)}`);
    (o as unknown as Record<string, number>)[k] = v;
  }
  if (o.echoIntervalMs <= 0) throw new Error('OpenFlow option echoIntervalMs must be above 0');
  if (o.echoMaxMissed < 1) throw new Error('OpenFlow option echoMaxMissed must be at least 1');
  if (o.missSendLen > 0xffff) throw new Error('OpenFlow option missSendLen must fit in 16 bits');
  for (const k of ['maxMultipartParts', 'maxMultipartBytes', 'multipartDeadlineMs', 'maxPorts', 'dpidProbeTimeoutMs'] as const) {
    if (o[k] < 1) throw new Error(`OpenFlow option ${k} must be at least 1`);
  }
  return o;
}
