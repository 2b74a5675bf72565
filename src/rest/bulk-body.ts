/**
 * The bulk route's body, read from its raw bytes without building the whole JSON tree: a body
 * of 100k flows parsed whole was ~170 MB of objects held at once (13 MB of JSON), promoted by
 * the garbage collector and parsed in one event-loop turn. Here the top-level object is walked
 * for its keys, the `flows` array is split into element ranges (byte offsets, 8 bytes a flow),
 * and each element is read only when its turn comes (src/rest/bulk-encode.ts encodes it at
 * once, then drops it). The walk pauses every SCAN_SLICE bytes so other sockets are served.
 *
 * The walk also runs while the body is still arriving (a BodySource that fills up): elements
 * are located as their bytes come, so the route can send the first flows to the switch long
 * before the upload ends. A step that runs into the end of the bytes so far is retried from
 * its start once more bytes are there; on a complete body every step is the whole-body walk,
 * so the same bytes give the same result and the same error, however they were cut.
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

/** The body's bytes: [0, filled) so far, all of them once complete. */
export interface BodySource {
  readonly buf: Buffer;
  readonly filled: number;
  readonly complete: boolean;
  /** Resolves once more bytes arrived or the body is complete; rejects when the upload failed. */
  more(): Promise<void>;
}

/** A body that is all there. */
export function wholeBody(b: Buffer): BodySource {
  return { buf: b, filled: b.length, complete: true, more: () => Promise.resolve() };
}

/** Thrown by a step that reached the end of the bytes so far (never on a complete body). */
const NEED_MORE = Symbol('need more bytes');

const isWs = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function bad(message: string, at: number): HttpError {
  return new HttpError(400, 'bad_request', `body is not valid JSON: ${message} at byte ${at}`);
}

/**
 * The view `b` ends where the bytes so far end: on a complete body that end is an error
 * (`message` at `at`), else the step waits for more.
 */
function cut(complete: boolean, message: string, at: number): never {
  if (complete) throw bad(message, at);
  throw NEED_MORE;
}

function skipWs(b: Buffer, p: number): number {
  while (p < b.length && isWs(b[p])) p++;
  return p;
}

/** `p` at an opening quote: the index after the closing one. */
function skipString(b: Buffer, p: number, complete: boolean): number {
  let from = p + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q < 0) cut(complete, 'unterminated string', p);
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
function skipValue(b: Buffer, p: number, complete: boolean): number {
  const c = b[p];
  if (c === QUOTE) return skipString(b, p, complete);
  const n = b.length;
  if (c === OPEN_OBJ || c === OPEN_ARR) {
    let depth = 0;
    while (p < n) {
      const x = b[p]!;
      if (x === QUOTE) {
        const from = p++;
        for (;;) {
          if (p >= n) cut(complete, 'unterminated string', from);
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
    cut(complete, 'unterminated object or array', p);
  }
  let q = p;
  while (q < n) {
    const x = b[q]!;
    if (x === COMMA || x === CLOSE_ARR || x === CLOSE_OBJ || isWs(x)) break;
    q++;
  }
  // A number or literal that reaches the end so far may go on in the next bytes.
  if (q === n && !complete) throw NEED_MORE;
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
  /**
   * At least `want` elements located, or the walk is over (then all it located): the number
   * located so far. Synchronous when they are already there.
   */
  located(want: number): number | Promise<number>;
  /** Drop the body's bytes and the offsets (flow() fails after this). */
  release(): void;
}

/** A walk in progress: a BulkBody whose `count` and `fields` grow while the body arrives. */
export interface BulkWalk extends BulkBody {
  /** The walk of the whole body: the body, or its 400. */
  readonly finished: Promise<BulkBody>;
  /** True once `finished` has settled. */
  readonly over: boolean;
  /** How many `flows` arrays were started (a second one replaces the first, as with JSON.parse). */
  readonly arrays: number;
}

const enum At {
  Start,
  FirstKey,
  Key,
  ArrayStart,
  Element,
  AfterValue,
  AfterObject,
  Done,
}

/**
 * Walk the body (awaiting `pause` every SCAN_SLICE bytes). Rejects with a 400 HttpError for
 * bytes that are not a JSON object. Elements past `maxFlows` + 1 are not located: the caller
 * refuses the request with its count.
 */
export async function scanBulkBody(b: Buffer, maxFlows: number, allowed: ReadonlySet<string>, pause: () => Promise<void>): Promise<BulkBody> {
  return walkBulkBody(wholeBody(b), maxFlows, allowed, pause).finished;
}

/** Walk `src` as its bytes come; the result is usable at once (located() waits for elements). */
export function walkBulkBody(src: BodySource, maxFlows: number, allowed: ReadonlySet<string>, pause: () => Promise<void>): BulkWalk {
  const fields = new Map<string, unknown>();
  let starts = new Uint32Array(0);
  let ends = new Uint32Array(0);
  let bytes: Buffer | undefined = src.buf;
  let waiting: { want: number; resolve: (n: number) => void }[] = [];
  const wake = (all: boolean) => {
    if (waiting.length === 0) return;
    const still = [];
    for (const w of waiting) {
      if (all || walk.count >= w.want) w.resolve(walk.count);
      else still.push(w);
    }
    waiting = still;
  };
  const walk: { -readonly [K in keyof BulkWalk]: BulkWalk[K] } = {
    fields,
    unknown: undefined,
    flows: 'missing',
    count: 0,
    over: false,
    arrays: 0,
    finished: undefined as unknown as Promise<BulkBody>,
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
    located: (want) => {
      if (walk.over || walk.count >= want) return walk.count;
      return new Promise<number>((resolve) => waiting.push({ want, resolve }));
    },
    release: () => {
      bytes = undefined;
      starts = ends = new Uint32Array(0);
    },
  };

  const record = (p: number, end: number) => {
    const count = walk.count;
    if (count <= maxFlows) {
      if (count === starts.length) {
        const n = Math.min(maxFlows + 1, Math.max(1024, count * 2));
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
    walk.count = count + 1;
  };

  /**
   * One step from `at` over the view `b` (the bytes so far): the state and position it ends
   * at. A step that throws NEED_MORE changed nothing and is run again with more bytes.
   */
  const step = (b: Buffer, complete: boolean, state: At, p: number, nextPause: number): [At, number] => {
    const need = (q: number) => {
      if (q >= b.length && !complete) throw NEED_MORE;
    };
    switch (state) {
      case At.Start: {
        p = skipWs(b, p);
        need(p);
        if (b[p] !== OPEN_OBJ) throw bad('expected an object', p);
        p = skipWs(b, p + 1);
        need(p);
        return b[p] === CLOSE_OBJ ? [At.AfterObject, p + 1] : [At.Key, p];
      }
      case At.Key: {
        if (b[p] !== QUOTE) throw bad('expected a key', p);
        const keyEnd = skipString(b, p, complete);
        const key = parse(b, p, keyEnd) as string;
        let q = skipWs(b, keyEnd);
        need(q);
        if (b[q] !== COLON) throw bad("expected ':'", q);
        q = skipWs(b, q + 1);
        need(q);
        if (key === 'flows' && b[q] === OPEN_ARR) {
          // A second "flows" key wins, as with JSON.parse.
          walk.flows = 'array';
          walk.arrays++;
          walk.count = 0;
          starts = new Uint32Array(Math.min(maxFlows + 1, 1024));
          ends = new Uint32Array(starts.length);
          return [At.ArrayStart, q + 1];
        }
        const end = skipValue(b, q, complete);
        if (key === 'flows') walk.flows = 'not_array';
        // An unknown key's value is never parsed (it could be anything, and big).
        else if (!allowed.has(key)) walk.unknown ??= key;
        else fields.set(key, parse(b, q, end));
        return [At.AfterValue, end];
      }
      case At.ArrayStart: {
        p = skipWs(b, p);
        need(p);
        return b[p] === CLOSE_ARR ? [At.AfterValue, p + 1] : [At.Element, p];
      }
      case At.Element: {
        // Elements until the array ends, the bytes so far end, or it is time to pause. Each
        // recorded element moves the step's start: a retry must not record it again.
        const from = p;
        for (;;) {
          let end: number;
          let q: number;
          try {
            // (The whitespace before an element may have been cut.)
            p = skipWs(b, p);
            end = skipValue(b, p, complete);
            q = skipWs(b, end);
            need(q);
          } catch (e) {
            if (e === NEED_MORE && p > from) return [At.Element, p];
            throw e;
          }
          const c = b[q];
          if (c !== CLOSE_ARR && c !== COMMA) throw bad("expected ',' or ']' in flows", q);
          // Past the cap only the structure is walked (the request is refused anyway).
          record(p, end);
          if (c === CLOSE_ARR) return [At.AfterValue, q + 1];
          p = skipWs(b, q + 1);
          if (p >= nextPause || (p >= b.length && !complete)) return [At.Element, p];
        }
      }
      case At.AfterValue: {
        p = skipWs(b, p);
        need(p);
        if (b[p] === CLOSE_OBJ) return [At.AfterObject, p + 1];
        if (b[p] !== COMMA) throw bad("expected ',' or '}'", p);
        p = skipWs(b, p + 1);
        need(p);
        return [At.Key, p];
      }
      case At.AfterObject: {
        p = skipWs(b, p);
        if (p < b.length) throw bad('unexpected bytes after the object', p);
        if (!complete) throw NEED_MORE;
        return [At.Done, p];
      }
      default:
        return [At.Done, p];
    }
  };

  const run = async (): Promise<BulkBody> => {
    let state = At.Start;
    let p = 0;
    let nextPause = SCAN_SLICE;
    let complete = src.complete;
    let b = src.buf.subarray(0, src.filled);
    for (;;) {
      try {
        [state, p] = step(b, complete, state, p, nextPause);
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        wake(false);
        await src.more();
        complete = src.complete;
        b = src.buf.subarray(0, src.filled);
        continue;
      }
      if (state === At.Done) return walk;
      if (p >= nextPause) {
        nextPause = p + SCAN_SLICE;
        wake(false);
        await pause();
      }
    }
  };
  walk.finished = run().finally(() => {
    walk.over = true;
    wake(true);
  });
  // The route may stop listening (an early answer); the walk's own end is still observed.
  walk.finished.catch(() => undefined);
  return walk;
}
