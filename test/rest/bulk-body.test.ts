/**
 * The bulk route's byte-level walk of its body (src/rest/bulk-body.ts) against JSON.parse:
 * randomized bodies (nested values, strings with quotes, backslashes, brackets and non-ASCII
 * characters, any whitespace) give the same flows and fields; bodies cut short or with a byte
 * changed are refused with a 400 whenever JSON.parse refuses them; the flow count is exact also
 * past the cap (only the first cap + 1 are located).
 */
import t from 'tap';
import { scanBulkBody, walkBulkBody } from '../../src/rest/bulk-body.js';
import type { BulkBody } from '../../src/rest/bulk-body.js';
import { UploadBody } from '../../src/rest/bulk-upload.js';
import { HttpError } from '../../src/rest/errors.js';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const ALLOWED = new Set(['command', 'persistent']);
const now = () => Promise.resolve();
const STR = ['a', '"', '\\', '[', ']', '{', '}', ',', ':', 'é', '✓', '\n', ' ', 'x"y', '\\"'];

function value(r: (n: number) => number, depth: number): unknown {
  const k = r(depth > 2 ? 4 : 6);
  if (k === 0) return r(1000) - 500;
  if (k === 1) return Array.from({ length: r(4) }, () => STR[r(STR.length)]).join('');
  if (k === 2) return [true, false, null, 1.5e3][r(4)];
  if (k === 3) return r(2) === 0 ? {} : [];
  if (k === 4) return Array.from({ length: r(4) }, () => value(r, depth + 1));
  return Object.fromEntries(Array.from({ length: r(4) }, (_, i) => [`${STR[r(STR.length)]}${i}`, value(r, depth + 1)]));
}

/** JSON text with random whitespace between tokens (JSON.stringify with an indent, or none). */
const text = (r: (n: number) => number, v: unknown) => JSON.stringify(v, null, [0, 1, '\t', 3][r(4)] as number | string);

/** What a walk found, as plain values (the located flows parsed). */
const summary = (b: BulkBody, max: number) => ({
  fields: Object.fromEntries(b.fields),
  flows: b.flows,
  count: b.count,
  list: b.flows === 'array' ? Array.from({ length: Math.min(b.count, max + 1) }, (_, k) => b.flow(k)) : undefined,
  unknown: b.unknown,
});

async function walk(body: string, max = 1_000_000) {
  return summary(await scanBulkBody(Buffer.from(body), max, ALLOWED, now), max);
}

t.test('randomized bodies: the same flows and fields as JSON.parse', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed * 104729);
    const flows = Array.from({ length: r(12) }, () => value(r, 0));
    const obj: Record<string, unknown> = r(2) ? { command: ['add', 'delete'][r(2)], flows, persistent: r(2) === 0 } : { flows };
    const body = ` ${text(r, obj)}\n`;
    const got = await walk(body);
    const want = JSON.parse(body) as Record<string, unknown>;
    t.same(got.list, want.flows, `seed ${seed}: flows`);
    t.equal(got.count, flows.length);
    const { flows: _f, ...rest } = want;
    t.same(got.fields, rest, `seed ${seed}: fields`);
    t.equal(got.unknown, undefined);
  }
});

t.test('broken bodies are refused whenever JSON.parse refuses them', async (t) => {
  let refused = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed * 7907);
    const good = text(r, { flows: Array.from({ length: 1 + r(5) }, () => value(r, 0)), command: 'add' });
    const bytes = Buffer.from(good);
    let broken: Buffer;
    if (r(2) === 0) broken = bytes.subarray(0, r(bytes.length));
    else {
      broken = Buffer.from(bytes);
      broken[r(broken.length)] = '"{}[],:\\ x1'.charCodeAt(r(11));
    }
    let jsonOk = true;
    try {
      JSON.parse(broken.toString('utf8'));
    } catch {
      jsonOk = false;
    }
    if (jsonOk) continue;
    refused++;
    try {
      await walk(broken.toString('utf8'));
      t.fail(`seed ${seed}: accepted ${JSON.stringify(broken.toString('utf8'))}`);
    } catch (e) {
      if (!(e instanceof HttpError && e.status === 400)) t.fail(`seed ${seed}: ${String(e)}`);
    }
  }
  t.ok(refused > 300, `${refused} broken bodies refused`);
});

t.test('shapes: no flows, flows not an array, unknown keys (never parsed), the count past the cap', async (t) => {
  t.equal((await walk('{"flow": []}')).flows, 'missing');
  t.equal((await walk('{"flows": {"a": 1}}')).flows, 'not_array');
  t.equal((await walk('{"flows": [], "x": [1, {"y": 2}]}')).unknown, 'x');
  t.equal((await walk('{"flows": [1], "flows": "no"}')).flows, 'not_array', 'the last key wins, as in JSON.parse');
  const many = await walk(JSON.stringify({ flows: Array.from({ length: 50 }, (_, i) => ({ i })) }), 10);
  t.equal(many.count, 50, 'counted past the cap');
  t.same(many.list!.at(-1), { i: 10 }, 'the first cap + 1 are located');
  await t.rejects(walk('[{"flows": []}]'), /expected an object/);
  await t.rejects(walk('{"flows": []} x'), /after the object/);
});

t.test('a long body pauses while it is walked', async (t) => {
  let pauses = 0;
  const body = Buffer.from(JSON.stringify({ flows: Array.from({ length: 40_000 }, (_, i) => ({ priority: i, match: { eth_type: 2048 } })) }));
  const b = await scanBulkBody(body, 100_000, ALLOWED, async () => void pauses++);
  t.equal(b.count, 40_000);
  t.ok(pauses >= Math.floor(body.length / 2 ** 20), `${pauses} pauses over ${body.length} bytes`);
});

t.test('flowRange: the elements flow(k) gives, in one parse; undefined when one of them is bad', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed * 6151);
    const flows = Array.from({ length: 1 + r(12) }, () => value(r, 0));
    const b = await scanBulkBody(Buffer.from(text(r, { flows })), 1_000_000, ALLOWED, now);
    const from = r(flows.length);
    const to = from + r(flows.length - from + 1);
    t.same(b.flowRange(from, to), Array.from({ length: to - from }, (_, k) => b.flow(from + k)), `seed ${seed}: [${from}, ${to})`);
  }
  // Elements the walk locates (brackets balance) but JSON.parse refuses: the range is refused,
  // and flow(k) names the bad one as before.
  for (const bad of ['[1}', '{"a": 01}', '{"a" 1}', 'tru', '{"a": [1,]}']) {
    const b = await scanBulkBody(Buffer.from(`{"flows": [{"ok": 1}, ${bad}, 2]}`), 1_000_000, ALLOWED, now);
    t.equal(b.count, 3, `${bad}: located`);
    t.equal(b.flowRange(0, 3), undefined, `${bad}: the range is refused`);
    t.same(b.flowRange(0, 1), [{ ok: 1 }], `${bad}: a range without it parses`);
    t.throws(() => b.flow(1), { status: 400, message: /^body is not valid JSON: .* at byte 22$/ }, `${bad}: flow(1) names its byte`);
  }
});

/** Walk `body` fed in chunks of random sizes (a turn of the event loop between chunks). */
async function walkInChunks(body: string, r: (n: number) => number, max = 1_000_000) {
  const bytes = Buffer.from(body);
  const up = new UploadBody(bytes.length);
  const walk = walkBulkBody(up, max, ALLOWED, now);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + r(r(2) ? 8 : 200);
    up.push(bytes.subarray(at, at + size));
    at += size;
    await new Promise((res) => setImmediate(res));
  }
  up.end();
  return summary(await walk.finished, max);
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: v }),
    (e: unknown) => ({ error: e instanceof HttpError ? `${e.status} ${e.message}` : String(e) }),
  );

t.test('a body walked while it arrives: the same result and the same error as the whole body, however it is cut', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed * 3571);
    const flows = Array.from({ length: r(12) }, () => value(r, 0));
    const obj: Record<string, unknown> = r(2) ? { flows, command: ['add', 'delete'][r(2)], persistent: r(2) === 0 } : { flows };
    let body = ` ${text(r, obj)}\n`;
    // Every other body broken: cut short or one byte changed.
    if (seed % 2 === 0) {
      const b = Buffer.from(body);
      if (r(2) === 0) body = b.subarray(0, r(b.length)).toString('utf8');
      else {
        b[r(b.length)] = '"{}[],:\\ x1'.charCodeAt(r(11));
        body = b.toString('utf8');
      }
    }
    const whole = await outcome(walk(body, 5));
    const chunked = await outcome(walkInChunks(body, r, 5));
    t.same(chunked, whole, `seed ${seed}`);
  }
});

t.test('located(): waits for elements as the body arrives; the walk ends when the body does', async (t) => {
  const body = Buffer.from(JSON.stringify({ flows: [{ a: 1 }, { b: 2 }, { c: 3 }], persistent: false }));
  const up = new UploadBody(body.length);
  const walk = walkBulkBody(up, 100, ALLOWED, now);
  const two = walk.located(2);
  t.type(two, Promise, 'nothing located yet: a promise');
  up.push(body.subarray(0, body.indexOf('{"c"')));
  t.equal(await two, 2, 'two elements once their bytes (and the comma after them) are there');
  t.equal(walk.over, false);
  t.equal(walk.fields.has('persistent'), false, 'the key after flows is not there yet');
  up.push(body.subarray(body.indexOf('{"c"')));
  t.equal(up.end(), true);
  const b = await walk.finished;
  t.equal(b.count, 3);
  t.equal(b.fields.get('persistent'), false);
  t.equal(walk.located(10), 3, 'the walk is over: what it located, at once');
  t.equal(walk.arrays, 1);

  const cut = new UploadBody(body.length);
  const broken = walkBulkBody(cut, 100, ALLOWED, now);
  cut.push(body.subarray(0, 10));
  t.equal(cut.end(), false, 'fewer bytes than declared: not complete');
  cut.fail(new Error('upload aborted'));
  await t.rejects(broken.finished, /upload aborted/);
  t.equal(await broken.located(1), 0, 'a failed walk wakes its waiters with what it has');
  t.equal(cut.push(Buffer.from('x')), false, 'no bytes after a failure');
});
