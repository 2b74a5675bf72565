/**
 * The topology app's options (`appOptions.topology` in the config). Unknown keys and values of
 * the wrong kind are refused at init, naming the key, so a typo does not silently keep a default.
 */

import { intOption, rejectUnknownKeys } from '../sdk/index.js';
import type { AppOptions } from '../sdk/index.js';
import { parsePin } from './pins.js';
import type { Pin } from './pins.js';

export interface TopologyOptions {
  /** How often LLDP goes out of every port. */
  lldpIntervalMs: number;
  /** A link not refreshed by LLDP for this long is removed. */
  linkTimeoutMs: number;
  /** A host not seen for this long is removed. */
  hostIdleMs: number;
  /** At most this many hosts in all; beyond it new MACs are refused (counted), never evicting one. */
  maxHosts: number;
  /** Hosts per switch port; beyond it new MACs on that port are refused (Faucet's max_hosts). */
  maxHostsPerPort: number;
  /** Hosts per switch; beyond it new MACs on that switch are refused. */
  maxHostsPerSwitch: number;
  /** Moves of one MAC to another port allowed per hostMoveWindowMs; more are refused. */
  hostMoveLimit: number;
  hostMoveWindowMs: number;
  /** MACs tied to one port: never learned anywhere else (docs/TOPOLOGY.md, "Host moves"). */
  pinnedHosts: readonly Pin[];
  /** Pins kept at most (config and REST together). */
  maxPins: number;
  /**
   * A new link is refused on a port where a host spoke (as an established edge) less than this
   * long ago: two hosts relaying our LLDP (0: no such check).
   */
  linkEdgeHoldMs: number;
  /**
   * A new link is refused when its LLDP frame took longer than this from our send, plus
   * lldpDelayBaselineFactor times the median recent LLDP delay (0: no check).
   */
  lldpMaxDelayMs: number;
  /** How much of weft's current LLDP delay (median over source ports) is allowed on top of lldpMaxDelayMs (0: a fixed limit). */
  lldpDelayBaselineFactor: number;
  /** Addresses kept per host and family (the most recent ones). */
  maxIpsPerHost: number;
  /**
   * How long a switch or port must be up, without a link showing on a port, before that port is
   * flooded without having seen a host on it (see docs/TOPOLOGY.md). 0 floods every linkless port
   * at once (the classic behaviour, which can loop for the first LLDP round).
   */
  settleMs: number;
  /**
   * A linkless port where the same broadcast keeps arriving (a loop: a cable LLDP has not
   * found, or a bridge that does not pass LLDP) is not flooded, and learns no host, for this long
   * (0: no such hold). See docs/TOPOLOGY.md, "Loop hold".
   */
  loopHoldMs: number;
  /** Priority of the flow sending LLDP to the controller. */
  lldpPriority: number;
}

const KEYS = [
  'lldpIntervalMs',
  'linkTimeoutMs',
  'hostIdleMs',
  'maxHosts',
  'maxHostsPerPort',
  'maxHostsPerSwitch',
  'hostMoveLimit',
  'hostMoveWindowMs',
  'pinnedHosts',
  'maxPins',
  'linkEdgeHoldMs',
  'lldpMaxDelayMs',
  'lldpDelayBaselineFactor',
  'maxIpsPerHost',
  'settleMs',
  'loopHoldMs',
  'lldpPriority',
] as const;

function num(o: AppOptions, key: string, dflt: number, min: number, max: number): number {
  return intOption('topology', o, key, dflt, min, max);
}

export function parseOptions(o: AppOptions): TopologyOptions {
  rejectUnknownKeys('topology', o, KEYS);
  const lldpIntervalMs = num(o, 'lldpIntervalMs', 5_000, 100, 3_600_000);
  // Three missed rounds, plus slack for the host tick (1 s by default) and a slow switch.
  const linkTimeoutMs = num(o, 'linkTimeoutMs', 3 * lldpIntervalMs + 2_000, lldpIntervalMs + 1, 24 * 3_600_000);
  const maxPins = num(o, 'maxPins', 10_000, 0, 1_000_000);
  return {
    lldpIntervalMs,
    linkTimeoutMs,
    hostIdleMs: num(o, 'hostIdleMs', 300_000, 1_000, 30 * 24 * 3_600_000),
    maxHosts: num(o, 'maxHosts', 100_000, 1, 10_000_000),
    maxHostsPerPort: num(o, 'maxHostsPerPort', 1_000, 1, 10_000_000),
    maxHostsPerSwitch: num(o, 'maxHostsPerSwitch', 10_000, 1, 10_000_000),
    hostMoveLimit: num(o, 'hostMoveLimit', 3, 1, 1_000_000),
    hostMoveWindowMs: num(o, 'hostMoveWindowMs', 60_000, 1, 24 * 3_600_000),
    pinnedHosts: pins(o.pinnedHosts, maxPins),
    maxPins,
    linkEdgeHoldMs: num(o, 'linkEdgeHoldMs', 2 * lldpIntervalMs, 0, 24 * 3_600_000),
    lldpMaxDelayMs: num(o, 'lldpMaxDelayMs', 1_000, 0, 3_600_000),
    lldpDelayBaselineFactor: num(o, 'lldpDelayBaselineFactor', 3, 0, 1_000),
    maxIpsPerHost: num(o, 'maxIpsPerHost', 8, 1, 1_000),
    settleMs: num(o, 'settleMs', Math.round(1.5 * lldpIntervalMs), 0, 24 * 3_600_000),
    // As long as a link takes to time out: a loop LLDP cannot see stays, one it finds ends the hold at once.
    loopHoldMs: num(o, 'loopHoldMs', linkTimeoutMs, 0, 24 * 3_600_000),
    lldpPriority: num(o, 'lldpPriority', 65_000, 1, 0xffff),
  };
}

function pins(v: unknown, max: number): readonly Pin[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new RangeError(`topology option pinnedHosts: expected an array of { mac, dpid, port }, got ${JSON.stringify(v)}`);
  if (v.length > max) throw new RangeError(`topology option pinnedHosts: ${v.length} pins, more than maxPins (${max})`);
  const seen = new Set<string>();
  return v.map((p: unknown, i) => {
    const at = `topology option pinnedHosts[${i}]`;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new RangeError(`${at}: expected { mac, dpid, port }, got ${JSON.stringify(p)}`);
    const r = p as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['mac', 'dpid', 'port'].includes(k)) throw new RangeError(`${at}.${k} is unknown (known: mac, dpid, port)`);
    let pin: Pin;
    try {
      pin = parsePin(r.mac, r.dpid, r.port);
    } catch (err) {
      throw new RangeError(`${at}.${(err as Error).message}`);
    }
    if (seen.has(pin.mac)) throw new RangeError(`${at}.mac: ${pin.mac} is pinned twice`);
    seen.add(pin.mac);
    return pin;
  });
}
