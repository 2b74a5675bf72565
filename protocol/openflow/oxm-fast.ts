import type { Writer } from '../wire/writer.js';
import type { OxmBasic, OxmFieldName } from './oxm-types.js';
import { oxmField, oxmHeader } from './oxm.js';
import { parseIpv4, parseMacInto } from './oxm-values.js';

/** What encodeCommonOxm returns for an entry it leaves to encodeOxm. */
export const NOT_COMMON = -2;

function fieldDef(name: OxmFieldName) {
  const d = oxmField(name);
  if (d === undefined) throw new Error(`no OXM field ${name}`);
  return { num: d.num, header: oxmHeader(d, false) };
}

// Numbers and headers from the one field table (oxm.ts), not restated here.
const IN_PORT = fieldDef('in_port');
const ETH_DST = fieldDef('eth_dst');
const ETH_SRC = fieldDef('eth_src');
const ETH_TYPE = fieldDef('eth_type');
const IPV4_SRC = fieldDef('ipv4_src');
const IPV4_DST = fieldDef('ipv4_dst');

/**
 * The match fields almost every flow mod carries (in_port, eth_src/eth_dst, eth_type, ipv4
 * addresses), unmasked and valid, written without the by-name lookup and the generic per-kind
 * value switch of encodeOxm (~15 ns an entry). Returns the field number, or NOT_COMMON having
 * written nothing (pos unchanged) for anything else, invalid values included: encodeOxm then
 * encodes or rejects the entry itself, so there is one set of error messages.
 */
export function encodeCommonOxm(w: Writer, e: OxmBasic): number {
  const field = e.field;
  const v = e.value;
  if (field === 'in_port') {
    if (typeof v !== 'number' || v >>> 0 !== v) return NOT_COMMON;
    w.ensure(8);
    const p = w.pos;
    w.dv.setUint32(p, IN_PORT.header);
    w.dv.setUint32(p + 4, v);
    w.pos = p + 8;
    return IN_PORT.num;
  }
  if (field === 'eth_dst' || field === 'eth_src') {
    w.ensure(10);
    const p = w.pos;
    if (!parseMacInto(v, w.buf, p + 4)) return NOT_COMMON;
    const f = field === 'eth_dst' ? ETH_DST : ETH_SRC;
    w.dv.setUint32(p, f.header);
    w.pos = p + 10;
    return f.num;
  }
  if (field === 'eth_type') {
    if (typeof v !== 'number' || (v & 0xffff) !== v) return NOT_COMMON;
    w.ensure(6);
    const p = w.pos;
    w.dv.setUint32(p, ETH_TYPE.header);
    w.dv.setUint16(p + 4, v);
    w.pos = p + 6;
    return ETH_TYPE.num;
  }
  if (field === 'ipv4_src' || field === 'ipv4_dst') {
    const n = parseIpv4(v);
    if (n < 0) return NOT_COMMON;
    w.ensure(8);
    const p = w.pos;
    const f = field === 'ipv4_src' ? IPV4_SRC : IPV4_DST;
    w.dv.setUint32(p, f.header);
    w.dv.setUint32(p + 4, n);
    w.pos = p + 8;
    return f.num;
  }
  return NOT_COMMON;
}
