/**
 * Shared checks for an app's options (`appOptions.<app>` in the config). Every app refuses
 * unknown keys and out-of-range integers at start with the same wording, naming the app and the
 * key, so a typo does not silently keep a default.
 */

export type AppOptions = Readonly<Record<string, unknown>>;

/** An integer option's [default, min, max]. */
export type IntSpec = readonly [dflt: number, min: number, max: number];

/** Refuse any key of `o` not in `known`. */
export function rejectUnknownKeys(app: string, o: AppOptions, known: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new RangeError(`${app} option ${k} is unknown (known: ${known.join(', ')})`);
  }
}

/** The integer option `key` in min..max, or `dflt` when it is absent. */
export function intOption(app: string, o: AppOptions, key: string, dflt: number, min: number, max: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${app} option ${key}: expected an integer in ${min}-${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Every integer option of a table, checked in the table's order. */
export function intOptions<K extends string>(app: string, o: AppOptions, specs: Readonly<Record<K, IntSpec>>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [k, [dflt, min, max]] of Object.entries(specs) as [K, IntSpec][]) out[k] = intOption(app, o, k, dflt, min, max);
  return out;
}
