/**
 * Whether a value handed over to the store (TxnOp `owned`) can be kept as it is: plain JSON
 * data, so JSON.parse(JSON.stringify(v)) would give an equal value and what is kept in memory
 * is what a restart reads back from the disk. Freezes every object and array it accepts, so a
 * writer that changes its value after all fails loudly instead of changing the store behind
 * its back. Keeping the value saves the copy (a JSON.parse per value) and the garbage of a
 * second tree per value; test/store/owned-values.test.ts compares it with the copying path.
 */
import { StoreError } from './store.js';
import type { TxnOp } from './store.js';

const OBJECT = Object.prototype;
const ARRAY = Array.prototype;

export function adoptPlainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // NaN and the infinities become null in JSON, -0 becomes 0.
      return Number.isFinite(v) && !(v === 0 && 1 / v < 0);
    case 'object': {
      if (v === null) return true;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === ARRAY && Array.isArray(v)) {
        // A hole reads as undefined and fails (JSON would write null).
        for (let i = 0; i < v.length; i++) if (!adoptPlainJson(v[i])) return false;
      } else if (proto === OBJECT) {
        // Only own properties: an Object.prototype object inherits nothing enumerable.
        for (const k in v) if (!adoptPlainJson((v as Record<string, unknown>)[k])) return false;
      } else return false;
      Object.freeze(v);
      return true;
    }
    default:
      return false;
  }
}

/**
 * A put's JSON text (the caller's own with `owned` and `json`, else serialized here) and the
 * value the store keeps: the caller's, when handed over as plain JSON, else a copy parsed from
 * the text, so that memory holds what a restart reads back.
 */
export function putValue(op: Extract<TxnOp, { type: 'put' }>): { text: string; value: unknown } {
  let text: string | undefined = op.owned === true ? op.json : undefined;
  try {
    text ??= JSON.stringify(op.value);
  } catch (e) {
    throw new StoreError('bad_value', `${op.key}: value is not JSON (${(e as Error).message})`);
  }
  if (text === undefined) throw new StoreError('bad_value', `${op.key}: value is not JSON`);
  return { text, value: op.owned === true && adoptPlainJson(op.value) ? op.value : (JSON.parse(text) as unknown) };
}
