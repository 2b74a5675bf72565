/**
 * Cookie ranges. Every flow an app installs carries a 64-bit cookie whose high 16 bits are the
 * app's id (assigned by the host) and whose low 48 bits are the app's own. That lets the host
 * give packet-ins and flow-removed to the app whose flow caused them, and lets an app delete
 * all of its flows (and only its flows) with one cookie-masked flow delete.
 * App id 0 is never assigned: cookie 0 means "installed by nobody we know" (ovs-ofctl, say).
 */

export const APP_ID_BITS = 16;
export const APP_ID_SHIFT = 48n;
export const APP_ID_MAX = 0xffff;
/** The mask selecting the app-id part of a cookie. */
export const APP_COOKIE_MASK = 0xffff_0000_0000_0000n;
/** The mask selecting the app's own low part. */
export const APP_LOW_MASK = 0x0000_ffff_ffff_ffffn;
/** Cookie value OVS reports for packet-ins that matched no flow at all (OF1.3: all ones). */
export const NO_FLOW_COOKIE = 0xffff_ffff_ffff_ffffn;

/** The app id encoded in a cookie (0 when no app). */
export function cookieAppId(cookie: bigint): number {
  return Number((cookie >> APP_ID_SHIFT) & 0xffffn);
}

/** Build a cookie in an app's range; `low` must fit in 48 bits. */
export function makeCookie(appId: number, low: number | bigint = 0n): bigint {
  if (!Number.isInteger(appId) || appId < 1 || appId > APP_ID_MAX) throw new RangeError(`app id ${appId} is not in 1-${APP_ID_MAX}`);
  const l = BigInt(low);
  if (l < 0n || l > APP_LOW_MASK) throw new RangeError(`cookie low part ${l} does not fit in 48 bits`);
  return (BigInt(appId) << APP_ID_SHIFT) | l;
}
