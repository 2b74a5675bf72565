/**
 * The types and constants of a switch connection (connection.ts): its states, why it closed,
 * the server's hooks, role names, and which messages are writes (the cluster's write gate).
 */
import { OFP_VERSION, OFPCR_ROLE, OFPT } from '../../protocol/index.js';
import type { OfMessage } from '../../protocol/index.js';
import type { OpenFlowConnection } from './connection.js';

/**
 * hello: waiting for the peer's HELLO; features: FEATURES_REQUEST sent; config: SET_CONFIG,
 * PORT_DESC and DESC sent, waiting for both replies; main: announced to apps; dead: closed.
 */
export type ConnectionState = 'hello' | 'features' | 'config' | 'main' | 'dead';

/**
 * Why a connection closed (the label of weft_openflow_disconnects_total). Peer faults:
 * not_openflow, bad_framing, before_hello, bad_hello, version, auxiliary, limit; the peer went:
 * peer_closed, socket_error, echo_timeout, handshake_timeout, handshake_failed, slow_reader;
 * our decision: refused, replaced, shutdown, closed (an app or REST asked).
 */
export type DisconnectCause =
  | 'not_openflow'
  | 'bad_framing'
  | 'before_hello'
  | 'bad_hello'
  | 'version'
  | 'auxiliary'
  | 'limit'
  | 'peer_closed'
  | 'socket_error'
  | 'echo_timeout'
  | 'handshake_timeout'
  | 'handshake_failed'
  | 'slow_reader'
  | 'refused'
  | 'replaced'
  | 'shutdown'
  | 'closed';

/** Causes that are protocol violations by the peer (also counted in weft_openflow_violations_total). */
export const VIOLATIONS: ReadonlySet<DisconnectCause> = new Set(['not_openflow', 'bad_framing', 'before_hello', 'bad_hello', 'version', 'auxiliary']);

/** How the server hears about a connection's life. */
export interface ConnectionHooks {
  /**
   * Handshake done: may the switch be announced? A string refuses it with that reason; a
   * promise defers the answer (the connection waits, its handshake deadline still running).
   */
  admit(conn: OpenFlowConnection): string | undefined | Promise<string | undefined>;
  up(conn: OpenFlowConnection): void;
  message(conn: OpenFlowConnection, msg: OfMessage): void;
  /** Called once, when the connection closes for any reason. `wasUp`: switchUp had been emitted. */
  down(conn: OpenFlowConnection, reason: string, wasUp: boolean): void;
}

export type LogLevel = 'debug' | 'info' | 'warn';

export type RoleName = 'nochange' | 'equal' | 'master' | 'slave';
export const ROLE_NUMBERS: Record<RoleName, number> = {
  nochange: OFPCR_ROLE.NOCHANGE,
  equal: OFPCR_ROLE.EQUAL,
  master: OFPCR_ROLE.MASTER,
  slave: OFPCR_ROLE.SLAVE,
};

/** A graceful close waits this long for the peer to read our last bytes before destroying. */
export const LINGER_MS = 2_000;
/** Messages with an error callback between two barriers of our own (see autoBarrier). */
export const AUTO_BARRIER_EVERY = 1024;
export const NOOP = (): void => undefined;
/** Undecodable messages logged per connection before going quiet (the count is kept). */
export const MAX_LOGGED_DECODE_ERRORS = 10;

/** Message types that change a switch: what a cluster instance that is not its master must not send. */
export const WRITES = new Set<number>([OFPT.PACKET_OUT, OFPT.FLOW_MOD, OFPT.GROUP_MOD, OFPT.PORT_MOD, OFPT.TABLE_MOD, OFPT.METER_MOD]);
// A bundle add carries one of these (OVS refuses it from a slave controller too).
export const WRITE_NAMES = new Set<string>(['packetOut', 'flowMod', 'groupMod', 'portMod', 'tableMod', 'meterMod', 'bundleAdd']);

/** sendEncoded's check: one whole OpenFlow 1.3 message, as far as its header says. */
export function checkEncoded(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) throw new Error(`sendEncoded: ${bytes instanceof Uint8Array ? `${bytes.length} bytes` : 'not bytes'}, not an OpenFlow message (8-byte header at least)`);
  if (bytes[0] !== OFP_VERSION) throw new Error(`sendEncoded: version ${bytes[0]} in the header, expected ${OFP_VERSION} (OpenFlow 1.3)`);
  const len = (bytes[2]! << 8) | bytes[3]!;
  if (len !== bytes.length) throw new Error(`sendEncoded: the header says ${len} bytes, ${bytes.length} given`);
}
