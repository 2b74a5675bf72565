/**
 * Reconciliation (docs/STATE.md): at every switch up, at every audit and when a refused flow's
 * retry is due, read what the switch holds (flows, and groups and meters when anyone wants
 * some), ask every participant (each app, each desired-state source) what it wants there now,
 * and send only the difference. Identical flows are not touched, so their counters and
 * durations keep running across a weft restart or a reconnect. One run per switch at a time;
 * a request during a run makes one more run after it.
 */
import { errorCodeName, errorTypeName, OFPFC, OFPG_ANY, OFPGC, OFPM_ALL, OFPMC, OFPP, OFPTT_ALL, formatMatch } from '../../protocol/index.js';
import type { ErrorMsg, FlowMod, FlowStats, GroupDesc, GroupMod, MeterConfig, MeterMod, MultipartReplyBody, MultipartRequest, OfMessage } from '../../protocol/index.js';
import type { AppLogger, SwitchView } from '../../apps/sdk/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import { completeDesired, diffGroups, diffMeters, FlowDiffStream } from './reconcile-diff.js';
import type { DesiredFlow, StreamPlan } from './reconcile-diff.js';
import { FailedFlows } from './reconcile-failures.js';
import type { FailedFlow, RetryPolicy } from './reconcile-failures.js';
import { emptyTotals, RECONCILE_DEFAULTS } from './reconcile-types.js';
import type { Participant, ReconcileOptions, ReconcileResult, ReconcileTotals, ReconcileTrigger } from './reconcile-types.js';

export type { Participant, ReconcileOptions, ReconcileResult, ReconcileTrigger } from './reconcile-types.js';

interface Held {
  readonly conn: SwitchConnection;
  readonly view: SwitchView;
  running: Promise<void> | undefined;
  /** A run was asked for while one ran: the trigger of the next one. */
  again: ReconcileTrigger | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  last: ReconcileResult | undefined;
}

export interface ReconcilerDeps {
  participants: () => readonly Participant[];
  log: AppLogger;
  clock: () => number;
  options?: Partial<ReconcileOptions>;
  /** A cluster instance reconciles only the switches it masters (docs/CLUSTER.md). */
  mayWrite?: (dpid: string) => boolean;
}

export interface SwitchReconcileStatus {
  dpid: string;
  running: boolean;
  last: ReconcileResult | null;
  failed: FailedFlow[];
}

export class Reconciler {
  readonly options: ReconcileOptions;
  readonly #deps: ReconcilerDeps;
  readonly #held = new Map<string, Held>();
  readonly #failed: FailedFlows;
  readonly #listeners: ((r: ReconcileResult) => void)[] = [];
  readonly totals: ReconcileTotals = emptyTotals();
  #audit: NodeJS.Timeout | undefined;
  #auditing = false;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.options = { ...RECONCILE_DEFAULTS, ...deps.options };
    const retry: RetryPolicy = { maxAttempts: this.options.maxAttempts, backoffMs: this.options.retryBackoffMs, maxBackoffMs: this.options.maxRetryBackoffMs };
    this.#failed = new FailedFlows(retry);
  }

  /** Call `fn` with every finished run (REST events, metrics). */
  onResult(fn: (r: ReconcileResult) => void): void {
    this.#listeners.push(fn);
  }

  switchUp(conn: SwitchConnection, view: SwitchView): void {
    this.switchDown(view.dpid);
    this.#held.set(view.dpid, { conn, view, running: undefined, again: undefined, retryTimer: undefined, last: undefined });
    void this.reconcile(view.dpid, 'switchUp');
  }

  switchDown(dpid: string): void {
    const h = this.#held.get(dpid);
    if (!h) return;
    if (h.retryTimer) clearTimeout(h.retryTimer);
    this.#held.delete(dpid);
    // A switch that comes back gets fresh attempts for what it refused.
    this.#failed.dropSwitch(dpid);
  }

  status(dpid: string): SwitchReconcileStatus | undefined {
    const h = this.#held.get(dpid);
    if (!h) return undefined;
    return { dpid, running: h.running !== undefined, last: h.last ?? null, failed: this.#failed.list(dpid) };
  }

  /** Failed flows on all switches (for metrics). */
  get failedCount(): number {
    return this.#failed.size;
  }

  lastResults(): ReconcileResult[] {
    const out: ReconcileResult[] = [];
    for (const h of this.#held.values()) if (h.last) out.push(h.last);
    return out;
  }

  /** Start the periodic audit (no-op when auditIntervalMs is 0). */
  start(): void {
    if (this.#audit || this.options.auditIntervalMs <= 0) return;
    this.#audit = setInterval(() => void this.auditAll(), this.options.auditIntervalMs);
    this.#audit.unref();
  }

  stop(): void {
    if (this.#audit) clearInterval(this.#audit);
    this.#audit = undefined;
    for (const h of this.#held.values()) if (h.retryTimer) clearTimeout(h.retryTimer);
  }

  /** Reconcile every connected switch, one after the other. */
  async auditAll(): Promise<void> {
    if (this.#auditing) return;
    this.#auditing = true;
    try {
      for (const dpid of [...this.#held.keys()]) await this.reconcile(dpid, 'audit');
    } finally {
      this.#auditing = false;
    }
  }

  /** Reconcile one switch; resolves with its result when this run (or the one it joined) ends. */
  async reconcile(dpid: string, trigger: ReconcileTrigger): Promise<ReconcileResult | undefined> {
    const h = this.#held.get(dpid);
    if (!h) return undefined;
    if (this.#deps.mayWrite && !this.#deps.mayWrite(dpid)) return h.last;
    if (h.running) {
      h.again = trigger;
      while (h.running) await h.running;
      return h.last;
    }
    if (h.conn.answerNow) {
      // An in-process switch (the test fakes): the whole run happens now.
      this.#runSync(h, trigger);
      return h.last;
    }
    const loop = async () => {
      let next: ReconcileTrigger | undefined = trigger;
      while (next && this.#held.get(dpid) === h) {
        h.again = undefined;
        await this.#runAsync(h, next);
        next = h.again;
      }
    };
    h.running = loop().finally(() => (h.running = undefined));
    await h.running;
    return h.last;
  }

  // ---------------------------------------------------------------- one run

  async #runAsync(h: Held, trigger: ReconcileTrigger): Promise<void> {
    const { result, steps, t0 } = this.#begin(h, trigger);
    const ask = async (step: Step): Promise<Outcome> => {
      try {
        if (step.type === 'barrierRequest') return { ok: true, answer: void (await h.conn.barrier()) };
        // Lets the socket and the timers run between chunks of sends (other switches' echoes).
        if (step.type === 'pause') return { ok: true, answer: void (await new Promise((r) => setImmediate(r))) };
        if (!step.onPart) return { ok: true, answer: await h.conn.multipart(step.request) };
        // A connection that cannot stream answers with the parts: fed the same way.
        for (const part of await h.conn.multipart(step.request, { onPart: step.onPart })) step.onPart(part);
        return { ok: true, answer: [] };
      } catch (err) {
        return { ok: false, err };
      }
    };
    try {
      let r = steps.next();
      while (!r.done) r = feed(steps, await ask(r.value));
    } catch (err) {
      result.error = (err as Error)?.message ?? String(err);
    }
    this.#finish(h, result, t0);
  }

  #runSync(h: Held, trigger: ReconcileTrigger): void {
    const { result, steps, t0 } = this.#begin(h, trigger);
    const ask = (step: Step): Outcome => {
      try {
        if (step.type === 'pause') return { ok: true, answer: undefined };
        if (step.type === 'barrierRequest') return { ok: true, answer: h.conn.answerNow!(step) };
        const parts = h.conn.answerNow!(step.request) ?? [];
        if (!step.onPart) return { ok: true, answer: parts };
        for (const part of parts) step.onPart(part);
        return { ok: true, answer: [] };
      } catch (err) {
        return { ok: false, err };
      }
    };
    try {
      let r = steps.next();
      while (!r.done) r = feed(steps, ask(r.value));
    } catch (err) {
      result.error = (err as Error)?.message ?? String(err);
    }
    this.#finish(h, result, t0);
  }

  #begin(h: Held, trigger: ReconcileTrigger) {
    const result: ReconcileResult = {
      dpid: h.view.dpid,
      trigger,
      at: new Date(this.#deps.clock()).toISOString(),
      durationMs: 0,
      flows: { onSwitch: 0, desired: 0, added: 0, modified: 0, deleted: 0, kept: 0, adopted: 0, foreign: 0, failed: 0 },
      groups: { added: 0, modified: 0, kept: 0, failed: 0 },
      meters: { added: 0, modified: 0, kept: 0, failed: 0 },
      conflicts: 0,
      error: null,
    };
    return { result, steps: this.#steps(h, result), t0: performance.now() };
  }

  /** The run, as the requests it makes: each yield is answered with the reply bodies (none for a barrier). */
  *#steps(h: Held, result: ReconcileResult): Generator<Step, void, MultipartReplyBody[] | undefined> {
    const { view } = h;
    const parts = this.#deps.participants();
    // Nothing to reconcile: not even a read of the switch.
    if (!parts.some(managed) && this.options.foreignFlows === 'keep') return;
    // What weft wants is asked first, so that each part of the switch's flow dump is diffed
    // against it as it arrives and then dropped (docs/STATE.md, "a long dump").
    const { desired, groups, meters, unavailable } = this.#desired(parts, view);
    result.flows.desired = desired.length;
    const now = this.#deps.clock();
    const policy = {
      isOurs: (cookie: bigint) => parts.some((p) => p.owns(cookie)),
      adopt: (f: FlowStats) => this.#adopt(parts, unavailable, view, f),
      deleteForeign: this.options.foreignFlows === 'delete',
      blocked: (d: DesiredFlow) => this.#failed.blocked(view.dpid, d.key!, now),
    };
    let diff = new FlowDiffStream(desired, policy);
    try {
      const stream = diff;
      yield { type: 'multipart', request: FLOW_DUMP, onPart: (b) => b.kind === 'flow' && stream.feed(b.stats) };
    } catch (err) {
      // A switch that cannot list its flows still gets what weft wants there: every desired
      // flow is sent as an add (which replaces an identical one) and nothing is deleted (what
      // the parts before the failure said is dropped).
      diff = new FlowDiffStream(desired, policy);
      result.error = `flow dump failed (${(err as Error)?.message ?? String(err)}); desired flows installed without a diff`;
    }
    const plan = diff.finish();
    result.flows.onSwitch = plan.onSwitch;
    const groupPlan = groups.length ? diffGroups(collect<GroupDesc>((yield { type: 'multipart', request: GROUP_DUMP })!, 'groupDesc'), groups) : { add: [], modify: [], kept: 0 };
    const meterPlan = meters.length ? diffMeters(collect<MeterConfig>((yield { type: 'multipart', request: METER_DUMP })!, 'meterConfig'), meters) : { add: [], modify: [], kept: 0 };
    Object.assign(result.flows, { kept: plan.kept, adopted: plan.adopted, foreign: plan.foreign });
    result.flows.failed += plan.blocked.length;
    result.groups.kept = groupPlan.kept;
    result.meters.kept = meterPlan.kept;
    result.conflicts = plan.conflicts.length;
    if (plan.conflicts.length) {
      this.#deps.log.warn({ dpid: view.dpid, conflicts: plan.conflicts.slice(0, 5).map((d) => `${d.owner}: ${describe(d.flow)}`) }, 'two owners want a flow with the same table, priority and match; the first in load order wins');
    }
    this.#failed.retain(view.dpid, new Set(desired.map((d) => d.key!)));
    // A refused flow counts as accepted once the switch is seen holding it.
    const pending = new Set([...plan.add, ...plan.modify, ...plan.blocked, ...plan.conflicts]);
    for (const d of desired) if (!pending.has(d)) this.#failed.succeeded(view.dpid, d.key!);
    yield* this.#apply(h, plan, groupPlan, meterPlan, result);
  }

  #finish(h: Held, result: ReconcileResult, t0: number): void {
    result.durationMs = Math.round((performance.now() - t0) * 1000) / 1000;
    h.last = result;
    this.#count(result);
    this.#scheduleRetry(h);
    const f = result.flows;
    const line = { dpid: result.dpid, trigger: result.trigger, durationMs: result.durationMs, onSwitch: f.onSwitch, added: f.added, modified: f.modified, deleted: f.deleted, kept: f.kept, adopted: f.adopted, foreign: f.foreign, failed: f.failed };
    if (result.error) this.#deps.log.warn({ ...line, error: result.error }, 'switch reconciliation failed');
    else this.#deps.log.info(line, 'switch reconciled');
    for (const fn of this.#listeners) {
      try {
        fn(result);
      } catch (err) {
        this.#deps.log.error({ err: (err as Error)?.message }, 'reconciliation listener failed');
      }
    }
  }

  #desired(parts: readonly Participant[], view: SwitchView): { desired: DesiredFlow[]; groups: GroupMod[]; meters: MeterMod[]; unavailable: Set<Participant> } {
    const desired: DesiredFlow[] = [];
    const groups: GroupMod[] = [];
    const meters: MeterMod[] = [];
    const unavailable = new Set<Participant>();
    for (const p of parts) {
      try {
        for (const flow of p.desiredFlows?.(view) ?? []) {
          if (flow?.type !== 'flowMod' || flow.command !== OFPFC.ADD) throw new TypeError(`desired flows must be flow adds, got ${flow?.type} command ${String((flow as FlowMod)?.command)}`);
          desired.push(completeDesired({ owner: p.name, flow }));
        }
        groups.push(...(p.desiredGroups?.(view) ?? []));
        meters.push(...(p.desiredMeters?.(view) ?? []));
      } catch (err) {
        // Without its wishes, nothing of this participant is deleted this time.
        unavailable.add(p);
        for (let i = desired.length - 1; i >= 0 && desired[i]!.owner === p.name; i--) desired.pop();
        this.#deps.log.error({ dpid: view.dpid, owner: p.name, err: (err as Error)?.message ?? String(err) }, 'desired state unavailable; its flows are left as they are');
      }
    }
    return { desired, groups, meters, unavailable };
  }

  #adopt(parts: readonly Participant[], unavailable: ReadonlySet<Participant>, view: SwitchView, f: FlowStats): boolean {
    const p = parts.find((x) => x.owns(f.cookie));
    if (!p) return false;
    // An app that states no desired state keeps managing its flows itself (and so does one
    // whose desired state could not be read this time).
    if (unavailable.has(p) || !managed(p)) return true;
    try {
      return p.adoptFlow?.(view, f) === true;
    } catch (err) {
      this.#deps.log.error({ dpid: view.dpid, owner: p.name, err: (err as Error)?.message ?? String(err) }, 'adoptFlow failed; the flow is kept');
      return true;
    }
  }

  /** Deletes, a barrier, meters, groups, flow adds and modifies, a barrier: refusals arrive before its reply. */
  *#apply(h: Held, plan: StreamPlan, groups: { add: GroupMod[]; modify: GroupMod[] }, meters: { add: MeterMod[]; modify: MeterMod[] }, result: ReconcileResult): Generator<Step, void, MultipartReplyBody[] | undefined> {
    const { conn, view } = h;
    const clock = this.#deps.clock;
    const dpid = view.dpid;
    const refused = (what: string, onFail: (err: ErrorMsg) => void, detail?: () => string) => (err: ErrorMsg) => {
      onFail(err);
      this.#deps.log.warn({ dpid, what: detail ? `${what} ${detail()}` : what, error: `${errorTypeName(err.errType)}/${errorCodeName(err.errType, err.code)}` }, 'switch refused a reconciliation message');
    };
    // A pause every SEND_CHUNK messages: a plan of 100k flows is not sent in one event-loop turn.
    let sent = 0;
    const dels = plan.delete;
    for (let k = 0; k < dels.length; k++) {
      conn.sendEncoded(dels.bytes(k), refused(`delete`, () => result.flows.deleted--, () => describe(dels.flowMod(k))));
      result.flows.deleted++;
      if (++sent % SEND_CHUNK === 0) yield PAUSE;
    }
    const sendsMore = plan.add.length + plan.modify.length + groups.add.length + groups.modify.length + meters.add.length + meters.modify.length > 0;
    if (plan.delete.length && sendsMore) yield BARRIER;
    const sendTable = <M extends GroupMod | MeterMod>(list: M[], command: number, counts: { added: number; modified: number; failed: number }, key: 'added' | 'modified') => {
      for (const m of list) {
        conn.send({ ...m, command, xid: 0 } as OfMessage, refused(`${m.type} ${'groupId' in m ? m.groupId : m.meterId}`, () => {
          counts[key]--;
          counts.failed++;
        }));
        counts[key]++;
      }
    };
    sendTable(meters.add, OFPMC.ADD, result.meters, 'added');
    sendTable(meters.modify, OFPMC.MODIFY, result.meters, 'modified');
    sendTable(groups.add, OFPGC.ADD, result.groups, 'added');
    sendTable(groups.modify, OFPGC.MODIFY, result.groups, 'modified');
    const sendFlow = (d: DesiredFlow, msg: FlowMod, key: 'added' | 'modified') => {
      conn.send(msg, (err) => {
        result.flows[key]--;
        result.flows.failed++;
        const e = `${errorTypeName(err.errType)}/${errorCodeName(err.errType, err.code)}`;
        const rec = this.#failed.fail(dpid, d.key!, d.owner, describe(d.flow), e, clock());
        this.#deps.log.warn({ dpid, owner: d.owner, flow: rec.flow, error: e, attempts: rec.attempts, nextRetryAt: rec.nextRetryAt }, 'switch refused a desired flow');
        // A refusal may arrive after the run ended (an in-process switch answers barriers first).
        if (!h.running && this.#held.get(dpid) === h) this.#scheduleRetry(h);
      });
      result.flows[key]++;
    };
    for (const d of plan.add) {
      sendFlow(d, d.flow.xid === 0 ? d.flow : { ...d.flow, xid: 0 }, 'added');
      if (++sent % SEND_CHUNK === 0) yield PAUSE;
    }
    for (const d of plan.modify) {
      sendFlow(d, { ...d.flow, xid: 0, command: OFPFC.MODIFY_STRICT, cookieMask: 0n }, 'modified');
      if (++sent % SEND_CHUNK === 0) yield PAUSE;
    }
    if (plan.delete.length || sendsMore) yield BARRIER;
  }

  #scheduleRetry(h: Held): void {
    if (h.retryTimer) clearTimeout(h.retryTimer);
    h.retryTimer = undefined;
    const at = this.#failed.nextRetry(h.view.dpid);
    if (at === undefined) return;
    const wait = Math.max(0, at - this.#deps.clock());
    h.retryTimer = setTimeout(() => {
      h.retryTimer = undefined;
      void this.reconcile(h.view.dpid, 'retry');
    }, wait);
    h.retryTimer.unref();
  }

  #count(r: ReconcileResult): void {
    const t = this.totals;
    t.runs[r.trigger]++;
    if (r.error) t.errors++;
    t.flows.added += r.flows.added;
    t.flows.modified += r.flows.modified;
    t.flows.deleted += r.flows.deleted;
    t.flows.kept += r.flows.kept;
    t.flows.adopted += r.flows.adopted;
    t.flows.failed += r.flows.failed;
  }
}

/** A participant that states desired state (the others manage their flows themselves). */
function managed(p: Participant): boolean {
  return p.desiredFlows !== undefined || p.adoptFlow !== undefined || p.desiredGroups !== undefined || p.desiredMeters !== undefined;
}

/** A request of a run; a multipart one with onPart gets its parts there as they arrive (and [] as its answer). */
type Step =
  | { type: 'multipart'; request: MultipartRequest; onPart?: (part: MultipartReplyBody) => void }
  | { type: 'barrierRequest'; xid: number }
  | { type: 'pause' };

/** How one request of a run ended: its reply bodies (none for a barrier), or the error. */
type Outcome = { ok: true; answer: MultipartReplyBody[] | undefined } | { ok: false; err: unknown };

/** Hands a request's outcome to the run; an error is thrown into it, where it may be handled. */
function feed(steps: Generator<Step, void, MultipartReplyBody[] | undefined>, o: Outcome): IteratorResult<Step, void> {
  return o.ok ? steps.next(o.answer) : steps.throw(o.err);
}
const FLOW_DUMP: MultipartRequest = {
  type: 'multipartRequest',
  xid: 0,
  flags: 0,
  body: { kind: 'flow', tableId: OFPTT_ALL, outPort: OFPP.ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] },
};
const GROUP_DUMP: MultipartRequest = { type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'groupDesc' } };
const METER_DUMP: MultipartRequest = { type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'meterConfig', meterId: OFPM_ALL } };
const BARRIER: Step = { type: 'barrierRequest', xid: 0 };
const PAUSE: Step = { type: 'pause' };
/** Messages a run sends between two pauses (~5-10 ms of encoding on this project's machines). */
const SEND_CHUNK = 2000;

function collect<T>(bodies: readonly MultipartReplyBody[], kind: string): T[] {
  const out: T[] = [];
  for (const b of bodies) if (b.kind === kind) for (const s of (b as unknown as { stats: T[] }).stats) out.push(s);
  return out;
}

/** One line for logs and REST: table, priority, match, cookie. */
export function describe(f: Pick<FlowMod, 'priority' | 'match' | 'cookie'> & { tableId: number }): string {
  const m = formatMatch(f.match);
  return `table=${f.tableId} priority=${f.priority}${m ? ` ${m}` : ''} cookie=0x${f.cookie.toString(16)}`;
}
