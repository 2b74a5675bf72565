import { type OxmErrors, OxmKind, oxmField } from './oxm.js';
import { parseIpv4, parseIpv6Into, parseMacInto } from './oxm-values.js';
import type { OxmEntry, OxmOpaque } from './oxm-types.js';
import {
  bool,
  bytes,
  checkedString,
  type Codec,
  fail,
  isObject,
  join,
  type JsonValue,
  obj,
  lit,
  u16,
  u64,
  uint,
} from './json-schema.js';

/**
 * JSON form of one OXM entry: `{ field, value, mask? }` with the value type of the field (from
 * oxm.ts's field table, so widths are not listed twice), or
 * `{ field: 'opaque', oxmClass, oxmField, hasMask, body: hex }`.
 */

const scratch = new Uint8Array(16);
export const mac = checkedString('a MAC address', (s) => parseMacInto(s, scratch, 0));
export const ipv4 = checkedString('an IPv4 address', (s) => parseIpv4(s) >= 0);
export const ipv6 = checkedString('an IPv6 address', (s) => parseIpv6Into(s, scratch, 0));

/** A 128-bit value (ct_label): a decimal string, or a "0x..." hex string, in JSON. */
const u128: Codec<bigint> = {
  to: (v) => v.toString(),
  from(j, path, ctx) {
    if (typeof j === 'number' && Number.isSafeInteger(j) && j >= 0) return BigInt(j);
    if (typeof j === 'string' && (/^[0-9]{1,39}$/.test(j) || /^0x[0-9a-fA-F]{1,32}$/.test(j))) {
      const v = BigInt(j);
      if (v >> 128n === 0n) return v;
    }
    fail(ctx, path, 'expected an unsigned 128-bit integer as a decimal or 0x-hex string');
  },
};

function valueCodec(kind: OxmKind, max: number): Codec<unknown> {
  switch (kind) {
    case OxmKind.U64:
      return u64 as Codec<unknown>;
    case OxmKind.U128:
      return u128 as Codec<unknown>;
    case OxmKind.MAC:
      return mac as Codec<unknown>;
    case OxmKind.IPV4:
      return ipv4 as Codec<unknown>;
    case OxmKind.IPV6:
      return ipv6 as Codec<unknown>;
    default:
      return uint(Math.log2(max + 1)) as Codec<unknown>;
  }
}

const opaque: Codec<OxmOpaque> = obj({ field: lit('opaque'), oxmClass: u16, oxmField: uint(7), hasMask: bool, body: bytes });

const ENTRY_KEYS = new Set(['field', 'value', 'mask']);

export function oxmCodec(errs: OxmErrors): Codec<OxmEntry> {
  const valueCtx = { errType: errs.errType, code: errs.badValue };
  const maskCtx = { errType: errs.errType, code: errs.badMask };
  const fieldCtx = { errType: errs.errType, code: errs.badField };
  return {
    to(e) {
      if (e.field === 'opaque') return opaque.to(e);
      const def = oxmField(e.field);
      // A well-typed entry always has a definition; fall back to the raw value just in case.
      const c = def ? valueCodec(def.kind, def.max) : undefined;
      const out: { [key: string]: JsonValue } = { field: e.field, value: c ? c.to(e.value) : (e.value as JsonValue) };
      if (e.mask !== undefined) out.mask = c ? c.to(e.mask) : (e.mask as JsonValue);
      return out;
    },
    from(j, path) {
      if (!isObject(j)) fail(valueCtx, path, 'expected an OXM entry object');
      if (j.field === 'opaque') return opaque.from(j, path, valueCtx);
      const def = typeof j.field === 'string' ? oxmField(j.field) : undefined;
      if (!def) {
        fail(fieldCtx, join(path, 'field'), j.field === undefined ? 'missing' : `unknown OXM field ${JSON.stringify(j.field)}`);
      }
      for (const k in j) if (!ENTRY_KEYS.has(k)) fail(valueCtx, join(path, k), 'unknown field');
      const c = valueCodec(def.kind, def.max);
      if (j.value === undefined) fail(valueCtx, join(path, 'value'), 'missing');
      const out: Record<string, unknown> = { field: def.name, value: c.from(j.value, join(path, 'value'), valueCtx) };
      if (j.mask !== undefined) {
        if (!def.maskable) fail(maskCtx, join(path, 'mask'), `${def.name} cannot be masked`);
        out.mask = c.from(j.mask, join(path, 'mask'), maskCtx);
      }
      return out as OxmEntry;
    },
  };
}
