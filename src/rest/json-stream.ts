/**
 * Large JSON lists written in slices: each slice of items is converted and stringified, then
 * the event loop gets a turn (echo replies, other requests) before the next. A listing of
 * 100k flows is never one blocking JSON.stringify, nor one 50 MB string in memory.
 */
import { Readable } from 'node:stream';

/** Items per slice; lists up to this size are answered the ordinary way. */
export const STREAM_SLICE = 1000;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `head` + the items' texts joined by commas + `tail`, as a byte stream. */
export function jsonListStream<T>(items: readonly T[], text: (item: T) => string, head = '[', tail = ']', slice = STREAM_SLICE): Readable {
  async function* parts(): AsyncGenerator<string> {
    yield head;
    for (let i = 0; i < items.length; i += slice) {
      const end = Math.min(items.length, i + slice);
      let s = '';
      for (let k = i; k < end; k++) s += (k === 0 ? '' : ',') + text(items[k]!);
      yield s;
      await turn();
    }
    yield tail;
  }
  return Readable.from(parts(), { objectMode: false });
}
