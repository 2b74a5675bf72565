/**
 * The l2-learning app's options (`appOptions['l2-learning']` in the config). Unknown keys and
 * values of the wrong kind are refused at init, naming the key, so a typo does not silently
 * keep a default.
 */

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

const KEYS = ['table', 'priority', 'idleTimeoutSec', 'macTtlMs', 'maxMacsPerSwitch', 'maxMacsPerPort', 'maxTrackedDestinations'] as const;

function num(o: Readonly<Record<string, unknown>>, key: string, dflt: number, min: number, max: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`l2-learning option ${key}: expected an integer in ${min}-${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function parseOptions(o: Readonly<Record<string, unknown>>): L2Options {
  for (const k of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new RangeError(`l2-learning option ${k} is unknown (known: ${KEYS.join(', ')})`);
  }
  return {
    table: num(o, 'table', 0, 0, 254),
    priority: num(o, 'priority', 100, 1, 0xffff),
    idleTimeoutSec: num(o, 'idleTimeoutSec', 60, 0, 0xffff),
    macTtlMs: num(o, 'macTtlMs', 300_000, 1_000, 30 * 24 * 3_600_000),
    maxMacsPerSwitch: num(o, 'maxMacsPerSwitch', 10_000, 1, 10_000_000),
    maxMacsPerPort: num(o, 'maxMacsPerPort', 1_000, 1, 10_000_000),
    maxTrackedDestinations: num(o, 'maxTrackedDestinations', 20_000, 1, 10_000_000),
  };
}
