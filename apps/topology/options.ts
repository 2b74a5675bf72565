/**
 * The topology app's options (`appOptions.topology` in the config). Unknown keys and values of
 * the wrong kind are refused at init, naming the key, so a typo does not silently keep a default.
 */

import { intOption, rejectUnknownKeys } from '../sdk/index.js';
import type { AppOptions } from '../sdk/index.js';

export interface TopologyOptions {
  /** How often LLDP goes out of every port. */
  lldpIntervalMs: number;
  /** A link not refreshed by LLDP for this long is removed. */
  linkTimeoutMs: number;
  /** A host not seen for this long is removed. */
  hostIdleMs: number;
  /** At most this many hosts; the least recently seen is dropped first. */
  maxHosts: number;
  /** Addresses kept per host and family (the most recent ones). */
  maxIpsPerHost: number;
  /**
   * How long a switch or port must be up, without a link showing on a port, before that port is
   * flooded without having seen a host on it (see docs/TOPOLOGY.md). 0 floods every linkless port
   * at once (the classic behaviour, which can loop for the first LLDP round).
   */
  settleMs: number;
  /** Priority of the flow sending LLDP to the controller. */
  lldpPriority: number;
}

const KEYS = ['lldpIntervalMs', 'linkTimeoutMs', 'hostIdleMs', 'maxHosts', 'maxIpsPerHost', 'settleMs', 'lldpPriority'] as const;

function num(o: AppOptions, key: string, dflt: number, min: number, max: number): number {
  return intOption('topology', o, key, dflt, min, max);
}

export function parseOptions(o: AppOptions): TopologyOptions {
  rejectUnknownKeys('topology', o, KEYS);
  const lldpIntervalMs = num(o, 'lldpIntervalMs', 5_000, 100, 3_600_000);
  // Three missed rounds, plus slack for the host tick (1 s by default) and a slow switch.
  const linkTimeoutMs = num(o, 'linkTimeoutMs', 3 * lldpIntervalMs + 2_000, lldpIntervalMs + 1, 24 * 3_600_000);
  return {
    lldpIntervalMs,
    linkTimeoutMs,
    hostIdleMs: num(o, 'hostIdleMs', 300_000, 1_000, 30 * 24 * 3_600_000),
    maxHosts: num(o, 'maxHosts', 100_000, 1, 10_000_000),
    maxIpsPerHost: num(o, 'maxIpsPerHost', 8, 1, 1_000),
    settleMs: num(o, 'settleMs', Math.round(1.5 * lldpIntervalMs), 0, 24 * 3_600_000),
    lldpPriority: num(o, 'lldpPriority', 65_000, 1, 0xffff),
  };
}
