/**
 * Router discovery messages (RFC 4861 sections 4.1, 4.2 and 4.6): router solicitations and
 * router advertisements with the source link-layer, MTU and prefix information options. The
 * decoder is decodeIcmpv6 (icmpv6.ts), which reads every field built here.
 */
import { parseIpv6, parseMac } from './addr.js';
import { checkInt, put32 } from './bytes.js';
import { ICMPV6_TYPE, NDP_OPTION } from './constants.js';
import { buildIcmpv6 } from './icmpv6.js';

export interface RaPrefixSpec {
  /** The prefix's network address (host bits are zeroed on the wire anyway by receivers). */
  prefix: string;
  prefixLength: number;
  /** L flag: the prefix is on-link (default true). */
  onLink?: boolean;
  /** A flag: hosts may form addresses in it by SLAAC (default true). */
  autonomous?: boolean;
  /** Seconds; 0xffffffff is infinity. */
  validLifetime: number;
  preferredLifetime: number;
}

export interface RouterAdvertisementSpec {
  /** Hop limit hosts should use (0: unspecified). */
  curHopLimit?: number;
  managed?: boolean;
  otherConfig?: boolean;
  /** Seconds as a default router (0: not a default router), at most 9000. */
  routerLifetime: number;
  reachableTime?: number;
  retransTimer?: number;
  sourceMac?: string;
  mtu?: number;
  prefixes?: RaPrefixSpec[];
  /** The enclosing packet's addresses (source link-local, RFC 4861 6.1.2), for the checksum. */
  src: string;
  dst: string;
}

function linkAddrOption(mac: string): Uint8Array {
  const o = new Uint8Array(8);
  o[0] = NDP_OPTION.SOURCE_LINK_ADDR;
  o[1] = 1;
  o.set(parseMac(mac), 2);
  return o;
}

function prefixOption(p: RaPrefixSpec): Uint8Array {
  const o = new Uint8Array(32);
  o[0] = NDP_OPTION.PREFIX_INFO;
  o[1] = 4;
  o[2] = checkInt('ra prefixLength', p.prefixLength, 0, 128);
  o[3] = (p.onLink === false ? 0 : 0x80) | (p.autonomous === false ? 0 : 0x40);
  const valid = checkInt('ra validLifetime', p.validLifetime, 0, 0xffffffff);
  const preferred = checkInt('ra preferredLifetime', p.preferredLifetime, 0, 0xffffffff);
  if (preferred > valid) throw new Error(`ra preferredLifetime ${preferred} exceeds validLifetime ${valid}`);
  put32(o, 4, valid);
  put32(o, 8, preferred);
  o.set(parseIpv6(p.prefix), 16);
  return o;
}

/** A router advertisement (the IPv6 payload; send with hop limit 255 from a link-local address). */
export function buildRouterAdvertisement(r: RouterAdvertisementSpec): Uint8Array {
  const options: Uint8Array[] = [];
  if (r.sourceMac !== undefined) options.push(linkAddrOption(r.sourceMac));
  if (r.mtu !== undefined) {
    const o = new Uint8Array(8);
    o[0] = NDP_OPTION.MTU;
    o[1] = 1;
    put32(o, 4, checkInt('ra mtu', r.mtu, 1280, 0xffffffff));
    options.push(o);
  }
  for (const p of r.prefixes ?? []) options.push(prefixOption(p));
  const optLen = options.reduce((n, o) => n + o.length, 0);
  const body = new Uint8Array(12 + optLen);
  body[0] = checkInt('ra curHopLimit', r.curHopLimit ?? 64, 0, 255);
  body[1] = (r.managed ? 0x80 : 0) | (r.otherConfig ? 0x40 : 0);
  const lifetime = checkInt('ra routerLifetime', r.routerLifetime, 0, 9000);
  body[2] = lifetime >>> 8;
  body[3] = lifetime & 0xff;
  put32(body, 4, checkInt('ra reachableTime', r.reachableTime ?? 0, 0, 3_600_000));
  put32(body, 8, checkInt('ra retransTimer', r.retransTimer ?? 0, 0, 0xffffffff));
  let at = 12;
  for (const o of options) {
    body.set(o, at);
    at += o.length;
  }
  return buildIcmpv6({ type: ICMPV6_TYPE.ROUTER_ADVERTISEMENT, body, src: r.src, dst: r.dst });
}

/** A router solicitation (to ff02::2); no source link-layer option from the unspecified address. */
export function buildRouterSolicitation(r: { sourceMac?: string; src: string; dst?: string }): Uint8Array {
  if (r.sourceMac !== undefined && parseIpv6(r.src).every((b) => b === 0)) throw new Error('a router solicitation from :: must not carry a source link-layer address (RFC 4861 4.1)');
  const opt = r.sourceMac === undefined ? new Uint8Array(0) : linkAddrOption(r.sourceMac);
  const body = new Uint8Array(4 + opt.length);
  body.set(opt, 4);
  return buildIcmpv6({ type: ICMPV6_TYPE.ROUTER_SOLICITATION, body, src: r.src, dst: r.dst ?? 'ff02::2' });
}
