/**
 * The dhcp app's options (`appOptions.dhcp`). Unknown keys and out-of-range numbers stop weft
 * at start, naming the key; pools are validated like REST input (pools.ts).
 */
import { intOptions, rejectUnknownKeys, type AppOptions, type IntSpec } from '../sdk/options.js';

export interface DhcpOptions {
  pools: unknown[];
  /** Priority of the table-0 flows (above nat's 500-530 and routing's 400/401, so a renewal to a gateway comes here). */
  priority: number;
  /** DHCP packet-ins taken per second from one switch port (token bucket; burst the same). */
  ratePerSec: number;
  /** A port over the rate gets a drop flow for its DHCP requests for this long, s. */
  blockSec: number;
  /** An offer is held for the client's REQUEST this long, ms. */
  offerTtlMs: number;
  /** An address a client declined (or found in use) is not offered for this long, s. */
  declineHoldSec: number;
  /** Leases and offers held at once; a DISCOVER beyond it is not answered (counted). */
  maxLeases: number;
  /** Ports whose rate state is kept (least recently used dropped). */
  maxPorts: number;
}

type NumberKey = Exclude<keyof DhcpOptions, 'pools'>;

const NUMBERS = {
  priority: [600, 1, 0xfff0],
  ratePerSec: [20, 1, 100_000],
  blockSec: [10, 1, 3_600],
  offerTtlMs: [30_000, 1_000, 600_000],
  declineHoldSec: [600, 1, 86_400],
  maxLeases: [65_536, 1, 10_000_000],
  maxPorts: [65_536, 1, 10_000_000],
} as const satisfies Record<NumberKey, IntSpec>;

export function parseOptions(o: AppOptions): DhcpOptions {
  rejectUnknownKeys('dhcp', o, ['pools', ...Object.keys(NUMBERS)]);
  const pools = o.pools ?? [];
  if (!Array.isArray(pools)) throw new RangeError(`dhcp option pools: expected a list, got ${JSON.stringify(pools)}`);
  return { pools, ...intOptions('dhcp', o, NUMBERS) };
}
