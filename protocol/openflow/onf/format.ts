import { OFPBCT, OFPBF } from './constants.js';
import type { BundleAdd, BundleControl } from './types.js';

const CTRL_NAMES = new Map<number, string>(Object.entries(OFPBCT).map(([k, v]) => [v, k]));

function flagNames(flags: number): string {
  const out: string[] = [];
  if (flags & OFPBF.ATOMIC) out.push('atomic');
  if (flags & OFPBF.ORDERED) out.push('ordered');
  const rest = flags & ~(OFPBF.ATOMIC | OFPBF.ORDERED);
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.length ? out.join('|') : '0';
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** "ONFT_BUNDLE_CONTROL" fields, as ovs-ofctl prints them: bundle_id=0x1 type=OPEN_REQUEST flags=atomic|ordered. */
export function formatBundleControl(m: BundleControl): string {
  const props = m.properties.length ? ` properties_len=${m.properties.length}` : '';
  return `bundle_id=${hex(m.bundleId)} type=${CTRL_NAMES.get(m.ctrlType) ?? m.ctrlType} flags=${flagNames(m.flags)}${props}`;
}

/** The inner message is printed by the caller (format.ts), which knows every message. */
export function formatBundleAddHead(m: BundleAdd): string {
  return `bundle_id=${hex(m.bundleId)} flags=${flagNames(m.flags)}`;
}
