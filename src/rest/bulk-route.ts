/**
 * The bulk route's steps that both its paths share (src/rest/plugins/flows-bulk.ts for a body
 * that is all there, src/rest/bulk-arriving.ts for one still arriving): the body's top-level
 * checks in the order the route always answered, the store phase, the answers.
 */
import { decode } from '../../protocol/index.js';
import type { FlowMod, Writer } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import type { TxnOp } from '../store/store.js';
import type { BulkBody, BulkWalk } from './bulk-body.js';
import type { BundleOutcome } from './bulk-bundle.js';
import { SLICE } from './bulk-encode.js';
import { BulkStorePrep } from './bulk-store-prep.js';
import type { RestDeps } from './deps.js';
import { HttpError, openflowNames, switchErrorToHttp } from './errors.js';
import type { FlowCommand } from './flow-json.js';
import { commit, flowOps, flowOpsNeeded, StoredFlows } from './persist.js';

/** Flows of store prep per step while waiting (bulk-store-prep.ts's own step size). */
const PREP_STEP = 250;
/** Errors listed in a response at most (the count is always exact). */
export const MAX_LISTED = 100;
export const COMMANDS = new Set(['add', 'modify', 'delete']);
export const pause = () => new Promise<void>((r) => setImmediate(r));

export interface BulkFlowError {
  index: number;
  message: string;
  openflow?: { type: string; code: string };
}

export interface BulkContext {
  deps: RestDeps;
  conn: SwitchConnection;
  walk: BulkWalk;
  t0: number;
  /** Drop the request's hold on the body's bytes. */
  release(): void;
}

/** What the body's top level says, checked in the order the route always answered. */
export interface Top {
  command: FlowCommand;
  persistent: boolean;
  n: number;
}

export function checkTop(body: BulkBody, maxFlows: number): Top {
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
export const gateOpen = (conn: SwitchConnection) => !conn.writeGate || conn.writeGate();

/** Message k is bytes [ends[k-1], ends[k]) of w.buf (ends[-1] = 0). Only the bytes stay. */
export const messageOf = (w: Writer, ends: Uint32Array) => (k: number) => w.buf.subarray(k === 0 ? 0 : ends[k - 1]!, ends[k]!);

/** A persistent ADD's store operations, prepared whenever the route waits for the switch. */
export function storePrep(ctx: BulkContext, top: Top, message: (k: number) => Uint8Array): BulkStorePrep | undefined {
  return ctx.deps.state && top.persistent && top.command === 'add' ? new BulkStorePrep(ctx.deps.state, ctx.conn.info.dpid, top.n, message) : undefined;
}

/**
 * Flows [0, encoded) prepared for the store, a step at a time (`prepared` counts what
 * prep.step did; flow k only once it is encoded). False once everything is prepared.
 */
export function prepStepper(prep: () => BulkStorePrep | undefined): (encoded: number) => boolean {
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
export async function store(ctx: BulkContext, top: Top, prep: BulkStorePrep | undefined, message: (k: number) => Uint8Array, accepted: (k: number) => boolean): Promise<void> {
  const { state } = ctx.deps;
  const dpid = ctx.conn.info.dpid;
  if (state && prep) await commit(state, await prep.finish(accepted, pause, SLICE), prep.prepared);
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

export function done(ctx: BulkContext, n: number, atomic: boolean) {
  const ms = performance.now() - ctx.t0;
  return { count: n, accepted: n, atomic, durationMs: Math.round(ms * 10) / 10, flowsPerSecond: Math.round((n / ms) * 1000) };
}

/** Nothing was applied: the bundle was discarded (add errors) or its commit failed. */
export function refusedInBundle(out: Extract<BundleOutcome, { kind: 'refused' }>, n: number): HttpError {
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
