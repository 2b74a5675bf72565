import { toHex } from '../wire/reader.js';
import { OfCodecError } from './error.js';

/**
 * A tiny schema language for the JSON form of the semantic objects. One description per
 * structure drives both directions: `to` turns a well-typed value into JSON (bigint -> decimal
 * string, Uint8Array -> lowercase hex), `from` checks untrusted JSON and builds the value back,
 * naming the path of the first problem. The combinators are typed so that assigning a schema
 * to `Codec<FlowMod>` fails to compile when it misses or adds a field.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The OpenFlow error a problem inside a subtree is reported as. */
export interface ErrCtx {
  readonly errType: number;
  readonly code: number;
}

export interface Codec<T> {
  readonly to: (v: T) => JsonValue;
  readonly from: (j: unknown, path: string, ctx: ErrCtx) => T;
  /** Set by opt(): the key may be absent (and is omitted from JSON when undefined). */
  readonly optional?: boolean;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;
export type Fields = Record<string, Codec<any>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjOf<F extends Fields> = Simplify<
  { [K in keyof F as F[K] extends { optional: true } ? never : K]: Infer<F[K]> } & {
    [K in keyof F as F[K] extends { optional: true } ? K : never]?: Infer<F[K]>;
  }
>;

export function fail(ctx: ErrCtx, path: string, detail: string): never {
  throw new OfCodecError(ctx.errType, ctx.code, `${path}: ${detail}`);
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** What a JSON value is, for error messages ("got string"). */
function what(j: unknown): string {
  if (j === null) return 'null';
  if (Array.isArray(j)) return 'array';
  return typeof j;
}

export function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

/** An unsigned integer of `bits` bits (up to 32) carried as a JSON number. */
export function uint(bits: number): Codec<number> {
  const max = 2 ** bits - 1;
  return {
    to: (v) => v,
    from(j, path, ctx) {
      if (typeof j !== 'number' || !Number.isInteger(j) || j < 0 || j > max) {
        fail(ctx, path, `expected an unsigned ${bits}-bit integer, got ${typeof j === 'number' ? j : what(j)}`);
      }
      return j;
    },
  };
}

export const u8 = uint(8);
export const u16 = uint(16);
export const u32 = uint(32);

const U64_MAX = (1n << 64n) - 1n;

/**
 * A 64-bit field: a decimal string in JSON. A non-negative safe-integer JSON number is accepted
 * too, because hand-written REST bodies often say `"cookie": 1`; larger numbers are refused, as
 * JSON.parse has already rounded them.
 */
export const u64: Codec<bigint> = {
  to: (v) => v.toString(),
  from(j, path, ctx) {
    if (typeof j === 'number' && Number.isSafeInteger(j) && j >= 0) return BigInt(j);
    if (typeof j === 'string' && /^[0-9]{1,20}$/.test(j)) {
      const v = BigInt(j);
      if (v <= U64_MAX) return v;
    }
    fail(ctx, path, `expected an unsigned 64-bit integer as a decimal string, got ${typeof j === 'string' ? JSON.stringify(j) : what(j)}`);
  },
};

/** Bytes as a hex string (either case accepted, lowercase produced). */
export const bytes: Codec<Uint8Array> = {
  to: (v) => toHex(v),
  from(j, path, ctx) {
    if (typeof j !== 'string') fail(ctx, path, `expected a hex string, got ${what(j)}`);
    if (j.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(j)) fail(ctx, path, 'expected a hex string (an even number of 0-9a-f digits)');
    const out = new Uint8Array(j.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(j.slice(2 * i, 2 * i + 2), 16);
    return out;
  },
};

export const str: Codec<string> = {
  to: (v) => v,
  from(j, path, ctx) {
    if (typeof j !== 'string') fail(ctx, path, `expected a string, got ${what(j)}`);
    return j;
  },
};

export const bool: Codec<boolean> = {
  to: (v) => v,
  from(j, path, ctx) {
    if (typeof j !== 'boolean') fail(ctx, path, `expected a boolean, got ${what(j)}`);
    return j;
  },
};

/** A string checked by `valid`; `expected` reads as "expected a MAC address". */
export function checkedString(expected: string, valid: (s: string) => boolean): Codec<string> {
  return {
    to: (v) => v,
    from(j, path, ctx) {
      if (typeof j !== 'string' || !valid(j)) fail(ctx, path, `expected ${expected}`);
      return j;
    },
  };
}

export function lit<V extends string>(value: V): Codec<V> {
  return {
    to: (v) => v,
    from(j, path, ctx) {
      if (j !== value) fail(ctx, path, `expected ${JSON.stringify(value)}`);
      return value;
    },
  };
}

export function opt<T>(c: Codec<T>): Codec<T> & { optional: true } {
  return { ...c, optional: true };
}

/** Report problems inside `c` as this OpenFlow error (BAD_MATCH/BAD_VALUE inside a match...). */
export function withErr<T>(c: Codec<T>, errType: number, code: number): Codec<T> {
  const ctx: ErrCtx = { errType, code };
  return { ...c, from: (j, path) => c.from(j, path, ctx) };
}

export function arr<T>(c: Codec<T>): Codec<T[]> {
  return {
    to: (v) => v.map((x) => c.to(x)),
    from(j, path, ctx) {
      if (!Array.isArray(j)) fail(ctx, path, `expected an array, got ${what(j)}`);
      return j.map((x, i) => c.from(x, `${path}[${i}]`, ctx));
    },
  };
}

export function tuple<const C extends readonly Codec<any>[]>(...cs: C): Codec<{ -readonly [I in keyof C]: Infer<C[I]> }> {
  return {
    to: (v) => cs.map((c, i) => c.to((v as unknown[])[i])),
    from(j, path, ctx) {
      if (!Array.isArray(j) || j.length !== cs.length) fail(ctx, path, `expected an array of ${cs.length} items`);
      return cs.map((c, i) => c.from(j[i], `${path}[${i}]`, ctx)) as { -readonly [I in keyof C]: Infer<C[I]> };
    },
  };
}

/** Fields to JSON: every defined key, in schema order. */
function fieldsTo(fields: Fields, v: Record<string, unknown>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k in fields) {
    if (v[k] !== undefined) out[k] = fields[k]!.to(v[k]);
  }
  return out;
}

/** Fields from JSON: unknown keys are refused so a typo never silently drops a setting. */
function fieldsFrom(fields: Fields, j: unknown, path: string, ctx: ErrCtx): Record<string, unknown> {
  if (!isObject(j)) fail(ctx, path, `expected an object, got ${what(j)}`);
  for (const k in j) {
    if (!Object.hasOwn(fields, k)) fail(ctx, join(path, k), 'unknown field');
  }
  const out: Record<string, unknown> = {};
  for (const k in fields) {
    const c = fields[k]!;
    const x = j[k];
    if (x === undefined) {
      if (!c.optional) fail(ctx, join(path, k), 'missing');
      continue;
    }
    out[k] = c.from(x, join(path, k), ctx);
  }
  return out;
}

export function obj<const F extends Fields>(fields: F): Codec<ObjOf<F>> {
  return {
    to: (v) => fieldsTo(fields, v as Record<string, unknown>),
    from: (j, path, ctx) => fieldsFrom(fields, j, path, ctx) as ObjOf<F>,
  };
}

type UnionOf<Tag extends string, C extends Record<string, Fields>, Common extends Fields> = {
  [K in keyof C & string]: Simplify<{ [P in Tag]: K } & ObjOf<Common & C[K]>>;
}[keyof C & string];

export interface UnionOptions<Common extends Fields> {
  /** Fields every case has (a message's xid). */
  common?: Common;
  /** The error for a missing or unknown tag (BAD_ACTION/BAD_TYPE for an action...). */
  tagErr?: ErrCtx;
  /** Paths inside a case start at the tag value ("flowMod.match"), for top-level messages. */
  rootByTag?: boolean;
}

/** A discriminated union: `tag` names the case, each case lists its own fields. */
export function union<Tag extends string, const C extends Record<string, Fields>, const Common extends Fields = {}>(
  tag: Tag,
  cases: C,
  opts: UnionOptions<Common> = {},
): Codec<UnionOf<Tag, C, Common>> {
  const full = new Map<string, Fields>();
  for (const name of Object.keys(cases)) {
    full.set(name, { [tag]: lit(name), ...opts.common, ...cases[name] });
  }
  return {
    to(v) {
      const t = (v as Record<string, unknown>)[tag] as string;
      return fieldsTo(full.get(t)!, v as Record<string, unknown>);
    },
    from(j, path, ctx) {
      const t = isObject(j) ? j[tag] : undefined;
      const fields = typeof t === 'string' && Object.hasOwn(cases, t) ? full.get(t) : undefined;
      if (!fields) {
        if (!isObject(j)) fail(ctx, path || 'message', `expected an object, got ${what(j)}`);
        const shown = t === undefined ? 'missing' : `unknown ${tag} ${JSON.stringify(t)}`;
        fail(opts.tagErr ?? ctx, join(path || 'message', tag), shown);
      }
      return fieldsFrom(fields, j, opts.rootByTag && path === '' ? (t as string) : path, ctx) as UnionOf<Tag, C, Common>;
    },
  };
}
