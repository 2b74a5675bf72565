import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** One fixed-width field kind: its width and how to read and write it. */
interface FieldKind<T> {
  readonly width: number;
  read(r: Reader): T;
  write(w: Writer, v: T): void;
}

export const u8: FieldKind<number> = { width: 1, read: (r) => r.u8(), write: (w, v) => w.u8(v) };
export const u16: FieldKind<number> = { width: 2, read: (r) => r.u16(), write: (w, v) => w.u16(v) };
export const u24: FieldKind<number> = { width: 3, read: (r) => r.u24(), write: (w, v) => w.u24(v) };
export const u32: FieldKind<number> = { width: 4, read: (r) => r.u32(), write: (w, v) => w.u32(v) };
export const u64: FieldKind<bigint> = { width: 8, read: (r) => r.u64(), write: (w, v) => w.u64(v) };
export const mac: FieldKind<string> = { width: 6, read: (r) => r.mac(), write: (w, v) => w.mac(v) };
export function str(n: number): FieldKind<string> {
  return { width: n, read: (r) => r.str(n), write: (w, v) => w.str(v, n) };
}

const PAD = Symbol('pad');
interface Pad {
  readonly [PAD]: number;
}
export function pad(n: number): Pad {
  return { [PAD]: n };
}

type Entry = readonly [string, FieldKind<any>] | Pad;
type ValueOf<E> = E extends readonly [infer N extends string, FieldKind<infer T>] ? { [K in N]: T } : {};
type UnionToIntersection<U> = (U extends any ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type StructValue<E extends readonly Entry[]> = UnionToIntersection<ValueOf<E[number]>> extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

export interface Struct<T> {
  readonly name: string;
  readonly size: number;
  decode(r: Reader): T;
  encode(w: Writer, v: T): void;
}

/**
 * One description of a fixed-size wire struct drives decode, encode and size. The widths are
 * checked against the declared size when the module loads, so a table that does not add up
 * fails at import, not on the wire.
 */
export function struct<const E extends readonly Entry[]>(name: string, size: number, entries: E): Struct<StructValue<E>> {
  let total = 0;
  for (const e of entries) total += PAD in e ? e[PAD] : e[1].width;
  if (total !== size) throw new Error(`struct ${name}: fields add up to ${total} bytes, declared ${size}`);
  const list = entries as readonly Entry[];
  return {
    name,
    size,
    decode(r: Reader) {
      r.need(size, name);
      const out: Record<string, unknown> = {};
      for (const e of list) {
        if (PAD in e) r.pos += e[PAD];
        else out[e[0]] = e[1].read(r);
      }
      return out as StructValue<E>;
    },
    encode(w: Writer, v: StructValue<E>) {
      const obj = v as Record<string, unknown>;
      for (const e of list) {
        if (PAD in e) w.zeros(e[PAD]);
        else e[1].write(w, obj[e[0]]);
      }
    },
  };
}
