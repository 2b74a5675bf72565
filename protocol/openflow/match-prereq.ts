import { OfCodecError } from './error.js';
import { OFPBMC, OFPET } from './error-codes.js';
import { OFPVID_PRESENT } from './constants.js';
import type { OxmBasic } from './oxm-types.js';
import { oxmField } from './oxm.js';
import type { Match } from './types.js';

/**
 * Field prerequisites of OpenFlow 1.3.5 (table "Header match fields"): a field may only be
 * matched when the field it depends on is matched with one of the listed values. Chains are
 * checked link by link (tcp_src needs ip_proto=6, and ip_proto itself needs an IP eth_type).
 * Order within the match is not enforced, as Open vSwitch does not enforce it either.
 */
export interface Prereq {
  /** Field number the prerequisite is on. */
  readonly on: number;
  readonly ok: (e: OxmBasic) => boolean;
  /** How the message names what must be in the match. */
  readonly text: string;
}

function oneOf(on: number, values: readonly number[], text: string): Prereq {
  return { on, ok: (e) => e.mask === undefined && values.includes(e.value as number), text };
}

const IN_PORT = 0;
const ETH_TYPE = 5;
const VLAN_VID = 6;
const IP_PROTO = 10;
const ICMPV6_TYPE = 29;

const IP = oneOf(ETH_TYPE, [0x0800, 0x86dd], 'eth_type=0x0800 (IPv4) or eth_type=0x86dd (IPv6)');
const IPV4 = oneOf(ETH_TYPE, [0x0800], 'eth_type=0x0800 (IPv4)');
const IPV6 = oneOf(ETH_TYPE, [0x86dd], 'eth_type=0x86dd (IPv6)');
const ARP = oneOf(ETH_TYPE, [0x0806], 'eth_type=0x0806 (ARP)');
const MPLS = oneOf(ETH_TYPE, [0x8847, 0x8848], 'eth_type=0x8847 or eth_type=0x8848 (MPLS)');
const PBB = oneOf(ETH_TYPE, [0x88e7], 'eth_type=0x88e7 (PBB)');
const TCP = oneOf(IP_PROTO, [6], 'ip_proto=6 (TCP)');
const UDP = oneOf(IP_PROTO, [17], 'ip_proto=17 (UDP)');
const SCTP = oneOf(IP_PROTO, [132], 'ip_proto=132 (SCTP)');
const ICMP = oneOf(IP_PROTO, [1], 'ip_proto=1 (ICMP)');
const ICMPV6 = oneOf(IP_PROTO, [58], 'ip_proto=58 (ICMPv6)');
const ND = oneOf(ICMPV6_TYPE, [135, 136], 'icmpv6_type=135 or icmpv6_type=136 (neighbor solicitation/advertisement)');
const ND_SOL = oneOf(ICMPV6_TYPE, [135], 'icmpv6_type=135 (neighbor solicitation)');
const ND_ADV = oneOf(ICMPV6_TYPE, [136], 'icmpv6_type=136 (neighbor advertisement)');
const PHY: Prereq = { on: IN_PORT, ok: () => true, text: 'in_port' };
const VLAN: Prereq = {
  on: VLAN_VID,
  // vlan_vid=0x1000/0x1000 ("any VLAN") also guarantees a tag.
  ok: (e) => ((e.value as number) & OFPVID_PRESENT) !== 0 && (e.mask === undefined || ((e.mask as number) & OFPVID_PRESENT) !== 0),
  text: 'vlan_vid with the OFPVID_PRESENT bit (0x1000) set',
};

/** Prerequisite per field number; undefined for fields without one. Exported for the tests' oracle. */
export const PREREQ: readonly (Prereq | undefined)[] = [
  undefined, PHY, undefined, undefined, undefined, undefined, undefined, VLAN, // 0-7
  IP, IP, IP, IPV4, IPV4, TCP, TCP, UDP, // 8-15
  UDP, SCTP, SCTP, ICMP, ICMP, ARP, ARP, ARP, // 16-23
  ARP, ARP, IPV6, IPV6, IPV6, ICMPV6, ICMPV6, ND, // 24-31
  ND_SOL, ND_ADV, MPLS, MPLS, MPLS, PBB, undefined, IPV6, // 32-39
];

/**
 * Tracks the basic fields of one match as it is encoded: `add` each entry's field number (from
 * encodeOxm) and its index, then `check` prerequisites. One shared instance is enough because
 * encoding is synchronous; `reset` runs in a finally so a throw cannot leave stale slots.
 */
class FieldSlots {
  /** Index in the match per field number, -1 when absent. */
  private readonly at = new Int32Array(PREREQ.length).fill(-1);
  /**
   * The field numbers added, so check and reset visit a match's few fields rather than all 40
   * slots (that scan was ~11% of converting a REST flow). A duplicate throws, so at most 40.
   */
  private readonly added = new Int32Array(PREREQ.length);
  private n = 0;

  add(num: number, index: number, name: string): void {
    if (num < 0) return;
    if (this.at[num]! >= 0) {
      throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, `${name} appears twice in the match`);
    }
    this.at[num] = index;
    this.added[this.n++] = num;
  }

  check(match: Match): void {
    // Of several fields lacking their prerequisite, the lowest field number is named, as a
    // scan in field order would.
    let bad = -1;
    for (let k = 0; k < this.n; k++) {
      const num = this.added[k]!;
      const p = PREREQ[num];
      if (p === undefined || (bad >= 0 && num > bad)) continue;
      const j = this.at[p.on]!;
      if (j < 0 || !p.ok(match[j] as OxmBasic)) bad = num;
    }
    if (bad >= 0) {
      throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, `${match[this.at[bad]!]!.field} requires ${PREREQ[bad]!.text} in the match`);
    }
  }

  reset(): void {
    for (let k = 0; k < this.n; k++) this.at[this.added[k]!] = -1;
    this.n = 0;
  }
}

export const fieldSlots = new FieldSlots();

/**
 * Throw OFPBMC_DUP_FIELD when a basic field appears twice and OFPBMC_BAD_PREREQ when a field's
 * prerequisite is missing, e.g. "ipv4_src requires eth_type=0x0800 (IPv4) in the match".
 * Opaque entries and unknown names are skipped (the OXM encoder rejects unknown names).
 */
export function checkPrerequisites(match: Match): void {
  try {
    for (let i = 0; i < match.length; i++) {
      const e = match[i]!;
      if (e === null || typeof e !== 'object' || e.field === 'opaque') continue;
      const d = oxmField(e.field);
      // Only basic fields have prerequisites (and slots); NXM_1 fields (ids from 40) have none.
      if (d !== undefined && d.id < PREREQ.length) fieldSlots.add(d.id, i, d.name);
    }
    fieldSlots.check(match);
  } finally {
    fieldSlots.reset();
  }
}
