/**
 * The routing app's options (`appOptions.routing`). Interfaces and static routes given here are
 * validated like REST input (rib.ts) when the app starts; unknown keys and out-of-range numbers
 * stop weft at start, naming the key.
 */

import { intOptions, rejectUnknownKeys } from '../sdk/index.js';
import type { AppOptions, IntSpec } from '../sdk/index.js';

export interface InterfaceSpec {
  /** Gateway address with its subnet's prefix length: "10.0.1.1/24". */
  address: string;
  /** The virtual MAC the gateway answers with (default 0e:00 + the four address bytes). */
  mac?: string;
  /** IPv6 gateway addresses with prefix length: ["2001:db8:1::1/64"] (dual stack). */
  ipv6?: string[];
  /** IPv6 MTU of the interface: larger packets routed out of it get ICMPv6 packet too big. */
  mtu?: number;
  /** Router advertisements (SLAAC) for the IPv6 prefixes: on by default. */
  ra?: RaSpec;
}

export interface RaSpec {
  enabled?: boolean;
  intervalSec?: number;
  validLifetimeSec?: number;
  preferredLifetimeSec?: number;
  routerLifetimeSec?: number;
}

export interface RouteSpec {
  /** Destination prefix, host bits zero: "10.0.9.0/24", "0.0.0.0/0". */
  prefix: string;
  /** Next hop, an address inside a connected subnet. */
  nextHop: string;
}

export interface RoutingOptions {
  interfaces: InterfaceSpec[];
  routes: RouteSpec[];
  /** Table of the routing (FIB) flows; table 0 sends frames to a router MAC there. */
  table: number;
  /** Priority of the table-0 flows that catch frames for the router (above l2-learning's 100). */
  priority: number;
  /** Priority of the table-0 flows carrying routed frames to their host across switches. */
  transitPriority: number;
  /** Idle timeout of forwarding flows, seconds (0: none). */
  idleTimeoutSec: number;
  /** One ARP attempt waits this long for the answer, ms. */
  arpTimeoutMs: number;
  /** ARP attempts before a host is declared unreachable. */
  arpRetries: number;
  /** A learned neighbour (IP -> MAC, place) is forgotten after this long without a sighting, ms. */
  neighborTtlMs: number;
  /** After failed resolution, packets to the address get ICMP host unreachable at once for this long, ms. */
  failedTtlMs: number;
  /** Packets held per address being resolved; more are dropped. */
  maxQueuePerDest: number;
  /** Packets held in all. */
  maxQueued: number;
  /** Addresses being resolved at once; more get ICMP host unreachable. */
  maxResolving: number;
  /** Neighbour table cap (least recently used dropped). */
  maxNeighbors: number;
  /** How often an unresolved static route's next hop is asked again, ms. */
  routeRetryMs: number;
  /** How often a resolved next hop is probed (no answer: the route becomes unresolved), ms. */
  routeProbeMs: number;
  /** ICMP errors the controller generates per second (burst the same). */
  icmpRatePerSec: number;
}

type NumberKey = Exclude<keyof RoutingOptions, 'interfaces' | 'routes'>;

const NUMBERS: Record<NumberKey, IntSpec> = {
  table: [1, 1, 254],
  priority: [400, 2, 0xfffe],
  transitPriority: [300, 1, 0xffff],
  idleTimeoutSec: [60, 0, 0xffff],
  arpTimeoutMs: [1_000, 10, 60_000],
  arpRetries: [3, 1, 20],
  neighborTtlMs: [300_000, 1_000, 24 * 3_600_000],
  failedTtlMs: [5_000, 0, 3_600_000],
  maxQueuePerDest: [16, 1, 10_000],
  maxQueued: [1_024, 1, 1_000_000],
  maxResolving: [256, 1, 100_000],
  maxNeighbors: [10_000, 1, 10_000_000],
  routeRetryMs: [10_000, 100, 3_600_000],
  routeProbeMs: [30_000, 1_000, 24 * 3_600_000],
  icmpRatePerSec: [100, 0, 1_000_000],
};

const KEYS = ['interfaces', 'routes', ...Object.keys(NUMBERS)];

function list(o: AppOptions, key: string): Record<string, unknown>[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) {
    throw new RangeError(`routing option ${key}: expected a list of objects, got ${JSON.stringify(v)}`);
  }
  return v as Record<string, unknown>[];
}

/** String fields are checked here; `other` keys (lists, numbers, objects) are validated by the Rib. */
function fields<T>(key: string, i: number, e: Record<string, unknown>, required: string[], optional: string[], other: string[] = []): T {
  for (const k of Object.keys(e)) {
    if (!required.includes(k) && !optional.includes(k) && !other.includes(k)) throw new RangeError(`routing option ${key}[${i}].${k} is unknown (known: ${[...required, ...optional, ...other].join(', ')})`);
  }
  for (const k of [...required, ...optional]) {
    if (e[k] === undefined) {
      if (required.includes(k)) throw new RangeError(`routing option ${key}[${i}].${k} is required`);
    } else if (typeof e[k] !== 'string') throw new RangeError(`routing option ${key}[${i}].${k}: expected a string, got ${JSON.stringify(e[k])}`);
  }
  return e as T;
}

export function parseOptions(o: AppOptions): RoutingOptions {
  rejectUnknownKeys('routing', o, KEYS);
  const opts: RoutingOptions = {
    interfaces: list(o, 'interfaces').map((e, i) => fields<InterfaceSpec>('interfaces', i, e, ['address'], ['mac'], ['ipv6', 'mtu', 'ra'])),
    routes: list(o, 'routes').map((e, i) => fields<RouteSpec>('routes', i, e, ['prefix', 'nextHop'], [])),
    ...intOptions('routing', o, NUMBERS),
  };
  if (opts.transitPriority >= opts.priority) throw new RangeError(`routing option transitPriority (${opts.transitPriority}) must be below priority (${opts.priority})`);
  return opts;
}
