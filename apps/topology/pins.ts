/**
 * Pinned hosts: MACs an operator ties to one switch port (`appOptions.topology.pinnedHosts`, or
 * REST `PUT /api/v1/apps/topology/pins/<mac>`). A pinned MAC is learned only there: a frame
 * with its source address on any other port is refused, so a host elsewhere cannot take it
 * over. Bounded by `maxPins`.
 */
import { formatMac, parseMac } from '../../protocol/packet/index.js';
import { toDpid } from '../sdk/index.js';
import type { Dpid } from '../sdk/index.js';
import type { HostPin } from './api.js';

export type Pin = HostPin;

/** A pin from untrusted input (config or a REST body): canonical, or a RangeError naming what is wrong. */
export function parsePin(mac: unknown, dpid: unknown, port: unknown): Pin {
  if (typeof mac !== 'string') throw new RangeError(`mac: expected a MAC address string, got ${JSON.stringify(mac)}`);
  let canonical: string;
  try {
    canonical = formatMac(parseMac(mac));
  } catch {
    throw new RangeError(`mac: ${JSON.stringify(mac)} is not a MAC address`);
  }
  if ((parseMac(canonical)[0]! & 1) === 1) throw new RangeError(`mac: ${canonical} is a group address, never a host`);
  let d: Dpid;
  try {
    if (typeof dpid === 'number' && Number.isSafeInteger(dpid) && dpid >= 0) d = toDpid(BigInt(dpid));
    else if (typeof dpid === 'string') d = toDpid(dpid);
    else throw new RangeError('');
  } catch {
    throw new RangeError(`dpid: expected a datapath id (up to 16 hex digits), got ${JSON.stringify(dpid)}`);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 0xffffff00) {
    throw new RangeError(`port: expected a physical port number 1-4294967040, got ${JSON.stringify(port)}`);
  }
  return Object.freeze({ mac: canonical, dpid: d, port });
}

export class PinTable {
  readonly #pins = new Map<string, Pin>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#pins.size;
  }

  get(mac: string): Pin | undefined {
    return this.#pins.get(mac);
  }

  all(): Pin[] {
    return [...this.#pins.values()].sort((a, b) => (a.mac < b.mac ? -1 : 1));
  }

  /** Pin (or re-pin) a MAC; a RangeError when the table is full and the MAC is new. */
  set(pin: Pin): void {
    if (!this.#pins.has(pin.mac) && this.#pins.size >= this.#max) throw new RangeError(`pin table full (maxPins ${this.#max})`);
    this.#pins.set(pin.mac, pin);
  }

  delete(mac: string): boolean {
    return this.#pins.delete(mac);
  }

  /** Whether `mac` may be learned on (dpid, port): unpinned, or pinned right there. */
  allows(mac: string, dpid: Dpid, port: number): boolean {
    if (this.#pins.size === 0) return true;
    const p = this.#pins.get(mac);
    return p === undefined || (p.dpid === dpid && p.port === port);
  }
}
