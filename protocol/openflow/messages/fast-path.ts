import { Reader } from '../../wire/reader.js';
import type { Struct } from '../../wire/struct.js';
import { Writer } from '../../wire/writer.js';

/**
 * Hot-path codecs (PACKET_IN decode, FLOW_MOD encode) read and write their fixed head at fixed
 * offsets instead of walking the struct() field table, which is several times slower. To keep
 * the field table the one description, each fast path is checked against its table when the
 * module loads, with a sample whose every field is distinct: a fast path that drifts from the
 * table fails at import, not on the wire.
 */
export function checkFastEncode<T>(s: Struct<T>, fast: (w: Writer, v: T) => void, sample: T): void {
  const a = new Writer(s.size);
  const b = new Writer(s.size);
  s.encode(a, sample);
  fast(b, sample);
  if (Buffer.compare(a.finish(), b.finish()) !== 0) {
    throw new Error(`${s.name}: fast encoder disagrees with the field table`);
  }
}

export function checkFastDecode<T>(s: Struct<T>, fast: (r: Reader) => T, sample: T): void {
  const w = new Writer(s.size);
  s.encode(w, sample);
  const bytes = w.finish();
  const viaTable = s.decode(new Reader(bytes)) as Record<string, unknown>;
  const r = new Reader(bytes);
  const viaFast = fast(r) as Record<string, unknown>;
  const keys = Object.keys(viaTable);
  if (r.pos !== s.size || keys.some((k) => viaTable[k] !== viaFast[k])) {
    throw new Error(`${s.name}: fast decoder disagrees with the field table`);
  }
}
