/**
 * Nicira extension actions as Ryu's ofctl prints them (ofctl_nicira_ext.action_to_str):
 * NX_CT, NX_NAT, NX_LOAD (reg_load), NX_MOVE (reg_move), NX_RESUBMIT, NX_CONJUNCTION; any other
 * subtype as NX_UNKNOWN with its subtype and base64 body. Typed actions come from the codec
 * (nxCt, nxNat ...); the others arrive as experimenter actions of vendor 0x2320.
 */
import type { Action } from '../../../protocol/index.js';
import { NX_VENDOR_ID } from '../../../protocol/openflow/nicira/index.js';
import type { NxCtAction, NxNatAction } from '../../../protocol/openflow/nicira/index.js';
import { headerNameRyu } from './ryu-nxm.js';

const NXAST_RESUBMIT = 1;
const NXAST_REG_MOVE = 6;
const NXAST_REG_LOAD = 7;
const NXAST_CONJUNCTION = 34;

/** Python's repr of a list of str (no quotes inside ours). */
const pyList = (items: string[]) => `[${items.map((s) => `'${s}'`).join(', ')}]`;

function ct(a: NxCtAction, inner: (a: Action) => string): string {
  // Ryu prints zone_ofs_nbits as a bit range after the zone field's name, also for an
  // immediate zone (no name): zone 7 prints "[7..23]", zone 0 prints nothing.
  const src = a.zoneSrc === undefined ? '' : headerNameRyu(a.zoneSrc);
  const zone = a.zone !== 0 ? `${src}[${a.zone}..${a.zone + 16}]` : src;
  return `NX_CT: {flags: ${a.flags}, zone: ${zone}, table: ${a.recircTable}, alg: ${a.alg}, actions: ${pyList(a.actions.map(inner))}}`;
}

function nat(a: NxNatAction): string {
  // Ryu's defaults for absent ranges: '' for addresses, None for ports.
  return `NX_NAT: {flags: ${a.flags}, range_ipv4_min: ${a.ipv4Min ?? ''}, range_ipv4_max: ${a.ipv4Max ?? ''}, range_ipv6_min: ${a.ipv6Min ?? ''}, range_ipv6_max: ${a.ipv6Max ?? ''}, range_proto_min: ${a.protoMin ?? 'None'}, range_proto_max: ${a.protoMax ?? 'None'}}`;
}

/** A Nicira action as Ryu prints it, or undefined when `a` is not one. */
export function nxActionToRyu(a: Action, inner: (a: Action) => string): string | undefined {
  switch (a.type) {
    case 'nxCt':
      return ct(a, inner);
    case 'nxNat':
      return nat(a);
    case 'nxResubmit':
      return nxUnknown(14, resubmitTableBody(a.inPort, a.table));
    case 'nxCtClear':
      return nxUnknown(43, new Uint8Array(6));
    case 'experimenter':
      return a.experimenter === NX_VENDOR_ID ? nxExperimenter(a.data) : undefined;
    default:
      return undefined;
  }
}

function resubmitTableBody(inPort: number, table: number): Uint8Array {
  const b = new Uint8Array(6);
  new DataView(b.buffer).setUint16(0, inPort);
  b[2] = table;
  return b;
}

const nxUnknown = (subtype: number, body: Uint8Array) => `NX_UNKNOWN: {subtype: ${subtype}, data: ${Buffer.from(body).toString('base64')}}`;

/** data: the bytes after the experimenter id: subtype (2) and the subtype's body. */
function nxExperimenter(data: Uint8Array): string {
  if (data.length < 2) return nxUnknown(-1, data);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const subtype = dv.getUint16(0);
  const body = data.subarray(2);
  const has = (n: number) => data.length >= 2 + n;
  switch (subtype) {
    case NXAST_RESUBMIT:
      if (has(2)) return `NX_RESUBMIT: {port: ${dv.getUint16(2)}, table: 255}`;
      break;
    case NXAST_REG_MOVE:
      if (has(14)) {
        const nBits = dv.getUint16(2);
        const srcOfs = dv.getUint16(4);
        const dstOfs = dv.getUint16(6);
        const src = headerNameRyu(dv.getUint32(8));
        const dst = headerNameRyu(dv.getUint32(12));
        return `NX_MOVE: {${dst}[${dstOfs}..${dstOfs + nBits}]: ${src}[${srcOfs}..${srcOfs + nBits}]}`;
      }
      break;
    case NXAST_REG_LOAD:
      if (has(14)) {
        const ofsNbits = dv.getUint16(2);
        const start = ofsNbits >> 6;
        const end = start + (ofsNbits & 0x3f) + 1;
        return `NX_LOAD: {${headerNameRyu(dv.getUint32(4))}[${start}..${end}]: ${dv.getBigUint64(8).toString(16)}}`;
      }
      break;
    case NXAST_CONJUNCTION:
      if (has(6)) return `NX_CONJUNCTION: {clause: ${data[2]}, number_of_clauses: ${data[3]}, id: ${dv.getUint32(4)}}`;
      break;
  }
  return nxUnknown(subtype, body);
}
