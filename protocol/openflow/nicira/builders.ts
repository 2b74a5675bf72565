import type { Action } from '../types.js';
import { CT_STATE, NX_CT_F, NX_CT_RECIRC_NONE, NX_NAT_F, NX_RESUBMIT_CURRENT_TABLE, NX_RESUBMIT_IN_PORT } from './constants.js';
import type { NxCtAction, NxNatAction } from './types.js';

/** Pure builders of the Nicira actions and ct_state matches, for apps. */

export interface CtOptions {
  commit?: boolean;
  force?: boolean;
  /** Immediate zone (0 when absent). */
  zone?: number;
  /** Zone taken from field bits instead: NXM header (NXM_NX_REGn = nxReg(n)), offset, width. */
  zoneField?: { header: number; ofs: number; nBits: number };
  /** Continue in this table after the tracker has filled in ct_state (recirculation). */
  table?: number;
  alg?: number;
  /** Executed on commit: nat(), set_field of ct_mark/ct_label. */
  actions?: Action[];
}

/** The NXM header of register n (NXM_NX_REGn), for CtOptions.zoneField. */
export const nxReg = (n: number): number => (0x00010000 | (n << 9) | 4) >>> 0;

export function ct(o: CtOptions = {}): NxCtAction {
  const a: NxCtAction = {
    type: 'nxCt',
    flags: (o.commit ? NX_CT_F.COMMIT : 0) | (o.force ? NX_CT_F.FORCE : 0),
    zone: o.zone ?? 0,
    recircTable: o.table ?? NX_CT_RECIRC_NONE,
    alg: o.alg ?? 0,
    actions: o.actions ?? [],
  };
  if (o.zoneField !== undefined) {
    a.zoneSrc = o.zoneField.header;
    a.zone = (o.zoneField.ofs << 6) | (o.zoneField.nBits - 1);
  }
  return a;
}

export interface NatOptions {
  /** src: SNAT, dst: DNAT; absent: reverse an existing translation (plain `nat`). */
  kind?: 'src' | 'dst';
  /** Address range: a single address or [min, max]; IPv4 or IPv6 (by the presence of ':'). */
  addr?: string | readonly [string, string];
  /** Port range: a single port or [min, max]. */
  ports?: number | readonly [number, number];
  persistent?: boolean;
  hash?: boolean;
  random?: boolean;
}

export function nat(o: NatOptions = {}): NxNatAction {
  let flags = o.kind === 'src' ? NX_NAT_F.SRC : o.kind === 'dst' ? NX_NAT_F.DST : 0;
  if (o.persistent) flags |= NX_NAT_F.PERSISTENT;
  if (o.hash) flags |= NX_NAT_F.PROTO_HASH;
  if (o.random) flags |= NX_NAT_F.PROTO_RANDOM;
  const a: NxNatAction = { type: 'nxNat', flags };
  if (o.addr !== undefined) {
    const [min, max] = typeof o.addr === 'string' ? [o.addr, undefined] : o.addr;
    if (min.includes(':')) {
      a.ipv6Min = min;
      if (max !== undefined) a.ipv6Max = max;
    } else {
      a.ipv4Min = min;
      if (max !== undefined) a.ipv4Max = max;
    }
  }
  if (o.ports !== undefined) {
    const [min, max] = typeof o.ports === 'number' ? [o.ports, undefined] : o.ports;
    a.protoMin = min;
    if (max !== undefined) a.protoMax = max;
  }
  return a;
}

/** resubmit(,table) by default; inPort replaces in_port for the lookup. */
export function resubmit(table: number = NX_RESUBMIT_CURRENT_TABLE, inPort: number = NX_RESUBMIT_IN_PORT): Action {
  return { type: 'nxResubmit', inPort, table };
}

export const ctClear = (): Action => ({ type: 'nxCtClear' });

/**
 * A ct_state match entry from ovs-ofctl syntax: ctState('+trk+new-est') sets the named bits
 * in the mask, and in the value for '+'. Throws on unknown names (a typo must not match all).
 */
export function ctState(spec: string): { field: 'ct_state'; value: number; mask: number } {
  let value = 0;
  let mask = 0;
  const re = /([+-])([a-z]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(spec)) !== null) {
    const bit = (CT_STATE as Record<string, number>)[m[2]!];
    if (bit === undefined) throw new Error(`unknown ct_state flag ${JSON.stringify(m[2])} in ${JSON.stringify(spec)}`);
    mask |= bit;
    if (m[1] === '+') value |= bit;
    end = re.lastIndex;
  }
  if (end !== spec.length || spec.length === 0) throw new Error(`bad ct_state ${JSON.stringify(spec)}: expected like "+trk+new-est"`);
  return { field: 'ct_state', value, mask };
}
