/**
 * This instance's membership in the cluster: an etcd lease kept alive by hand, and the member key
 * `members/<name>` attached to it. The lease is "valid" locally until the send time of its last
 * renewal plus its TTL (minus a margin): etcd expires it later than that, so an instance that
 * stops being able to renew (cut off from etcd, or frozen and resumed) knows it is no longer a
 * member before anyone else can take its switches. A lost membership is re-established with a
 * new lease; a name held by another live instance is refused at start.
 *
 * With `endpoints`, the renewals run in a worker thread with its own etcd client
 * (lease-worker.ts), gated on a heartbeat of the main event loop: a main loop busy with a
 * packet-in flood keeps its lease, a frozen or deadlocked process loses it. Without, they run on
 * the main loop (every TTL/6).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Etcd3, Lease } from 'etcd3';
import { LEASE_SLOTS, LeaseSlots } from './lease-shared.js';
import type { LeaseWorkerData, LeaseWorkerMessage } from './lease-shared.js';

/** Renewal is assumed to lapse this long before etcd would expire the lease. */
const MARGIN_MS = 250;

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export interface MembershipOptions {
  client: Etcd3;
  /** Key prefix of the cluster's own keys, e.g. 'weft/cluster/'. */
  prefix: string;
  name: string;
  ttlS: number;
  timeoutMs: number;
  /** Stored in the member key (addresses, pid) for /api/v1/cluster. */
  info: Record<string, unknown>;
  /** Membership lost (renewal lapsed or the lease expired) or regained. */
  onChange: (member: boolean) => void;
  log: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void };
  /** etcd endpoints for the lease worker's own client; none: renewals on the main loop. */
  endpoints?: readonly string[];
  now?: () => number;
}

/** How the lease has fared (GET /api/v1/cluster `lease`, the cluster bench). */
export interface LeaseStats {
  renewer: 'worker' | 'main-loop';
  renewals: number;
  /** Slowest renewal round trip, as the renewing thread saw it. */
  maxRenewalMs: number;
  /** Oldest main-loop heartbeat the worker saw when about to renew (worker only). */
  maxHeartbeatAgeMs?: number;
  /** Main event-loop delay since the join (perf_hooks.monitorEventLoopDelay). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** The main loop's heartbeat period; the worker renews only while it is fresher than TTL/2. */
const HEARTBEAT_MS = 50;

export class Membership {
  #lease: Lease | undefined;
  #leaseId: string | undefined;
  /** #leaseId as a bigint, for the comparisons with the worker's slots (valid() runs per write). */
  #leaseBig = -1n;
  #validUntil = 0;
  /** valid() is true until this time (#now's clock) at least; 0 when membership changes. */
  #validBound = 0;
  #member = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #busy = false;
  #worker: Worker | undefined;
  #shared: BigInt64Array | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #renewals = 0;
  #maxRenewalMs = 0;
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #now: () => number;

  constructor(readonly opts: MembershipOptions) {
    this.#now = opts.now ?? (() => performance.now());
  }

  get memberKey(): string {
    return `${this.opts.prefix}members/${this.opts.name}`;
  }

  /** The lease id (decimal string) while a member. */
  get leaseId(): string | undefined {
    return this.#member ? this.#leaseId : undefined;
  }

  /**
   * True while the lease is known renewed: checked synchronously before every write (several
   * times per PACKET_IN under a flood, so one clock read and no allocation).
   */
  valid(): boolean {
    if (!this.#member) return false;
    const now = this.#now();
    if (now < this.#validBound) return true;
    // While a lease is held its end and the loop's stall point only move later: computed once
    // until they pass, not per write (each read of the worker's slots makes a BigInt: ~2% of a
    // cluster instance's CPU under a packet-in flood, and garbage).
    const sh = this.#shared;
    const stallAt = sh === undefined ? Infinity : Number(Atomics.load(sh, LeaseSlots.Heartbeat)) / 1000 + this.opts.ttlS * 1000;
    this.#validBound = Math.min(this.#until(), stallAt);
    return now < this.#validBound;
  }

  /** With the worker: has this loop gone longer than the TTL without a heartbeat? */
  #stalled(now = this.#now()): boolean {
    const sh = this.#shared;
    return sh !== undefined && now - Number(Atomics.load(sh, LeaseSlots.Heartbeat)) / 1000 >= this.opts.ttlS * 1000;
  }

  /** The end of validity: our own (the grant) or the worker's last renewal of this lease. */
  #until(): number {
    const sh = this.#shared;
    if (!sh || this.#leaseId === undefined || Atomics.load(sh, LeaseSlots.LeaseId) !== this.#leaseBig) return this.#validUntil;
    return Math.max(this.#validUntil, Number(Atomics.load(sh, LeaseSlots.ValidUntilUs)) / 1000);
  }

  /** Join at start: refuses a name that a live instance holds. */
  async join(): Promise<void> {
    const period = Math.max(100, Math.floor((this.opts.ttlS * 1000) / 6));
    if (this.opts.endpoints) this.#startWorker(period);
    this.#loopDelay.enable();
    try {
      await this.#register(true);
    } catch (e) {
      await this.#stopWorker();
      throw e;
    }
    this.#post({ type: 'renew', leaseId: this.#leaseId! });
    this.#timer = setInterval(() => void this.#tick(), period);
  }

  #startWorker(periodMs: number): void {
    this.#shared = new BigInt64Array(new SharedArrayBuffer(LEASE_SLOTS * 8));
    const beat = () => {
      // A main loop that did not turn for a whole TTL steps down (the rule for a stalled or
      // resumed process), even though the worker may have kept the lease meanwhile.
      if (this.#stalled()) this.#lose('the main event loop was blocked for longer than the lease TTL');
      Atomics.store(this.#shared!, LeaseSlots.Heartbeat, BigInt(Math.round(performance.now() * 1000)));
    };
    Atomics.store(this.#shared, LeaseSlots.Heartbeat, BigInt(Math.round(performance.now() * 1000)));
    // A timer of the main loop: it runs only when the loop gets round to timers.
    this.#heartbeat = setInterval(beat, HEARTBEAT_MS);
    this.#heartbeat.unref();
    const data: LeaseWorkerData = {
      buffer: this.#shared.buffer as SharedArrayBuffer,
      endpoints: [...this.opts.endpoints!],
      timeoutMs: this.opts.timeoutMs,
      periodMs,
      staleMs: (this.opts.ttlS * 1000) / 2,
      marginMs: MARGIN_MS,
      mainTimeOrigin: performance.timeOrigin,
    };
    this.#worker = leaseWorker(data);
    this.#worker.unref();
    this.#worker.on('error', (err) => this.opts.log.warn({ err: err.message }, 'cluster: the lease worker failed; renewals go on in the main loop'));
    this.#worker.on('exit', () => (this.#worker = undefined));
  }

  #post(m: LeaseWorkerMessage): void {
    this.#worker?.postMessage(m);
  }

  async #stopWorker(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const w = this.#worker;
    this.#worker = undefined;
    if (!w) return;
    w.postMessage({ type: 'close' } satisfies LeaseWorkerMessage);
    await Promise.race([new Promise((r) => w.once('exit', r)), new Promise((r) => setTimeout(r, 1000).unref())]);
    await w.terminate();
  }

  stats(): LeaseStats {
    const h = this.#loopDelay;
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const sh = this.#shared;
    const eventLoopDelayMs = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
    if (!sh) return { renewer: 'main-loop', renewals: this.#renewals, maxRenewalMs: Math.round(this.#maxRenewalMs), eventLoopDelayMs };
    return {
      renewer: 'worker',
      renewals: Number(Atomics.load(sh, LeaseSlots.Renewals)),
      maxRenewalMs: Math.round(Number(Atomics.load(sh, LeaseSlots.MaxRttUs)) / 1000),
      maxHeartbeatAgeMs: Math.round(Number(Atomics.load(sh, LeaseSlots.MaxHeartbeatAgeUs)) / 1000),
      eventLoopDelayMs,
    };
  }

  async #register(atStart: boolean): Promise<void> {
    const { client, ttlS, timeoutMs } = this.opts;
    const deadline = () => ({ deadline: Date.now() + timeoutMs });
    const lease = client.lease(ttlS, { autoKeepAlive: false });
    const sentAt = this.#now();
    let id: string;
    try {
      id = await lease.grant();
    } catch (e) {
      lease.release();
      throw new ClusterError(`etcd: cannot grant a lease: ${(e as Error).message}`);
    }
    const key = Buffer.from(this.memberKey);
    const value = Buffer.from(JSON.stringify({ name: this.opts.name, ...this.opts.info, joinedAt: new Date().toISOString() }));
    const res = await client.kv.txn(
      { compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }], success: [{ request_put: { key, value, lease: id } }], failure: [{ request_range: { key } }] },
      deadline(),
    ).catch(async (e: unknown) => {
      await lease.revoke(deadline()).catch(() => undefined);
      throw new ClusterError(`etcd: cannot register instance ${this.opts.name}: ${(e as Error).message}`);
    });
    if (!res.succeeded) {
      await lease.revoke(deadline()).catch(() => undefined);
      const holder = res.responses[0]?.response_range?.kvs[0]?.value?.toString() ?? '';
      throw new ClusterError(`instance name ${this.opts.name} is in use by a live instance${atStart ? '' : ' (waiting for it to go)'}: ${holder}`);
    }
    this.#lease = lease;
    this.#leaseId = id;
    this.#leaseBig = BigInt(id);
    this.#validUntil = sentAt + ttlS * 1000 - MARGIN_MS;
    this.#validBound = 0;
    this.#member = true;
    this.#post({ type: 'renew', leaseId: id });
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      if (this.#member) await this.#renew();
      else await this.#rejoin();
    } finally {
      this.#busy = false;
    }
  }

  async #renew(): Promise<void> {
    if (this.#worker) return this.#check();
    const sentAt = this.#now();
    try {
      const res = await withTimeout(this.#lease!.keepaliveOnce({ deadline: Date.now() + this.opts.timeoutMs }), this.opts.timeoutMs);
      this.#renewals++;
      this.#maxRenewalMs = Math.max(this.#maxRenewalMs, this.#now() - sentAt);
      if (Number(res.TTL) > 0 && this.#member) this.#validUntil = Math.max(this.#validUntil, sentAt + Number(res.TTL) * 1000 - MARGIN_MS);
    } catch (e) {
      if (/lease|not found/i.test((e as Error).message) && !/deadline|timed out|unavailable/i.test((e as Error).message)) this.#lose(`lease expired (${(e as Error).message})`);
    }
    if (this.#member && this.#now() >= this.#validUntil) this.#lose('the lease could not be renewed in time');
  }

  /** With the worker renewing: has etcd dropped the lease, or did validity run out? */
  #check(): void {
    const sh = this.#shared!;
    if (this.#leaseId !== undefined && Atomics.load(sh, LeaseSlots.Expired) === this.#leaseBig) this.#lose('lease expired (etcd no longer knows it)');
    else if (this.#stalled()) this.#lose('the main event loop was blocked for longer than the lease TTL');
    else if (this.#member && this.#now() >= this.#until()) this.#lose('the lease could not be renewed in time');
  }

  #lose(why: string): void {
    if (!this.#member) return;
    this.#member = false;
    this.#validBound = 0;
    this.#post({ type: 'stop' });
    this.opts.log.warn({ instance: this.opts.name, why, loopDelayMaxMs: this.stats().eventLoopDelayMs.max }, 'cluster membership lost: stepping down');
    this.#lease?.release();
    this.opts.onChange(false);
  }

  async #rejoin(): Promise<void> {
    // The old lease goes first, so the old member key (and its masterships) cannot linger.
    const old = this.#lease;
    if (old && this.#leaseId !== undefined) {
      await this.opts.client.leaseClient.leaseRevoke({ ID: this.#leaseId }, { deadline: Date.now() + this.opts.timeoutMs }).catch(() => undefined);
    }
    try {
      await this.#register(false);
    } catch {
      return;
    }
    this.opts.log.info({ instance: this.opts.name }, 'cluster membership regained');
    this.opts.onChange(true);
  }

  /** Leave: stop renewing and revoke the lease (its keys, masterships included, go at once). */
  async leave(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#loopDelay.disable();
    await this.#stopWorker();
    const wasMember = this.#member;
    this.#member = false;
    this.#validBound = 0;
    if (wasMember && this.#lease) await this.#lease.revoke({ deadline: Date.now() + this.opts.timeoutMs }).catch(() => undefined);
    else this.#lease?.release();
  }
}

/**
 * node runs dist/ (lease-worker.js beside us); tsx runs the sources (tests, bench), and a
 * worker does not inherit tsx's loader, so it registers it before importing lease-worker.ts.
 */
function leaseWorker(workerData: LeaseWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./lease-worker.js', import.meta.url), { workerData });
  const src = JSON.stringify(new URL('./lease-worker.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${src}); })`, { eval: true, workerData });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error('timed out')), ms)))]).finally(() => clearTimeout(t));
}
