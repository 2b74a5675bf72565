import { readdirSync, readFileSync } from 'node:fs';

/** A captured fixture (see tools/capture-fixtures.ts and docs/TESTING.md). */
export interface Fixture {
  name: string;
  hex: string;
  source: string;
  ofpPrint: string;
  bytes: Buffer;
}

const DIR = new URL('../fixtures/openflow/', import.meta.url);

/** Every fixture, sorted by name. */
export function loadFixtures(): Fixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const j = JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Omit<Fixture, 'bytes'>;
      return { ...j, bytes: Buffer.from(j.hex, 'hex') };
    });
}

/**
 * A comparable form of a decoded or expected message: byte arrays (Buffer or Uint8Array views)
 * become 'hex:..' strings and undefined properties disappear, so a deep comparison checks values
 * and not the class of a view or an explicit `undefined`.
 */
export function comparable(v: unknown): unknown {
  if (v instanceof Uint8Array) return `hex:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (Array.isArray(v)) return v.map(comparable);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = comparable(x);
    return o;
  }
  return v;
}
