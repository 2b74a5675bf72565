/**
 * The nat app's options (`appOptions.nat`). Unknown keys and out-of-range numbers stop weft at
 * start, naming the key; rules are validated like REST input (rules.ts).
 */
import { intOptions, rejectUnknownKeys, type AppOptions, type IntSpec } from '../sdk/options.js';

export type Backend = 'openflow' | 'conntrack';

export interface NatOptions {
  /** openflow: portable OpenFlow 1.3 (first packet to the controller); conntrack: Open vSwitch ct/nat. */
  backend: Backend;
  rules: unknown[];
  /** The routing app's FIB table: translated packets continue there. */
  routingTable: number;
  /** conntrack backend: the table ct() recirculates to (it resubmits to routingTable, so any table will do). */
  ctTable: number;
  /** conntrack zone of the NAT connections. */
  zone: number;
  /** Base priority of the table-0 NAT flows (above routing's 400/401 traps). */
  priority: number;
  /** Idle timeout of TCP session flows, s (openflow backend). */
  tcpIdleSec: number;
  /** Idle timeout of UDP session flows, s. */
  udpIdleSec: number;
  /** An ICMP echo translation is forgotten after this long without a packet, ms. */
  echoTtlMs: number;
  /** Upper bound on a session's life in the table if its flows vanish unseen (switch gone), ms. */
  sessionTtlMs: number;
  /** Session cap: new connections beyond it are refused (counted), existing ones keep working. */
  maxSessions: number;
  /** Ports (and ICMP ids) the outside address lends to masqueraded connections. */
  portMin: number;
  portMax: number;
}

type NumberKey = Exclude<keyof NatOptions, 'backend' | 'rules'>;

const NUMBERS = {
  routingTable: [1, 1, 254],
  ctTable: [2, 1, 254],
  zone: [7, 0, 0xffff],
  priority: [500, 403, 0xff00],
  tcpIdleSec: [60, 1, 0xffff],
  udpIdleSec: [30, 1, 0xffff],
  echoTtlMs: [30_000, 100, 3_600_000],
  sessionTtlMs: [3_600_000, 1_000, 7 * 24 * 3_600_000],
  maxSessions: [4_096, 1, 1_000_000],
  portMin: [1024, 1, 65535],
  portMax: [65535, 1, 65535],
} as const satisfies Record<NumberKey, IntSpec>;
const KEYS = ['backend', 'rules', ...Object.keys(NUMBERS)];

export function parseOptions(o: AppOptions): NatOptions {
  rejectUnknownKeys('nat', o, KEYS);
  const backend = o.backend ?? 'openflow';
  if (backend !== 'openflow' && backend !== 'conntrack') throw new RangeError(`nat option backend: expected "openflow" or "conntrack", got ${JSON.stringify(backend)}`);
  const rules = o.rules ?? [];
  if (!Array.isArray(rules)) throw new RangeError(`nat option rules: expected a list, got ${JSON.stringify(rules)}`);
  const opts: NatOptions = { backend, rules, ...intOptions('nat', o, NUMBERS) };
  if (opts.portMin > opts.portMax) throw new RangeError(`nat option portMin (${opts.portMin}) is above portMax (${opts.portMax})`);
  if (opts.ctTable === opts.routingTable) throw new RangeError('nat option ctTable must differ from routingTable');
  return opts;
}
