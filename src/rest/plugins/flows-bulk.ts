/**
 * POST /switches/:dpid/flows/bulk: many flows in one call (100k and more). Built for speed and
 * bounded memory: the body stays bytes (src/rest/bulk-body.ts locates the flows), each flow is
 * read, checked by hand (no ajv per item) and encoded in its turn (src/rest/bulk-encode.ts: the
 * common shape straight from its bytes, anything else through JSON.parse), in slices with a
 * pause between them, and every flow is encoded before anything is sent (a bad flow -> 400
 * naming flows[i].field, nothing written).
 * Only the encoded bytes are kept (~100 bytes a flow, in one buffer), not 100k FlowMod objects:
 * those lived long enough for the garbage collector to copy and promote them, a quarter of the
 * route's CPU. The bytes are then streamed through conn.sendEncoded in chunks with a barrier
 * after each chunk. At most WINDOW barriers are outstanding, which bounds what is queued for
 * the switch and keeps the connection's error callbacks (pruned at each barrier reply) well
 * under their cap, while the switch is never left idle waiting for us. While the loop waits
 * for the switch, a persistent ADD's store operations are prepared (src/rest/bulk-store-prep.ts).
 * On a switch that does ONF bundles (Open vSwitch) the flows go into one bundle instead, sent
 * slice by slice as they are encoded and committed only when the switch accepted every one:
 * all or nothing (src/rest/bulk-bundle.ts; `atomic: true` in the answer). The streaming above
 * is the path for switches without bundles (`atomic: false`, partial acceptance). With a
 * Content-Length the body is handed over while it arrives (src/rest/bulk-upload.ts), and on a
 * bundle switch its first flows go out before the rest is there (src/rest/bulk-arriving.ts).
 */
import type { FastifyInstance } from 'fastify';
import { Writer } from '../../../protocol/index.js';
import type { ErrorMsg } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { walkBulkBody, wholeBody } from '../bulk-body.js';
import type { BulkBody } from '../bulk-body.js';
import { UploadBody } from '../bulk-upload.js';
import { whileArriving } from '../bulk-arriving.js';
import { HttpError, openflowNames, switchErrorToHttp } from '../errors.js';
import { encodeBulkFlows, SLICE } from '../bulk-encode.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { waitPreparing } from '../bulk-store-prep.js';
import { lookupSwitch } from '../switch-lookup.js';
import { bulkViaBundle, mayBundle } from '../bulk-bundle.js';
import { drained } from '../bulk-drain.js';
import { checkTop, done, gateOpen, MAX_LISTED, messageOf, pause, prepStepper, refusedInBundle, store, storePrep } from '../bulk-route.js';
import type { BulkContext, BulkFlowError, Top } from '../bulk-route.js';
import { requireMaster } from '../write.js';

const CHUNK = 5_000;
const WINDOW = 4;
const NOOP = (): void => undefined;
const TOP_KEYS = new Set(['command', 'persistent']);

export type { BulkFlowError } from '../bulk-route.js';
export { encodeBulkFlow } from '../bulk-encode.js';

export async function flowsBulkPlugin(app: FastifyInstance, { deps, bodyLimit, maxFlows }: { deps: RestDeps; bodyLimit: number; maxFlows: number }): Promise<void> {
  // This plugin's own body parser (encapsulated: only this route): the bytes as they are; the
  // handler walks them (bulk-body.ts). Flows are converted into fresh objects field by field,
  // so a "__proto__" key is just an unknown field there.
  app.addContentTypeParser('application/json', (req, payload, done) => readBody(req.headers['content-length'], payload, bodyLimit, done));
  app.post<{ Params: { dpid: string }; Body: Buffer | UploadBody }>('/switches/:dpid/flows/bulk', {
    bodyLimit,
    // The body schema below documents the route (OpenAPI); the handler checks the body itself,
    // from its bytes. The dpid was checked before the body was read (server.ts, onRequest).
    validatorCompiler: () => () => true,
    schema: {
      tags: ['flows'],
      summary: 'Add (or modify, delete) many flows in one call, streamed to the switch and confirmed by barriers',
      description:
        'Each element of `flows` has the form of POST /switches/{dpid}/flows. A bad flow is a 400 and nothing is applied. ' +
        'On a switch that does ONF bundles (Open vSwitch) the flows are applied all or nothing (`atomic: true`); otherwise ' +
        'the flows the switch accepted stay (`atomic: false`). Switch errors are reported per flow index (409/422 when any flow was rejected).',
      params: DPID_PARAMS,
      body: {
        type: 'object',
        required: ['flows'],
        additionalProperties: false,
        properties: {
          // No `items` schema on purpose: each flow is checked by hand, cheaply.
          flows: { type: 'array', description: 'flows, as in POST /switches/{dpid}/flows' },
          command: { type: 'string', enum: ['add', 'modify', 'delete'], default: 'add' },
          persistent: { type: 'boolean', default: true, description: 'keep the flows in the state store across restarts (docs/STATE.md)' },
        },
      },
      response: responses({
        200: {
          type: 'object',
          properties: { count: { type: 'integer' }, accepted: { type: 'integer' }, atomic: { type: 'boolean' }, durationMs: { type: 'number' }, flowsPerSecond: { type: 'number' } },
        },
      }),
    },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const t0 = performance.now();
      const upload = req.body instanceof UploadBody ? req.body : Buffer.isBuffer(req.body) ? wholeBody(req.body) : undefined;
      if (!upload) throw new HttpError(400, 'bad_request', 'body: expected a JSON object with flows', 'flows');
      const walk = walkBulkBody(upload, maxFlows, TOP_KEYS, pause);
      const ctx: BulkContext = { deps, conn, walk, t0, release: () => void (req.body = Buffer.alloc(0)) };
      try {
        // A body still arriving: its first flows go into a bundle while the rest comes.
        if (!upload.complete && mayBundle(conn) && gateOpen(conn)) {
          const answer = await whileArriving(ctx, maxFlows, upload.buf.length);
          if (answer) return answer;
        }
        const body = await walk.finished;
        return await fromWholeBody(ctx, body, checkTop(body, maxFlows));
      } finally {
        // An early answer: the rest of the upload is not walked (no-op once it is complete).
        if (upload instanceof UploadBody) upload.fail(new Error('the request was answered'));
      }
    },
  });
}

async function fromWholeBody(ctx: BulkContext, body: BulkBody, top: Top) {
  const { conn } = ctx;
  const { n, command } = top;
  const w = new Writer(Math.min(Math.max(n, 1) * 112, 1 << 26));
  const ends = new Uint32Array(n);
  const message = messageOf(w, ends);
  const prep = storePrep(ctx, top, message);
  const prepUpTo = prepStepper(() => prep);
  const releaseBody = () => {
    // The body's bytes are not needed any more (sending takes most of the route's time).
    body.release();
    ctx.release();
  };

  // Atomic: all flows in one ONF bundle, committed only when the switch accepted every one
  // (src/rest/bulk-bundle.ts).
  if (n > 0 && mayBundle(conn) && gateOpen(conn)) {
    const out = await bulkViaBundle({
      conn, body, n, command, w, ends, pause,
      total: () => n,
      encoded: releaseBody,
      prepUpTo,
      wait: (p) => waitPreparing(p, prep, pause),
      requireMaster: () => requireMaster(conn),
    });
    if (out.kind === 'committed') {
      await store(ctx, top, prep, message, () => true);
      return done(ctx, n, true);
    }
    if (out.kind === 'refused') throw refusedInBundle(out, n);
    // The switch does not do bundles: start again on the plain path.
    w.pos = 0;
  }

  await encodeBulkFlows(body, n, command, w, ends, pause);
  releaseBody();
  const prepAll = () => prepUpTo(n);

  // One shared error callback; the xid each flow got maps an ERROR back to its index.
  requireMaster(conn);
  const xids = new Uint32Array(n);
  const switchErrors: ErrorMsg[] = [];
  const onError = (err: ErrorMsg) => void switchErrors.push(err);
  const barriers: Promise<void>[] = [];
  for (let start = 0; start < n; start += CHUNK) {
    if (conn.closed) throw new HttpError(503, 'switch_unavailable', `switch ${conn.info.dpid} disconnected after ${start} of ${n} flows were sent`);
    const end = Math.min(start + CHUNK, n);
    for (let k = start; k < end; k++) {
      xids[k] = conn.sendEncoded(message(k), onError);
      // A pause within the chunk too: 5000 sends are one long turn on a loaded machine.
      if (k % SLICE === SLICE - 1 && k + 1 < end) {
        await pause();
        await drained(conn, prepAll);
        if (conn.closed) break;
      }
    }
    const barrier = conn.barrier();
    // Observed at once: a later barrier may fail (connection closed) while an older one is awaited.
    barrier.catch(NOOP);
    barriers.push(barrier);
    if (barriers.length > WINDOW) await waitPreparing(barriers.shift()!, prep, pause);
    // Let the write queue hand this chunk to the socket before queueing the next.
    else await new Promise((r) => setImmediate(r));
  }
  await waitPreparing(Promise.all(barriers), prep, pause);
  const rejected = switchErrors.length;
  const refused = new Set(switchErrors.map((e) => e.xid));
  await store(ctx, top, prep, message, (k) => !refused.has(xids[k]!));
  if (rejected > 0) {
    const indexOf = new Map<number, number>();
    for (let k = 0; k < n; k++) indexOf.set(xids[k]!, k);
    const errors: BulkFlowError[] = switchErrors.map((err) => ({ index: indexOf.get(err.xid) ?? -1, message: 'rejected by the switch', openflow: openflowNames(err.errType, err.code, err.experimenter) }));
    errors.sort((a, b) => a.index - b.index);
    const base = switchErrorToHttp(switchErrors[0]!, 'flows');
    throw new HttpError(base.status, base.code, `${rejected} of ${n} flows were rejected`, undefined, base.openflow, {
      count: n,
      accepted: n - rejected,
      rejected,
      atomic: false,
      errors: errors.slice(0, MAX_LISTED),
    });
  }
  return done(ctx, n, false);
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`Request body is too large`), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', limit });
}

/**
 * With a Content-Length: an UploadBody (one buffer of exactly that length), handed to the route
 * at once and filled as chunks arrive, so the route walks and sends while the upload goes on
 * (fastify's `parseAs: 'buffer'` keeps the chunks and concatenates them at the end: twice the
 * body for a moment, and nothing happens before the last byte). Without a Content-Length
 * (chunked upload) the chunks are concatenated and the route gets the whole body.
 */
function readBody(lengthHeader: string | undefined, payload: NodeJS.ReadableStream, limit: number, done: (err: Error | null, body?: Buffer | UploadBody) => void): void {
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) return done(Object.assign(new Error('bad Content-Length'), { statusCode: 400 }));
  if (declared !== undefined && declared > limit) return done(tooLarge(limit));
  if (declared !== undefined) {
    const up = new UploadBody(declared);
    const fail = (message: string) => up.fail(new HttpError(400, 'bad_request', message));
    payload.on('data', (c: Buffer) => {
      if (up.push(c)) return;
      fail('body longer than its Content-Length');
      payload.removeAllListeners('data');
      payload.resume();
    });
    payload.on('end', () => {
      if (!up.end()) fail(`body of ${up.filled} bytes, Content-Length said ${declared}`);
    });
    payload.on('error', (e: Error) => fail(`the upload failed: ${e.message}`));
    // Closed without its end (the client went away): nothing waits for bytes that never come.
    payload.on('close', () => fail('the upload ended before the body did'));
    return done(null, up);
  }
  const chunks: Buffer[] = [];
  let got = 0;
  let finished = false;
  const finish = (err: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.removeAllListeners('data');
    if (err) payload.resume();
    done(err, body);
  };
  payload.on('data', (c: Buffer) => {
    if (got + c.length > limit) return finish(tooLarge(limit));
    chunks.push(c);
    got += c.length;
  });
  payload.on('end', () => finish(null, Buffer.concat(chunks, got)));
  payload.on('error', (e: Error) => finish(Object.assign(e, { statusCode: 400 })));
}
