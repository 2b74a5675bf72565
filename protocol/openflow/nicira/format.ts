import type { Action } from '../types.js';
import { CT_STATE, NX_CT_F, NX_CT_RECIRC_NONE, NX_NAT_F, NX_RESUBMIT_CURRENT_TABLE, NX_RESUBMIT_IN_PORT } from './constants.js';
import type { NxAction, NxCtAction, NxNatAction } from './types.js';

/**
 * One-line text of the Nicira actions and of ct_state, written the way `ovs-ofctl` writes them
 * (ct(commit,zone=5,nat(src=203.0.113.100:1024-65535)), ct_state=+new+trk) so logs read like
 * OVS's dump-flows. Pure string building: never throws on a well-typed value.
 */

const hex = (v: number) => `0x${v.toString(16)}`;

/** ct_state as OVS prints a masked one: +bit for set bits, -bit for cleared bits under the mask. */
export function formatCtState(value: number, mask = 0xffffffff): string {
  let out = '';
  let rest = mask >>> 0;
  for (const [name, bit] of Object.entries(CT_STATE)) {
    if ((mask & bit) === 0) continue;
    out += `${(value & bit) !== 0 ? '+' : '-'}${name}`;
    rest = (rest & ~bit) >>> 0;
  }
  // Bits no name covers (a full 32-bit mask leaves the high ones): show only those set in value.
  const unnamed = (value & rest) >>> 0;
  if (unnamed !== 0) out += `+${hex(unnamed)}`;
  return out === '' ? '0' : out;
}

/** NXM_NX_REGn headers by value, so ct(zone=NXM_NX_REG3[0..15]) reads as in OVS. */
const FIELD_NAMES = new Map<number, string>(Array.from({ length: 16 }, (_, i) => [(0x00010000 | (i << 9) | 4) >>> 0, `NXM_NX_REG${i}`]));

function fieldRef(header: number, ofsNbits: number): string {
  const ofs = ofsNbits >>> 6;
  const nBits = (ofsNbits & 0x3f) + 1;
  return `${FIELD_NAMES.get(header) ?? hex(header)}[${ofs}..${ofs + nBits - 1}]`;
}

function formatNat(a: NxNatAction): string {
  const parts: string[] = [];
  const kind = a.flags & NX_NAT_F.SRC ? 'src' : a.flags & NX_NAT_F.DST ? 'dst' : undefined;
  if (kind !== undefined) {
    const hasPorts = a.protoMin !== undefined;
    let addr = '';
    if (a.ipv4Min !== undefined) addr = a.ipv4Max !== undefined ? `${a.ipv4Min}-${a.ipv4Max}` : a.ipv4Min;
    else if (a.ipv6Min !== undefined) {
      const v6 = (s: string) => (hasPorts ? `[${s}]` : s);
      addr = a.ipv6Max !== undefined ? `${v6(a.ipv6Min)}-${v6(a.ipv6Max)}` : v6(a.ipv6Min);
    }
    if (hasPorts) addr += a.protoMax !== undefined ? `:${a.protoMin}-${a.protoMax}` : `:${a.protoMin}`;
    parts.push(addr === '' ? kind : `${kind}=${addr}`);
  }
  if (a.flags & NX_NAT_F.PERSISTENT) parts.push('persistent');
  if (a.flags & NX_NAT_F.PROTO_HASH) parts.push('hash');
  if (a.flags & NX_NAT_F.PROTO_RANDOM) parts.push('random');
  const unknown = a.flags & ~0x1f;
  if (unknown) parts.push(`flags=${hex(unknown)}`);
  return parts.length === 0 ? 'nat' : `nat(${parts.join(',')})`;
}

function formatCt(a: NxCtAction, formatList: (actions: readonly Action[]) => string): string {
  const parts: string[] = [];
  if (a.flags & NX_CT_F.COMMIT) parts.push('commit');
  if (a.flags & NX_CT_F.FORCE) parts.push('force');
  const unknown = a.flags & ~0x3;
  if (unknown) parts.push(`flags=${hex(unknown)}`);
  if (a.recircTable !== NX_CT_RECIRC_NONE) parts.push(`table=${a.recircTable}`);
  if (a.zoneSrc !== undefined && a.zoneSrc !== 0) parts.push(`zone=${fieldRef(a.zoneSrc, a.zone)}`);
  else if (a.zone !== 0) parts.push(`zone=${a.zone}`);
  // A lone nat() is written bare, anything else inside exec(...), as ovs-ofctl does.
  if (a.actions.length === 1 && a.actions[0]!.type === 'nxNat') parts.push(formatNat(a.actions[0]!));
  else if (a.actions.length > 0) parts.push(`exec(${formatList(a.actions)})`);
  if (a.alg !== 0) parts.push(`alg=${a.alg === 21 ? 'ftp' : a.alg === 69 ? 'tftp' : a.alg}`);
  return parts.length === 0 ? 'ct' : `ct(${parts.join(',')})`;
}

/** Text of one Nicira action; `formatList` formats ct's nested action list. */
export function formatNxAction(a: NxAction, formatList: (actions: readonly Action[]) => string): string {
  switch (a.type) {
    case 'nxCt':
      return formatCt(a, formatList);
    case 'nxNat':
      return formatNat(a);
    case 'nxResubmit': {
      const port = a.inPort === NX_RESUBMIT_IN_PORT ? '' : String(a.inPort);
      const table = a.table === NX_RESUBMIT_CURRENT_TABLE ? '' : String(a.table);
      return `resubmit(${port},${table})`;
    }
    case 'nxCtClear':
      return 'ct_clear';
  }
}
