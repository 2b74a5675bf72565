import type { Action } from '../types.js';

/**
 * Typed forms of the Nicira extension actions weft builds and reads (Open vSwitch conntrack and
 * NAT). On the wire each is an OFPAT_EXPERIMENTER action with vendor NX_VENDOR_ID and a subtype;
 * any other Nicira subtype, or one whose bytes are not in the canonical form these types
 * re-encode exactly, stays `{ type: 'experimenter', experimenter, data }`.
 */

/**
 * ct(): send the packet through the connection tracker (NXAST_CT).
 * zone: the immediate zone; when zoneSrc (the NXM header of a field, e.g. NXM_NX_REG3 =
 * 0x00010604) is present the zone is taken from that field and `zone` holds its ofs_nbits
 * (offset << 6 | (bits - 1)), as on the wire.
 * recircTable: table to continue in with ct_state filled in, 255 = none.
 * alg: application layer gateway port (21 ftp, 69 tftp), 0 = none.
 * actions: executed on commit (nat, set_field of ct_mark/ct_label).
 */
export interface NxCtAction {
  type: 'nxCt';
  flags: number;
  zoneSrc?: number;
  zone: number;
  recircTable: number;
  alg: number;
  actions: Action[];
}

/**
 * nat() inside ct() (NXAST_NAT). flags: NX_NAT_F_* (src or dst, persistent, hash, random).
 * Absent range values are not sent; a nat without flags and ranges reverses the connection's
 * existing translation.
 */
export interface NxNatAction {
  type: 'nxNat';
  flags: number;
  ipv4Min?: string;
  ipv4Max?: string;
  ipv6Min?: string;
  ipv6Max?: string;
  protoMin?: number;
  protoMax?: number;
}

/** resubmit(inPort, table) (NXAST_RESUBMIT_TABLE); inPort 0xfff8 = in_port, table 255 = this one. */
export interface NxResubmitAction {
  type: 'nxResubmit';
  inPort: number;
  table: number;
}

/** ct_clear (NXAST_CT_CLEAR): forget the packet's conntrack state. */
export interface NxCtClearAction {
  type: 'nxCtClear';
}

export type NxAction = NxCtAction | NxNatAction | NxResubmitAction | NxCtClearAction;
