/**
 * The bulk route's body, read from its raw bytes without building the whole JSON tree: a body
 * of 100k flows parsed whole was ~170 MB of objects held at once (13 MB of JSON), promoted by
 * the garbage collector and parsed in one event-loop turn. Here the top-level object is walked
 * for its keys, the `flows` array is split into element ranges (byte offsets, 8 bytes a flow),
 * and each element is read only when its turn comes (src/rest/bulk-encode.ts encodes it at
 * once, then drops it). The walk pauses every SCAN_SLICE bytes so other sockets are served.
 *
 * Only structure is checked here (strings, brackets, commas): every element and every other
 * top-level value still goes through JSON.parse, or (flows of the common shape) through
 * flow-bytes-fast.ts, which takes only a strict subset of JSON and leaves the rest to
 * JSON.parse, so the body as a whole is as strictly JSON as before. Structural bytes are ASCII, and UTF-8 never uses bytes < 0x80 inside a multi-byte
 * character, so scanning the bytes is safe.
 */
import { HttpError } from './errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
/** Bytes scanned between two pauses (~1-3 ms). */
const SCAN_SLICE = 1 << 20;

const EMPTY = Buffer.alloc(0);

const isWs = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function bad(message: string, at: number): HttpError {
  return new HttpError(400, 'bad_request', `body is not valid JSON: ${message} at byte ${at}`);
}

function skipWs(b: Buffer, p: number): number {
  while (p < b.length && isWs(b[p])) p++;
  return p;
}

/** `p` at an opening quote: the index after the closing one. */
function skipString(b: Buffer, p: number): number {
  let from = p + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q < 0) throw bad('unterminated string', p);
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    // An even number of backslashes before the quote: it is not escaped.
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/**
 * `p` at a value: the index after it (nesting counted; JSON.parse checks the rest). Strings
 * inside objects and arrays are skipped inline, byte by byte: a flow has a dozen short strings,
 * and one indexOf call per string cost more than the bytes it skipped.
 */
function skipValue(b: Buffer, p: number): number {
  const c = b[p];
  if (c === QUOTE) return skipString(b, p);
  const n = b.length;
  if (c === OPEN_OBJ || c === OPEN_ARR) {
    let depth = 0;
    while (p < n) {
      const x = b[p]!;
      if (x === QUOTE) {
        const from = p++;
        for (;;) {
          if (p >= n) throw bad('unterminated string', from);
          const y = b[p]!;
          if (y === QUOTE) break;
          // An escape takes the next byte with it (\" is not the end; \uXXXX holds no quote).
          p += y === BACKSLASH ? 2 : 1;
        }
      } else if (x === OPEN_OBJ || x === OPEN_ARR) depth++;
      else if (x === CLOSE_OBJ || x === CLOSE_ARR) {
        if (--depth === 0) return p + 1;
      }
      p++;
    }
    throw bad('unterminated object or array', p);
  }
  let q = p;
  while (q < n) {
    const x = b[q]!;
    if (x === COMMA || x === CLOSE_ARR || x === CLOSE_OBJ || isWs(x)) break;
    q++;
  }
  if (q === p) throw bad('expected a value', p);
  return q;
}

function parse(b: Buffer, from: number, to: number): unknown {
  try {
    return JSON.parse(b.toString('utf8', from, to));
  } catch (e) {
    throw bad((e as Error).message, from);
  }
}

export interface BulkBody {
  /** The other top-level keys, parsed (command, persistent; unknown ones are the caller's to refuse). */
  fields: Map<string, unknown>;
  /** The first top-level key that is neither flows nor allowed (its value was not parsed). */
  unknown: string | undefined;
  /** Whether a `flows` key was there, and whether its value is an array. */
  flows: 'missing' | 'not_array' | 'array';
  /** Number of elements of `flows` (all of them; only the first `maxFlows` + 1 are located). */
  count: number;
  /** Element k of `flows` parsed (its bytes are [starts[k], ends[k])). */
  flow(k: number): unknown;
  /**
   * Elements [from, to) parsed in one JSON.parse (one string and one parser entry for the lot,
   * not one per flow); undefined when that fails, and the caller then parses them one by one
   * with flow(k), which names the bad element's byte as before.
   */
  flowRange(from: number, to: number): unknown[] | undefined;
  /** The body's bytes (for readers of an element's bytes [start(k), end(k)); empty after release()). */
  bytes(): Buffer;
  start(k: number): number;
  end(k: number): number;
  /** Drop the body's bytes and the offsets (flow() fails after this). */
  release(): void;
}

/**
 * Walk the body (awaiting `pause` every SCAN_SLICE bytes). Throws a 400 HttpError for bytes
 * that are not a JSON object. Elements past `maxFlows` + 1 are not located: the caller
 * refuses the request with its count.
 */
export async function scanBulkBody(b: Buffer, maxFlows: number, allowed: ReadonlySet<string>, pause: () => Promise<void>): Promise<BulkBody> {
  const fields = new Map<string, unknown>();
  let flows: BulkBody['flows'] = 'missing';
  let starts = new Uint32Array(0);
  let ends = new Uint32Array(0);
  let count = 0;
  let unknown: string | undefined;
  let p = skipWs(b, 0);
  if (b[p] !== OPEN_OBJ) throw bad('expected an object', p);
  p = skipWs(b, p + 1);
  let nextPause = SCAN_SLICE;
  if (b[p] !== CLOSE_OBJ) {
    for (;;) {
      if (b[p] !== QUOTE) throw bad('expected a key', p);
      const keyEnd = skipString(b, p);
      const key = parse(b, p, keyEnd) as string;
      p = skipWs(b, keyEnd);
      if (b[p] !== COLON) throw bad("expected ':'", p);
      p = skipWs(b, p + 1);
      if (key === 'flows' && b[p] === OPEN_ARR) {
        flows = 'array';
        // A second "flows" key wins, as with JSON.parse.
        count = 0;
        starts = new Uint32Array(Math.min(maxFlows + 1, 1024));
        ends = new Uint32Array(starts.length);
        p = skipWs(b, p + 1);
        if (b[p] === CLOSE_ARR) p++;
        else {
          for (;;) {
            const end = skipValue(b, p);
            if (count <= maxFlows) {
              if (count === starts.length) {
                const n = Math.min(maxFlows + 1, count * 2);
                const s2 = new Uint32Array(n);
                const e2 = new Uint32Array(n);
                s2.set(starts);
                e2.set(ends);
                starts = s2;
                ends = e2;
              }
              starts[count] = p;
              ends[count] = end;
            }
            count++;
            p = skipWs(b, end);
            if (p >= nextPause) {
              nextPause = p + SCAN_SLICE;
              await pause();
            }
            if (b[p] === CLOSE_ARR) {
              p++;
              break;
            }
            if (b[p] !== COMMA) throw bad("expected ',' or ']' in flows", p);
            p = skipWs(b, p + 1);
            // Past the cap: only the structure is walked (the request is refused anyway).
          }
        }
      } else {
        const end = skipValue(b, p);
        if (key === 'flows') flows = 'not_array';
        // An unknown key's value is never parsed (it could be anything, and big).
        else if (!allowed.has(key)) unknown ??= key;
        else fields.set(key, parse(b, p, end));
        p = end;
      }
      p = skipWs(b, p);
      if (b[p] === CLOSE_OBJ) break;
      if (b[p] !== COMMA) throw bad("expected ',' or '}'", p);
      p = skipWs(b, p + 1);
    }
  }
  p = skipWs(b, p + 1);
  if (p < b.length) throw bad('unexpected bytes after the object', p);
  let bytes: Buffer | undefined = b;
  return {
    fields,
    unknown,
    flows,
    count,
    flow: (k) => {
      if (!bytes) throw new Error('bulk body: flow() after release()');
      return parse(bytes, starts[k]!, ends[k]!);
    },
    flowRange: (from, to) => {
      if (!bytes) throw new Error('bulk body: flowRange() after release()');
      if (from >= to) return [];
      // Between two elements there are only whitespace and one comma (the walk checked it), so
      // the bytes from the first element's start to the last one's end, bracketed, are the
      // array of those elements exactly.
      try {
        const list: unknown = JSON.parse(`[${bytes.toString('utf8', starts[from]!, ends[to - 1]!)}]`);
        return Array.isArray(list) && list.length === to - from ? list : undefined;
      } catch {
        return undefined;
      }
    },
    bytes: () => bytes ?? EMPTY,
    start: (k) => starts[k]!,
    end: (k) => ends[k]!,
    release: () => {
      bytes = undefined;
      starts = ends = new Uint32Array(0);
    },
  };
}
