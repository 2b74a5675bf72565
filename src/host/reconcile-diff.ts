/**
 * The pure part of reconciliation: what a switch holds against what weft wants there, as a plan
 * of flow adds, modifies and deletes (and group and meter adds and modifies). Flows are
 * compared semantically (reconcile-normalize.ts): identity is table + priority + match, and a
 * flow whose identity matches is kept untouched when its body is the same, modified in place
 * (MODIFY_STRICT: counters keep running) when only its instructions differ, and replaced by an
 * ADD when its cookie, timeouts or flags differ (a MODIFY cannot change those).
 */
import { decode, encodeInto, OFPFC, OFPG_ANY, OFPP, Writer } from '../../protocol/index.js';
import type { FlowMod, FlowStats, GroupDesc, GroupMod, MeterConfig, MeterMod } from '../../protocol/index.js';
import { flowActionsKey, flowAttrsKey, flowId, groupKey, meterKey } from './reconcile-normalize.js';

/** A flow weft wants on a switch, and who wants it (an app or a desired-state source). */
export interface DesiredFlow {
  readonly owner: string;
  readonly flow: FlowMod;
  /** flowId of the flow (computed by the diff when absent). */
  id?: string;
  /** The flow's whole semantic form: the key failures are remembered by. */
  key?: string;
}

export interface DiffPolicy {
  /** Whether a cookie is in weft's space (an app's range, or a source's). */
  isOurs(cookie: bigint): boolean;
  /** An extraneous flow of ours: keep it (its owner adopts it) or delete it. */
  adopt(flow: FlowStats): boolean;
  /** Delete flows outside weft's cookie space too. */
  deleteForeign: boolean;
  /** Desired flows not to send now (failed before, waiting for their retry). */
  blocked?(d: DesiredFlow): boolean;
}

export interface FlowPlan {
  /** Missing flows, and flows whose cookie, timeouts or flags differ (an ADD replaces them). */
  add: DesiredFlow[];
  /** Flows whose instructions differ (MODIFY_STRICT). */
  modify: DesiredFlow[];
  /** Extraneous flows (DELETE_STRICT with their exact cookie). */
  delete: FlowStats[];
  /** Desired flows the switch holds as they are. */
  kept: number;
  /** Extraneous flows of ours that their owner adopted. */
  adopted: number;
  /** Flows outside weft's cookie space, left alone. */
  foreign: number;
  /** Desired flows held back (failed, waiting to be retried). */
  blocked: DesiredFlow[];
  /** Desired flows with the identity of an earlier desired flow (the first one wins). */
  conflicts: DesiredFlow[];
}

export function completeDesired(d: DesiredFlow): DesiredFlow {
  d.id ??= flowId(d.flow.tableId, d.flow);
  d.key ??= `${d.id}|${flowAttrsKey(d.flow)}|${flowActionsKey(d.flow)}`;
  return d;
}

/**
 * The whole-dump diff: every flow the switch holds at once. The reconciler uses the streaming
 * form below (FlowDiffStream); this one is the plain statement of the rules that the streaming
 * form is tested against (test/host/reconcile-stream.test.ts), and is used where the flows are
 * at hand anyway.
 */
export function diffFlows(onSwitch: readonly FlowStats[], desired: readonly DesiredFlow[], policy: DiffPolicy): FlowPlan {
  const plan: FlowPlan = { add: [], modify: [], delete: [], kept: 0, adopted: 0, foreign: 0, blocked: [], conflicts: [] };
  const wanted = new Map<string, DesiredFlow>();
  for (const d of desired) {
    completeDesired(d);
    if (wanted.has(d.id!)) plan.conflicts.push(d);
    else wanted.set(d.id!, d);
  }
  const seen = new Set<string>();
  for (const f of onSwitch) {
    const id = flowId(f.tableId, f);
    const d = wanted.get(id);
    if (d) {
      seen.add(id);
      if (flowAttrsKey(f) !== flowAttrsKey(d.flow)) push(plan, policy, d, plan.add);
      else if (flowActionsKey(f) !== flowActionsKey(d.flow)) push(plan, policy, d, plan.modify);
      else plan.kept++;
      continue;
    }
    if (policy.isOurs(f.cookie)) {
      if (policy.adopt(f)) plan.adopted++;
      else plan.delete.push(f);
    } else if (policy.deleteForeign) plan.delete.push(f);
    else plan.foreign++;
  }
  for (const [id, d] of wanted) if (!seen.has(id)) push(plan, policy, d, plan.add);
  return plan;
}

/** A DELETE_STRICT of exactly this flow (its cookie too: a flow of another owner is not hit). */
export function deleteStrict(f: Pick<FlowStats, 'cookie' | 'tableId' | 'priority' | 'match'>): FlowMod {
  return {
    type: 'flowMod',
    xid: 0,
    cookie: f.cookie,
    cookieMask: 0xffff_ffff_ffff_ffffn,
    tableId: f.tableId,
    command: OFPFC.DELETE_STRICT,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: f.priority,
    bufferId: 0xffffffff,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match: f.match,
    instructions: [],
  };
}

/**
 * The deletes of a plan as encoded DELETE_STRICT messages in one growing buffer (~60-90 bytes
 * a flow, about the size the flow had on the wire without its instructions), not as decoded
 * flow stats: a switch answering with a long (or endless) dump of flows weft would delete then
 * costs weft bytes, not objects for the garbage collector to copy and promote.
 */
export class EncodedDeletes {
  readonly #w = new Writer(4096);
  #ends: Uint32Array = new Uint32Array(64);
  #n = 0;
  /** Flows the codec could not write back (a match the switch sent that cannot be encoded): not deleted. */
  unencodable = 0;

  get length(): number {
    return this.#n;
  }

  push(f: FlowStats): void {
    try {
      encodeInto(deleteStrict(f), this.#w);
    } catch {
      this.unencodable++;
      return;
    }
    if (this.#n === this.#ends.length) {
      const next = new Uint32Array(this.#n * 2);
      next.set(this.#ends);
      this.#ends = next;
    }
    this.#ends[this.#n++] = this.#w.pos;
  }

  /** The k-th message's bytes (a view: sendEncoded copies what it sends). */
  bytes(k: number): Uint8Array {
    return this.#w.buf.subarray(k === 0 ? 0 : this.#ends[k - 1]!, this.#ends[k]!);
  }

  /** The k-th delete as a FlowMod (for log lines and tests). */
  flowMod(k: number): FlowMod {
    return decode(this.bytes(k)) as FlowMod;
  }
}

export interface StreamPlan extends Omit<FlowPlan, 'delete'> {
  delete: EncodedDeletes;
  /** Flows the switch reported. */
  onSwitch: number;
}

/**
 * The same diff as diffFlows, fed one multipart part at a time as the dump arrives: what it
 * keeps is the desired flows by identity (weft's own state, held by the apps anyway), the
 * identities seen, the counts, the desired flows to send, and the deletes as bytes. No flow of
 * the switch outlives its part, so a dump of any length costs what one part costs, plus its
 * deletes' bytes. Results are identical to diffFlows over the concatenated parts (tested on
 * randomized inputs).
 */
export class FlowDiffStream {
  readonly #policy: DiffPolicy;
  readonly #wanted = new Map<string, DesiredFlow>();
  readonly #seen = new Set<string>();
  readonly plan: StreamPlan = { add: [], modify: [], delete: new EncodedDeletes(), kept: 0, adopted: 0, foreign: 0, blocked: [], conflicts: [], onSwitch: 0 };
  #done = false;

  constructor(desired: readonly DesiredFlow[], policy: DiffPolicy) {
    this.#policy = policy;
    for (const d of desired) {
      completeDesired(d);
      if (this.#wanted.has(d.id!)) this.plan.conflicts.push(d);
      else this.#wanted.set(d.id!, d);
    }
  }

  /** One part of the dump. */
  feed(onSwitch: readonly FlowStats[]): void {
    if (this.#done) throw new Error('FlowDiffStream: feed after finish');
    const { plan } = this;
    const policy = this.#policy;
    plan.onSwitch += onSwitch.length;
    for (const f of onSwitch) {
      const id = flowId(f.tableId, f);
      const d = this.#wanted.get(id);
      if (d) {
        this.#seen.add(id);
        if (flowAttrsKey(f) !== flowAttrsKey(d.flow)) push(plan, policy, d, plan.add);
        else if (flowActionsKey(f) !== flowActionsKey(d.flow)) push(plan, policy, d, plan.modify);
        else plan.kept++;
        continue;
      }
      if (policy.isOurs(f.cookie)) {
        if (policy.adopt(f)) plan.adopted++;
        else plan.delete.push(f);
      } else if (policy.deleteForeign) plan.delete.push(f);
      else plan.foreign++;
    }
  }

  /** The dump is complete: the desired flows it did not hold are added. */
  finish(): StreamPlan {
    if (!this.#done) {
      this.#done = true;
      for (const [id, d] of this.#wanted) if (!this.#seen.has(id)) push(this.plan, this.#policy, d, this.plan.add);
    }
    return this.plan;
  }
}

function push(plan: Pick<FlowPlan, 'blocked'>, policy: DiffPolicy, d: DesiredFlow, to: DesiredFlow[]): void {
  if (policy.blocked?.(d)) plan.blocked.push(d);
  else to.push(d);
}

export interface TablePlan<M> {
  add: M[];
  modify: M[];
  kept: number;
}

/**
 * Groups (or meters) by id: missing ones added, different ones modified. Ones weft does not
 * want are left alone: they carry no cookie that says whose they are.
 */
function diffById<M, S>(onSwitch: readonly S[], desired: readonly M[], idOf: (x: M | S) => number, keyOf: (x: M | S) => string): TablePlan<M> {
  const have = new Map<number, S>();
  for (const s of onSwitch) have.set(idOf(s), s);
  const plan: TablePlan<M> = { add: [], modify: [], kept: 0 };
  for (const m of desired) {
    const s = have.get(idOf(m));
    if (s === undefined) plan.add.push(m);
    else if (keyOf(s) !== keyOf(m)) plan.modify.push(m);
    else plan.kept++;
  }
  return plan;
}

export function diffGroups(onSwitch: readonly GroupDesc[], desired: readonly GroupMod[]): TablePlan<GroupMod> {
  return diffById<GroupMod, GroupDesc>(onSwitch, desired, (g) => g.groupId, groupKey);
}

export function diffMeters(onSwitch: readonly MeterConfig[], desired: readonly MeterMod[]): TablePlan<MeterMod> {
  return diffById<MeterMod, MeterConfig>(onSwitch, desired, (m) => m.meterId, meterKey);
}
