import { formatIpv4, formatIpv6, formatMac, parseIp, parseMac } from './addr.js';
import { checkBytes, checkInt, concat, u16, u32 } from './bytes.js';
import { ETH_TYPE, IANA_AF, LLDP_CHASSIS_SUBTYPE as CH, LLDP_MULTICAST_MAC, LLDP_PORT_SUBTYPE as PT, LLDP_TLV } from './constants.js';
import { buildEthernet } from './ethernet.js';
import { bad, short, type FrameState } from './frame-state.js';
import type { LldpId, LldpPdu } from './types.js';

const utf8 = new TextDecoder('utf-8');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** An IANA-family-prefixed address (chassis/port id "network address" subtypes). */
function networkAddress(b: Uint8Array): string {
  if (b[0] === IANA_AF.IPV4 && b.length === 5) return formatIpv4(b, 1);
  if (b[0] === IANA_AF.IPV6 && b.length === 17) return formatIpv6(b, 1);
  return hex(b);
}

function idText(raw: Uint8Array, mac: boolean, net: boolean, text: boolean): string {
  if (mac && raw.length === 6) return formatMac(raw);
  if (net) return networkAddress(raw);
  return text ? utf8.decode(raw) : hex(raw);
}

function chassisId(v: Uint8Array): LldpId {
  const subtype = v[0]!;
  const raw = v.subarray(1);
  const text = subtype >= CH.CHASSIS_COMPONENT && subtype <= CH.LOCALLY_ASSIGNED;
  return { subtype, id: idText(raw, subtype === CH.MAC_ADDRESS, subtype === CH.NETWORK_ADDRESS, text), raw };
}

function portId(v: Uint8Array): LldpId {
  const subtype = v[0]!;
  const raw = v.subarray(1);
  const text = subtype >= PT.INTERFACE_ALIAS && subtype <= PT.LOCALLY_ASSIGNED && subtype !== PT.AGENT_CIRCUIT_ID;
  return { subtype, id: idText(raw, subtype === PT.MAC_ADDRESS, subtype === PT.NETWORK_ADDRESS, text), raw };
}

/**
 * Decode LLDP TLVs from `off` to the End TLV. A PDU that runs to the end of the frame without
 * End is still returned (with its mandatory TLVs), but `error` says End was missing: that is
 * what a truncated LLDPDU looks like.
 */
export function decodeLldp(d: Uint8Array, off: number, f: FrameState): void {
  const end = d.length;
  let chassis: LldpId | undefined;
  let port: LldpId | undefined;
  let ttl: number | undefined;
  const pdu: Omit<LldpPdu, 'chassisId' | 'portId' | 'ttl'> = { orgSpecific: [], unknown: [] };
  let o = off;
  let sawEnd = false;
  while (o < end) {
    if (o + 2 > end) return short(f, 'lldp tlv', o, 2, end);
    const h = u16(d, o);
    const type = h >>> 9;
    const len = h & 0x1ff;
    if (o + 2 + len > end) return short(f, `lldp tlv type ${type}`, o, 2 + len, end);
    const v = d.subarray(o + 2, o + 2 + len);
    f.payloadOffset = o;
    switch (type) {
      case LLDP_TLV.END:
        f.payloadOffset = o + 2 + len;
        sawEnd = true;
        o = end;
        continue;
      case LLDP_TLV.CHASSIS_ID:
        if (len < 2) return bad(f, o, `lldp chassis id tlv of length ${len} at offset ${o}`);
        chassis = chassisId(v);
        break;
      case LLDP_TLV.PORT_ID:
        if (len < 2) return bad(f, o, `lldp port id tlv of length ${len} at offset ${o}`);
        port = portId(v);
        break;
      case LLDP_TLV.TTL:
        if (len < 2) return bad(f, o, `lldp ttl tlv of length ${len} at offset ${o}`);
        ttl = u16(v, 0);
        break;
      case LLDP_TLV.PORT_DESCRIPTION:
        pdu.portDescription = utf8.decode(v);
        break;
      case LLDP_TLV.SYSTEM_NAME:
        pdu.systemName = utf8.decode(v);
        break;
      case LLDP_TLV.SYSTEM_DESCRIPTION:
        pdu.systemDescription = utf8.decode(v);
        break;
      case LLDP_TLV.SYSTEM_CAPABILITIES:
        if (len >= 4) pdu.systemCapabilities = { capabilities: u16(v, 0), enabled: u16(v, 2) };
        else pdu.unknown.push({ type, value: v });
        break;
      case LLDP_TLV.ORG_SPECIFIC:
        if (len >= 4) pdu.orgSpecific.push({ oui: u32(v, 0) >>> 8, subtype: v[3]!, info: v.subarray(4) });
        else pdu.unknown.push({ type, value: v });
        break;
      default:
        pdu.unknown.push({ type, value: v });
    }
    o += 2 + len;
    f.payloadOffset = o;
  }
  if (!chassis || !port || ttl === undefined) {
    const missing = [!chassis && 'chassis id', !port && 'port id', ttl === undefined && 'ttl'].filter(Boolean).join(', ');
    return bad(f, f.payloadOffset, `lldp: missing mandatory tlv (${missing})`);
  }
  f.lldp = { chassisId: chassis, portId: port, ttl, ...pdu };
  if (!sawEnd) bad(f, o, `lldp: no End TLV before the end of the frame at offset ${o}`);
}

export interface LldpIdSpec {
  subtype: number;
  /**
   * Bytes as they go on the wire, or text: for the MAC subtypes an aa:bb:.. address, for the
   * network-address subtypes an IPv4/IPv6 address (the IANA family byte is added), else UTF-8.
   */
  id: string | Uint8Array;
}

export interface LldpSpec {
  chassisId: LldpIdSpec;
  portId: LldpIdSpec;
  ttl: number;
  portDescription?: string;
  systemName?: string;
  systemDescription?: string;
  systemCapabilities?: { capabilities: number; enabled: number };
  orgSpecific?: readonly { oui: number; subtype: number; info: Uint8Array }[];
}

const enc = new TextEncoder();

function tlv(type: number, value: Uint8Array, what: string, max = 511): Uint8Array {
  if (value.length > max) throw new Error(`lldp ${what} is ${value.length} bytes, at most ${max} fit`);
  const out = new Uint8Array(2 + value.length);
  out[0] = (type << 1) | (value.length >>> 8);
  out[1] = value.length & 0xff;
  out.set(value, 2);
  return out;
}

function idTlv(type: number, spec: LldpIdSpec, macSub: number, netSub: number, what: string): Uint8Array {
  const subtype = checkInt(`lldp ${what} subtype`, spec.subtype, 0, 255);
  let raw: Uint8Array;
  if (spec.id instanceof Uint8Array) raw = spec.id;
  else if (typeof spec.id !== 'string') throw new Error(`lldp ${what} id must be a string or Uint8Array`);
  else if (subtype === macSub) raw = parseMac(spec.id);
  else if (subtype === netSub) {
    const a = parseIp(spec.id);
    raw = concat([Uint8Array.of(a.length === 4 ? IANA_AF.IPV4 : IANA_AF.IPV6), a]);
  } else raw = enc.encode(spec.id);
  if (raw.length < 1 || raw.length > 255) throw new Error(`lldp ${what} id must be 1..255 bytes, got ${raw.length}`);
  return tlv(type, concat([Uint8Array.of(subtype), raw]), `${what} id`);
}

/** An LLDPDU (the Ethernet payload): mandatory TLVs, the optional ones given, End. */
export function buildLldp(s: LldpSpec): Uint8Array {
  const parts = [
    idTlv(LLDP_TLV.CHASSIS_ID, s.chassisId, CH.MAC_ADDRESS, CH.NETWORK_ADDRESS, 'chassis'),
    idTlv(LLDP_TLV.PORT_ID, s.portId, PT.MAC_ADDRESS, PT.NETWORK_ADDRESS, 'port'),
    tlv(LLDP_TLV.TTL, Uint8Array.of(0, 0), 'ttl'),
  ];
  const ttl = checkInt('lldp ttl', s.ttl, 0, 0xffff);
  parts[2]![2] = ttl >>> 8;
  parts[2]![3] = ttl & 0xff;
  if (s.portDescription !== undefined) parts.push(tlv(LLDP_TLV.PORT_DESCRIPTION, enc.encode(s.portDescription), 'port description', 255));
  if (s.systemName !== undefined) parts.push(tlv(LLDP_TLV.SYSTEM_NAME, enc.encode(s.systemName), 'system name', 255));
  if (s.systemDescription !== undefined) parts.push(tlv(LLDP_TLV.SYSTEM_DESCRIPTION, enc.encode(s.systemDescription), 'system description', 255));
  if (s.systemCapabilities) {
    const c = checkInt('lldp capabilities', s.systemCapabilities.capabilities, 0, 0xffff);
    const e = checkInt('lldp enabled capabilities', s.systemCapabilities.enabled, 0, 0xffff);
    parts.push(tlv(LLDP_TLV.SYSTEM_CAPABILITIES, Uint8Array.of(c >>> 8, c & 0xff, e >>> 8, e & 0xff), 'system capabilities'));
  }
  for (const o of s.orgSpecific ?? []) {
    const oui = checkInt('lldp org oui', o.oui, 0, 0xffffff);
    const sub = checkInt('lldp org subtype', o.subtype, 0, 255);
    const info = checkBytes('lldp org info', o.info);
    parts.push(tlv(LLDP_TLV.ORG_SPECIFIC, concat([Uint8Array.of(oui >>> 16, (oui >>> 8) & 0xff, oui & 0xff, sub), info]), 'org-specific tlv'));
  }
  parts.push(Uint8Array.of(0, 0));
  return concat(parts);
}

/** A whole LLDP frame from `src` to the nearest-bridge group address (or `dst`). */
export function lldpFrame(s: LldpSpec & { src: string; dst?: string }): Uint8Array {
  return buildEthernet({ dst: s.dst ?? LLDP_MULTICAST_MAC, src: s.src, ethType: ETH_TYPE.LLDP }, buildLldp(s));
}

