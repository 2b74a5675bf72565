/**
 * The l2-learning app's options (`appOptions['l2-learning']` in the config). Unknown keys and
 * values of the wrong kind are refused at init, naming the key, so a typo does not silently
 * keep a default.
 */

import { intOptions, rejectUnknownKeys, type AppOptions, type IntSpec } from '../sdk/options.js';

export interface L2Options {
  /** Flow table the forwarding flows go to (the table-miss flow must send misses to us). */
  table: number;
  /** Priority of the forwarding flows (above the table-miss flow, below LLDP trapping). */
  priority: number;
  /** Idle timeout of the forwarding flows, seconds. */
  idleTimeoutSec: number;
  /** A MAC not seen for this long is forgotten, ms. */
  macTtlMs: number;
  /** Learned MACs per switch; beyond it new MACs are refused (and counted), not evicted. */
  maxMacsPerSwitch: number;
  /** Learned MACs per switch port; beyond it new MACs on that port are refused. */
  maxMacsPerPort: number;
  /** Destinations whose installed path is remembered (for precise invalidation on link down). */
  maxTrackedDestinations: number;
}

const SPECS = {
  table: [0, 0, 254],
  priority: [100, 1, 0xffff],
  idleTimeoutSec: [60, 0, 0xffff],
  macTtlMs: [300_000, 1_000, 30 * 24 * 3_600_000],
  maxMacsPerSwitch: [10_000, 1, 10_000_000],
  maxMacsPerPort: [1_000, 1, 10_000_000],
  maxTrackedDestinations: [20_000, 1, 10_000_000],
} as const satisfies Record<keyof L2Options, IntSpec>;

export function parseOptions(o: AppOptions): L2Options {
  rejectUnknownKeys('l2-learning', o, Object.keys(SPECS));
  return intOptions('l2-learning', o, SPECS);
}
