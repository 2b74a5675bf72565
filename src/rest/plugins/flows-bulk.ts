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
 * is the path for switches without bundles (`atomic: false`, partial acceptance).
 */
import type { FastifyInstance } from 'fastify';
import { decode, Writer } from '../../../protocol/index.js';
import type { ErrorMsg, FlowMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { walkBulkBody, wholeBody } from '../bulk-body.js';
import type { BulkBody, BulkWalk } from '../bulk-body.js';
import { UploadBody } from '../bulk-upload.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import { HttpError, openflowNames, switchErrorToHttp } from '../errors.js';
import type { FlowCommand } from '../flow-json.js';
import { encodeBulkFlows, SLICE } from '../bulk-encode.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { commit, flowOps, flowOpsNeeded, StoredFlows } from '../persist.js';
import { BulkStorePrep, waitPreparing } from '../bulk-store-prep.js';
import type { TxnOp } from '../../store/store.js';
import { lookupSwitch } from '../switch-lookup.js';
import { BundleGone, bulkViaBundle, mayBundle } from '../bulk-bundle.js';
import type { BundleOutcome } from '../bulk-bundle.js';
import { drained } from '../bulk-drain.js';
import { requireMaster } from '../write.js';

const CHUNK = 5_000;
const WINDOW = 4;
/** Flows of store prep per step while waiting (bulk-store-prep.ts's own step size). */
const PREP_STEP = 250;
/** Errors listed in a response at most (the count is always exact). */
const MAX_LISTED = 100;
const NOOP = (): void => undefined;
const COMMANDS = new Set(['add', 'modify', 'delete']);
const TOP_KEYS = new Set(['command', 'persistent']);
const pause = () => new Promise<void>((r) => setImmediate(r));

export interface BulkFlowError {
  index: number;
  message: string;
  openflow?: { type: string; code: string };
}

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

interface BulkContext {
  deps: RestDeps;
  conn: SwitchConnection;
  walk: BulkWalk;
  t0: number;
  /** Drop the request's hold on the body's bytes. */
  release(): void;
}

/** What the body's top level says, checked in the order the route always answered. */
interface Top {
  command: FlowCommand;
  persistent: boolean;
  n: number;
}

function checkTop(body: BulkBody, maxFlows: number): Top {
  if (body.flows === 'missing') throw new HttpError(400, 'bad_request', "body must have required property 'flows'", 'flows');
  if (body.flows === 'not_array') throw new HttpError(400, 'bad_request', 'flows: must be array', 'flows');
  if (body.unknown !== undefined) throw new HttpError(400, 'bad_request', `body must NOT have additional properties (${body.unknown}); it takes flows, command and persistent`, body.unknown);
  const command = (body.fields.get('command') ?? 'add') as FlowCommand;
  if (!COMMANDS.has(command)) throw new HttpError(400, 'bad_request', 'command: must be equal to one of the allowed values (add, modify, delete)', 'command');
  const persistent = body.fields.get('persistent') ?? true;
  if (typeof persistent !== 'boolean') throw new HttpError(400, 'bad_request', 'persistent: must be boolean', 'persistent');
  const n = body.count;
  if (n > maxFlows) {
    throw new HttpError(413, 'payload_too_large', `flows: ${n} flows in one request, at most ${maxFlows} are accepted (rest.maxBulkFlows); split them over several requests`, 'flows', undefined, { limit: maxFlows, count: n });
  }
  return { command, persistent, n };
}

/** Not when the write gate is closed: the plain path's order of answers stays (a bad body is a 400 before the 409). */
const gateOpen = (conn: SwitchConnection) => !conn.writeGate || conn.writeGate();

/** Message k is bytes [ends[k-1], ends[k]) of w.buf (ends[-1] = 0). Only the bytes stay. */
const messageOf = (w: Writer, ends: Uint32Array) => (k: number) => w.buf.subarray(k === 0 ? 0 : ends[k - 1]!, ends[k]!);

/** A persistent ADD's store operations, prepared whenever the route waits for the switch. */
function storePrep(ctx: BulkContext, top: Top, message: (k: number) => Uint8Array): BulkStorePrep | undefined {
  return ctx.deps.state && top.persistent && top.command === 'add' ? new BulkStorePrep(ctx.deps.state, ctx.conn.info.dpid, top.n, message) : undefined;
}

/**
 * Flows [0, encoded) prepared for the store, a step at a time (`prepared` counts what
 * prep.step did; flow k only once it is encoded). False once everything is prepared.
 */
function prepStepper(prep: () => BulkStorePrep | undefined): (encoded: number) => boolean {
  let prepared = 0;
  return (encoded) => {
    const p = prep();
    const c = Math.min(PREP_STEP, encoded - prepared);
    if (!p || c <= 0) return false;
    prepared += c;
    // False once everything is prepared (waitPreparing steps it too, past `prepared`).
    return p.step(c);
  };
}

/** What the switch accepted goes to the store, in one transaction; the answer waits for its fsync. */
async function store(ctx: BulkContext, top: Top, prep: BulkStorePrep | undefined, message: (k: number) => Uint8Array, accepted: (k: number) => boolean): Promise<void> {
  const { state } = ctx.deps;
  const dpid = ctx.conn.info.dpid;
  if (state && prep) await commit(state, await prep.finish(accepted, pause, SLICE));
  else if (state && flowOpsNeeded(state, dpid, top.command, top.persistent)) {
    // The FlowMods are decoded back from the bytes sent, a slice at a time; the stored flows
    // a modify or delete selects from are read once for all slices.
    const ops: TxnOp[] = [];
    const stored = new StoredFlows(state, dpid);
    for (let k = 0; k < top.n; k += SLICE) {
      const list: FlowMod[] = [];
      for (let j = k; j < Math.min(k + SLICE, top.n); j++) if (accepted(j)) list.push(decode(message(j)) as FlowMod);
      for (const op of flowOps(state, dpid, list, top.persistent, stored)) ops.push(op);
      await pause();
    }
    await commit(state, ops);
  }
}

function done(ctx: BulkContext, n: number, atomic: boolean) {
  const ms = performance.now() - ctx.t0;
  return { count: n, accepted: n, atomic, durationMs: Math.round(ms * 10) / 10, flowsPerSecond: Math.round((n / ms) * 1000) };
}

/** The body turned out to need another command than the one its flows were sent with. */
const RESTART = new Error('bulk: send again from the whole body');

/**
 * The body while it arrives: once its first flow is there, flows go into a bundle as they are
 * located, with the command said before `flows` (else add). When the whole body is there it is
 * checked as fromWholeBody would; any answer about the body comes before anything the switch
 * said, as there. A body whose `command` after the flows says otherwise (or that has a second
 * `flows`) is discarded in the switch and sent again from the whole body: undefined.
 */
async function whileArriving(ctx: BulkContext, maxFlows: number, length: number) {
  const { conn, walk } = ctx;
  if ((await walk.located(1)) < 1 || walk.over) return undefined;
  const command = (walk.fields.get('command') ?? 'add') as FlowCommand;
  if (!COMMANDS.has(command)) return undefined;
  // Every element takes 2 bytes at least (one and a comma): the upper bound of the count.
  const cap = Math.min(maxFlows, Math.floor(length / 2));
  const w = new Writer(Math.min(length, 1 << 26));
  const ends = new Uint32Array(cap);
  const message = messageOf(w, ends);
  let top: Top | undefined;
  // A persistent ADD is the default: its store operations are prepared while the flows are sent,
  // unless the body said otherwise before its flows, and dropped if it says so after them.
  let prep = ctx.deps.state && command === 'add' && walk.fields.get('persistent') !== false ? new BulkStorePrep(ctx.deps.state, conn.info.dpid, cap, message) : undefined;
  /** The answer fromWholeBody would give about the body, if any: a 400 or 413 thrown here. */
  const sameCommand = async () => {
    const t = checkTop(await walk.finished, maxFlows);
    return t.command === command && walk.arrays === 1 ? t : undefined;
  };
  try {
    const out = await bulkViaBundle({
      conn, body: walk, n: cap, command, w, ends, pause,
      total: () => walk.count,
      settle: async (count) => {
        top = await sameCommand();
        if (!top) throw RESTART;
        if (top.n !== count) throw new Error(`bulk: ${count} flows sent, the body has ${top.n}`);
        if (prep && top.persistent) prep.setCount(top.n);
        else prep = storePrep(ctx, top, message);
      },
      encoded: () => {
        walk.release();
        ctx.release();
      },
      prepUpTo: prepStepper(() => prep),
      wait: (p) => waitPreparing(p, prep, pause),
      requireMaster: () => requireMaster(conn),
    });
    if (out.kind === 'unsupported') return undefined;
    if (out.kind === 'refused') throw refusedInBundle(out, top!.n);
    await store(ctx, top!, prep, message, () => true);
    return done(ctx, top!.n, true);
  } catch (e) {
    if (e === RESTART) return undefined;
    if (top) throw e;
    // Failed before the body was checked (a bad flow, the switch gone): the body's own fault first.
    if (!(await sameCommand())) return undefined;
    // Said with the body's whole count, now known.
    throw e instanceof BundleGone ? new BundleGone(conn, e.sent, walk.count) : e;
  }
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

/** Nothing was applied: the bundle was discarded (add errors) or its commit failed. */
function refusedInBundle(out: Extract<BundleOutcome, { kind: 'refused' }>, n: number): HttpError {
  const errors: BulkFlowError[] = out.errors.map(({ index, err }) => ({ index, message: 'rejected by the switch', openflow: openflowNames(err.errType, err.code, err.experimenter) }));
  errors.sort((a, b) => a.index - b.index);
  const base = switchErrorToHttp(out.errors[0]?.err ?? out.commitError!, 'flows');
  const commit = out.commitError ? openflowNames(out.commitError.errType, out.commitError.code, out.commitError.experimenter) : undefined;
  const message = commit
    ? `the switch refused to commit the bundle (${commit.type}/${commit.code}${out.rejected ? `, ${out.rejected} flow${out.rejected > 1 ? 's' : ''} failed` : ''}); none of the ${n} flows was applied`
    : `${out.rejected} of ${n} flows were rejected; none was applied (the bundle was discarded)`;
  return new HttpError(base.status, base.code, message, undefined, base.openflow, {
    count: n,
    accepted: 0,
    rejected: out.rejected,
    atomic: true,
    ...(commit ? { commitError: commit } : {}),
    errors: errors.slice(0, MAX_LISTED),
  });
}
