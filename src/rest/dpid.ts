/**
 * Datapath ids at the REST edge. Accepted: 16 hex digits ("000000000000002a"), eight
 * colon-separated bytes ("00:00:00:00:00:00:00:2a"), or 0x-prefixed hex ("0x2a"). Printed as 16
 * lowercase hex digits, as Open vSwitch and the connection layer print them. A bare short number
 * is refused: "42" could mean 0x42 or decimal 42 (the Ryu-compatible routes take decimal).
 */
import { HttpError } from './errors.js';

const HEX16 = /^[0-9a-fA-F]{16}$/;
const COLONS = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){7}$/;
const PREFIXED = /^0[xX][0-9a-fA-F]{1,16}$/;

/** The canonical dpid string, or undefined when `s` is not one of the accepted forms. */
export function parseDpid(s: string): string | undefined {
  if (HEX16.test(s)) return s.toLowerCase();
  if (COLONS.test(s)) return s.replace(/:/g, '').toLowerCase();
  if (PREFIXED.test(s)) return s.slice(2).toLowerCase().padStart(16, '0');
  return undefined;
}

/** Like parseDpid, but a bad form is a 400 naming the parameter. */
export function requireDpid(s: string, field = 'dpid'): string {
  const d = parseDpid(s);
  if (d === undefined) {
    throw new HttpError(400, 'bad_request', `${field}: expected 16 hex digits, 8 colon-separated hex bytes or 0x-prefixed hex, got ${JSON.stringify(s)}`, field);
  }
  return d;
}

export function formatDpid(datapathId: bigint): string {
  return datapathId.toString(16).padStart(16, '0');
}

/** The dpid as a decimal integer string (Ryu's form) and back. */
export function dpidToBigInt(dpid: string): bigint {
  return BigInt(`0x${dpid}`);
}

export const DPID_PARAM_SCHEMA = {
  type: 'string',
  description: 'datapath id: 16 hex digits, 00:00:..:2a, or 0x2a',
  examples: ['000000000000002a'],
} as const;
