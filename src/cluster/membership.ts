/**
 * This instance's membership in the cluster: an etcd lease kept alive by hand, and the member key
 * `members/<name>` attached to it. The lease is "valid" locally until the send time of its last
 * renewal plus its TTL (minus a margin): etcd expires it later than that, so an instance that
 * stops being able to renew (cut off from etcd, or frozen and resumed) knows it is no longer a
 * member before anyone else can take its switches. A lost membership is re-established with a
 * new lease; a name held by another live instance is refused at start.
 */
import type { Etcd3, Lease } from 'etcd3';

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
  now?: () => number;
}

export class Membership {
  #lease: Lease | undefined;
  #leaseId: string | undefined;
  #validUntil = 0;
  #member = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #busy = false;
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

  /** True while the lease is known renewed: checked synchronously before every write. */
  valid(): boolean {
    return this.#member && this.#now() < this.#validUntil;
  }

  /** Join at start: refuses a name that a live instance holds. */
  async join(): Promise<void> {
    await this.#register(true);
    this.#timer = setInterval(() => void this.#tick(), Math.max(100, Math.floor((this.opts.ttlS * 1000) / 4)));
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
    this.#validUntil = sentAt + ttlS * 1000 - MARGIN_MS;
    this.#member = true;
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
    const sentAt = this.#now();
    try {
      const res = await withTimeout(this.#lease!.keepaliveOnce({ deadline: Date.now() + this.opts.timeoutMs }), this.opts.timeoutMs);
      if (Number(res.TTL) > 0 && this.#member) this.#validUntil = Math.max(this.#validUntil, sentAt + Number(res.TTL) * 1000 - MARGIN_MS);
    } catch (e) {
      if (/lease|not found/i.test((e as Error).message) && !/deadline|timed out|unavailable/i.test((e as Error).message)) this.#lose(`lease expired (${(e as Error).message})`);
    }
    if (this.#member && this.#now() >= this.#validUntil) this.#lose('the lease could not be renewed in time');
  }

  #lose(why: string): void {
    if (!this.#member) return;
    this.#member = false;
    this.opts.log.warn({ instance: this.opts.name, why }, 'cluster membership lost: stepping down');
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
    const wasMember = this.#member;
    this.#member = false;
    if (wasMember && this.#lease) await this.#lease.revoke({ deadline: Date.now() + this.opts.timeoutMs }).catch(() => undefined);
    else this.#lease?.release();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error('timed out')), ms)))]).finally(() => clearTimeout(t));
}
