/**
 * Cheap counters the connection layer keeps for /metrics: messages in and out by ofp_type
 * number (plain array increments, so the packet-in path pays a few nanoseconds), switch ERRORs
 * by type and code, and an optional callback for the round-trip time of our echo requests.
 * src/metrics.ts reads these in its collect() callbacks; nothing here knows about prom-client.
 */
import type { ErrorMsg } from '../../protocol/index.js';

export class OpenFlowStats {
  /** Messages received, indexed by ofp_type (header byte 1). */
  readonly rx = new Float64Array(256);
  /** Messages queued for sending, indexed by ofp_type. */
  readonly tx = new Float64Array(256);
  /** ERRORs received from switches, keyed errType * 65536 + code. */
  readonly errors = new Map<number, number>();
  /** Called with every ERROR a switch sends after its handshake (the live event stream listens). */
  onSwitchError: ((dpid: string, err: ErrorMsg) => void) | undefined;
  /** Called with the round trip of each of our echo requests, in seconds. */
  onEchoRtt: ((seconds: number) => void) | undefined;
  /** Connections closed, by cause (DisconnectCause). */
  readonly disconnects = new Map<string, number>();
  /** Protocol violations by peers, by kind (not_openflow, bad_framing, undecodable ...). */
  readonly violations = new Map<string, number>();
  /** Caps that were hit, by limit (multipart_parts, multipart_bytes, multipart_deadline, ports). */
  readonly limits = new Map<string, number>();
  /** Log lines left out by the per-peer rate limit. */
  logLinesSuppressed = 0;

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  error(errType: number, code: number): void {
    const k = errType * 65536 + code;
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
  }
}
