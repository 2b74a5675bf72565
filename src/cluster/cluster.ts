/**
 * weft as one instance of a cluster (docs/CLUSTER.md). etcd holds, under `<prefix>cluster/`:
 * `members/<name>` (one per live instance, on its lease), `conns/<dpid>/<name>` (which instance
 * each switch is connected to, on that instance's lease) and `masters/<dpid>` (the master's claim,
 * on its lease). Every instance reads the same keys and computes the same assignment
 * (assignment.ts); each acts only for itself: it claims a switch assigned to it that has no
 * master (create-if-absent), resigns one assigned elsewhere, and is SLAVE everywhere else. The
 * claim's etcd revision is the OpenFlow generation_id of its ROLE_REQUEST MASTER, so a switch
 * refuses a master whose claim is older than one it has seen. Writes to a switch (flow, group,
 * meter, port and table mods, packet-outs) leave this instance only while it is that switch's
 * master and its lease is known renewed (mayWrite).
 */
import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { encode, OFPCR_ROLE } from '../../protocol/index.js';
import type { OfMessage, RoleReply } from '../../protocol/index.js';
import { SwitchError } from '../openflow/switch-connection.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import { rangeEnd } from '../store/etcd-store.js';
import { assignMasters } from './assignment.js';
import { ForwardQueue } from './forward-queue.js';
import type { WriteBatch } from './forward-queue.js';
import { ClusterError, Membership } from './membership.js';
import type { MembershipOptions } from './membership.js';

type LocalRole = 'none' | 'slave' | 'master';

interface Held {
  conn: SwitchConnection;
  role: LocalRole;
  /** The generation_id of our MASTER request (the claim's mod revision). */
  gen: number;
}

export interface ClusterView {
  revision: number;
  /** Forwarded writes waiting for their master (`writes/<dpid>/...`). */
  writes: IKeyValue[];
  members: Record<string, unknown>[];
  connected: Map<string, string[]>;
  masters: Map<string, { name: string; modRevision: number }>;
}

export interface ClusterOptions extends Omit<MembershipOptions, 'onChange' | 'prefix'> {
  /** The cluster's key prefix in etcd, e.g. 'weft/' (its keys go under '<prefix>cluster/'). */
  prefix: string;
  /** Told when this instance becomes master of a switch (reconcile it) or stops being one. */
  onMastership?: (dpid: string, master: boolean) => void;
  log: MembershipOptions['log'] & { debug(o: unknown, m?: string): void };
}

const ROLE_ATTEMPTS = 3;

export class Cluster {
  readonly name: string;
  readonly membership: Membership;
  readonly #client: Etcd3;
  readonly #prefix: string;
  readonly #held = new Map<string, Held>();
  #view: ClusterView = { revision: 0, writes: [], members: [], connected: new Map(), masters: new Map() };
  /** Forwarded writes sent already (`key@modRevision`): the watch and the periodic read both see them. */
  readonly #applied = new Set<string>();
  #watcher: Watcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #deciding: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;
  #seq = 0;
  /** writesGated of connections that are gone. */
  #gatedGone = 0;
  readonly #deadline: () => { deadline: number };
  /** Apps' writes for switches mastered elsewhere, batched per event-loop turn (forward-queue.ts). */
  readonly #appWrites: ForwardQueue;
  /** Forwarded messages this instance received as master and sent to its switches. */
  #forwardedIn = 0;

  private constructor(readonly opts: ClusterOptions) {
    this.name = opts.name;
    this.#client = opts.client;
    this.#prefix = `${opts.prefix}cluster/`;
    this.#deadline = () => ({ deadline: Date.now() + opts.timeoutMs });
    this.membership = new Membership({ ...opts, prefix: this.#prefix, onChange: (m) => this.#membershipChanged(m) });
    let failures = 0;
    this.#appWrites = new ForwardQueue({
      put: (batches) => this.#putWrites(batches),
      // An etcd outage fails every flush: the first failure and every 100th are logged (all counted).
      onError: (err, messages) => void (failures++ % 100 === 0 && opts.log.warn({ err: err.message, messages, dropped: this.#appWrites.counters.dropped }, 'cluster: app writes for other masters dropped (etcd refused them)')),
    });
  }

  /**
   * A cluster instance not yet joined: a non-member, so it writes nowhere. weft creates it before
   * its CPU-heavy start (the REST API's schema compilation) and joins after, so that a main loop
   * busy starting up neither costs it its first lease nor delays the switches' handshakes.
   */
  static create(opts: ClusterOptions): Cluster {
    return new Cluster(opts);
  }

  /** Create and join at once. */
  static async join(opts: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(opts);
    await c.start();
    return c;
  }

  /** Join the cluster (refused when the name is held by a live instance) and start following it. */
  async start(): Promise<void> {
    await this.membership.join();
    this.#watcher = await this.#client.watch().prefix(this.#prefix).create();
    this.#watcher.on('data', (res: IWatchResponse) => this.#onEvents(res));
    this.#watcher.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'cluster watch failed; the periodic check goes on'));
    this.#timer = setInterval(() => this.#schedule(), Math.max(200, (this.opts.ttlS * 1000) / 2));
    this.#schedule();
  }

  member(): boolean {
    return this.membership.valid();
  }

  /** May this instance write to the switch now? (its master, with a renewed lease) */
  mayWrite(dpid: string): boolean {
    return this.#held.get(dpid)?.role === 'master' && this.membership.valid();
  }

  /** The instance that masters a switch, as last read from etcd. */
  masterOf(dpid: string): string | undefined {
    return this.#view.masters.get(dpid)?.name;
  }

  /** An instance's REST address (`host:port`) as its member record gives it. */
  memberRest(name: string): string | undefined {
    const m = this.#view.members.find((x) => x.name === name);
    return typeof m?.rest === 'string' ? m.rest : undefined;
  }

  /**
   * Hand messages for a switch this instance does not master to its master, through etcd:
   * `writes/<dpid>/<sender>-<n>` on the sender's lease; the master sends them in revision order
   * and deletes the key (one that becomes master later sends what is left). Resolves with the
   * master's name once the key is stored.
   */
  async forward(dpid: string, msgs: readonly OfMessage[]): Promise<string> {
    const lease = this.membership.leaseId;
    if (!this.membership.valid() || lease === undefined) throw new ClusterError(`instance ${this.name} is not a cluster member now`);
    const master = this.masterOf(dpid);
    if (master === undefined) throw new ClusterError(`switch ${dpid} has no master now`);
    const value = Buffer.from(JSON.stringify({ from: this.name, msgs: msgs.map((m) => encode({ ...m, xid: 0 } as OfMessage).toString('base64')) }));
    const key = this.#key(`writes/${dpid}/${this.name}-${Date.now()}-${this.#seq++}`);
    await this.#txn([], [{ request_put: { key, value, lease } }]);
    return master;
  }

  /**
   * Apps' writes for a switch this instance does not master (the app host's forward hook):
   * queued and written to etcd with the writes for other switches of the same event-loop turn.
   * A switch without a master now gets them from whichever instance claims it next.
   */
  forwardLater(dpid: string, msgs: readonly OfMessage[]): void {
    this.#appWrites.push(dpid, msgs);
  }

  /** Forwarding counters: apps' writes sent to other masters, dropped, and received as master. */
  forwardCounters(): { forwarded: number; dropped: number; transactions: number; received: number } {
    return { ...this.#appWrites.counters, received: this.#forwardedIn };
  }

  async #putWrites(batches: readonly WriteBatch[]): Promise<void> {
    const lease = this.membership.leaseId;
    if (!this.membership.valid() || lease === undefined) throw new ClusterError(`instance ${this.name} is not a cluster member now`);
    const now = Date.now();
    const puts = batches.map((b) => ({
      request_put: { key: this.#key(`writes/${b.dpid}/${this.name}-${now}-${this.#seq++}`), value: Buffer.from(JSON.stringify({ from: this.name, msgs: b.msgs })), lease },
    }));
    await this.#txn([], puts);
  }

  #onEvents(res: IWatchResponse): void {
    let other = false;
    for (const ev of res.events) {
      const rel = ev.kv.key.toString().slice(this.#prefix.length);
      if (!rel.startsWith('writes/')) {
        other = true;
        continue;
      }
      const dpid = rel.split('/')[1]!;
      if (ev.type === 'Put' && this.mayWrite(dpid)) this.#applyWrite(dpid, ev.kv);
    }
    if (other) this.#schedule();
  }

  #applyWrite(dpid: string, kv: IKeyValue): void {
    const h = this.#held.get(dpid);
    if (!h) return;
    const id = `${kv.key.toString()}@${kv.mod_revision}`;
    if (this.#applied.has(id)) return;
    if (this.#applied.size >= 10_000) this.#applied.clear();
    this.#applied.add(id);
    try {
      const { from, msgs } = JSON.parse(kv.value.toString()) as { from: string; msgs: string[] };
      this.#forwardedIn += msgs.length;
      for (const b64 of msgs) {
        h.conn.sendEncoded(Buffer.from(b64, 'base64'), (err) => this.opts.log.warn({ dpid, from, errType: err.errType, code: err.code }, 'cluster: the switch refused a forwarded write'));
      }
    } catch (e) {
      this.opts.log.warn({ dpid, err: (e as Error).message }, 'cluster: a forwarded write could not be sent');
    }
    void this.#txn([{ key: kv.key, target: 'Mod', result: 'Equal', mod_revision: kv.mod_revision }], [{ request_delete_range: { key: kv.key } }]).catch(() => undefined);
  }

  /** Writes forwarded to this switch before we became its master, in the order they were stored. */
  async #drainWrites(dpid: string): Promise<void> {
    const start = this.#key(`writes/${dpid}/`);
    const res = await this.#client.kv.range({ key: start, range_end: rangeEnd(start) }, this.#deadline());
    const kvs = [...(res.kvs as IKeyValue[])].sort((x, y) => Number(x.mod_revision) - Number(y.mod_revision));
    for (const kv of kvs) if (this.mayWrite(dpid)) this.#applyWrite(dpid, kv);
  }

  /** Switches this instance may write to now. */
  mastered(): number {
    let n = 0;
    for (const dpid of this.#held.keys()) if (this.mayWrite(dpid)) n++;
    return n;
  }

  /** Writes dropped because this instance was not the switch's master, over all connections. */
  writesGated(): number {
    let n = this.#gatedGone;
    for (const h of this.#held.values()) n += h.conn.writesGated ?? 0;
    return n;
  }

  localRole(dpid: string): LocalRole | undefined {
    return this.#held.get(dpid)?.role;
  }

  view(): ClusterView {
    return this.#view;
  }

  switchUp(conn: SwitchConnection): void {
    const dpid = conn.info.dpid;
    this.#held.set(dpid, { conn, role: 'none', gen: 0 });
    conn.writeGate = () => this.mayWrite(dpid);
    void this.#putConn(dpid);
  }

  switchDown(conn: SwitchConnection): void {
    const dpid = conn.info.dpid;
    const h = this.#held.get(dpid);
    if (!h || h.conn !== conn) return;
    this.#held.delete(dpid);
    this.#gatedGone += conn.writesGated ?? 0;
    if (h.role === 'master') this.opts.onMastership?.(dpid, false);
    // Our claim goes too: another connected instance takes over at once.
    void this.#txn([], [{ request_delete_range: { key: this.#key(`conns/${dpid}/${this.name}`) } }]).catch(() => undefined);
    if (h.role === 'master' && h.gen) void this.#txn([{ key: this.#key(`masters/${dpid}`), target: 'Mod', result: 'Equal', mod_revision: h.gen }], [{ request_delete_range: { key: this.#key(`masters/${dpid}`) } }]).catch(() => undefined);
  }

  async #putConn(dpid: string): Promise<void> {
    const lease = this.membership.leaseId;
    if (lease === undefined) return;
    await this.#txn([], [{ request_put: { key: this.#key(`conns/${dpid}/${this.name}`), value: Buffer.from('1'), lease } }]).catch((e: unknown) =>
      this.opts.log.warn({ dpid, err: (e as Error).message }, 'cluster: cannot record a switch connection in etcd (retried)'),
    );
    this.#schedule();
  }

  #key(k: string): Buffer {
    return Buffer.from(this.#prefix + k);
  }

  #txn(compare: NonNullable<Parameters<Etcd3['kv']['txn']>[0]['compare']>, success: NonNullable<Parameters<Etcd3['kv']['txn']>[0]['success']>) {
    return this.#client.kv.txn({ compare, success, failure: [] }, this.#deadline());
  }

  #membershipChanged(member: boolean): void {
    if (!member) {
      // Stepping down: no write leaves from now on (mayWrite checks the lease too); tell the
      // switches, with the generation of our own claim, so they stop counting us as master.
      for (const [dpid, h] of this.#held) {
        if (h.role !== 'master') continue;
        h.role = 'slave';
        this.opts.onMastership?.(dpid, false);
        setRole(h.conn, 'slave', h.gen).catch(() => undefined);
      }
      return;
    }
    // A new lease: the connection keys were lost with the old one.
    for (const dpid of this.#held.keys()) void this.#putConn(dpid);
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#deciding) {
      this.#again = true;
      return;
    }
    this.#deciding = (async () => {
      do {
        this.#again = false;
        try {
          await this.#decide();
          this.#failures = 0;
        } catch (e) {
          // etcd slow or a switch slow to answer: retried soon, not only at the next periodic
          // check (TTL/2), and said once per run of failures (a claim that keeps failing showed
          // nowhere before).
          if (this.#failures++ === 0) this.opts.log.info({ err: (e as Error).message }, 'cluster: mastership check failed (retried)');
          this.#retrySoon();
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => (this.#deciding = undefined));
  }

  #retrySoon(): void {
    if (this.#retry || this.#stopped) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#schedule();
    }, 250);
    this.#retry.unref();
  }

  async #read(): Promise<ClusterView> {
    const res = await this.#client.kv.range({ key: Buffer.from(this.#prefix), range_end: rangeEnd(Buffer.from(this.#prefix)) }, this.#deadline());
    const view: ClusterView = { revision: Number(res.header.revision), writes: [], members: [], connected: new Map(), masters: new Map() };
    for (const kv of res.kvs as IKeyValue[]) {
      const [kind, a, b] = kv.key.toString().slice(this.#prefix.length).split('/');
      if (kind === 'members' && a) view.members.push(JSON.parse(kv.value.toString()) as Record<string, unknown>);
      else if (kind === 'conns' && a && b) view.connected.set(a, [...(view.connected.get(a) ?? []), b]);
      else if (kind === 'writes' && a) view.writes.push(kv);
      else if (kind === 'masters' && a) view.masters.set(a, { name: (JSON.parse(kv.value.toString()) as { instance: string }).instance, modRevision: Number(kv.mod_revision) });
    }
    return view;
  }

  async #decide(): Promise<void> {
    const view = await this.#read();
    this.#view = view;
    if (!this.membership.valid()) return;
    const target = assignMasters({ members: view.members.map((m) => String(m.name)), connected: view.connected, masters: new Map([...view.masters].map(([d, m]) => [d, m.name])) });
    await Promise.all([...this.#held].map(([dpid, h]) => this.#decideOne(dpid, h, view, target.get(dpid))));
    // Forwarded writes the watch did not deliver (a watch that was re-established, say).
    const waiting = [...view.writes].sort((x, y) => Number(x.mod_revision) - Number(y.mod_revision));
    for (const kv of waiting) {
      const dpid = kv.key.toString().slice(this.#prefix.length).split('/')[1]!;
      if (this.mayWrite(dpid)) this.#applyWrite(dpid, kv);
    }
  }

  async #decideOne(dpid: string, h: Held, view: ClusterView, want: string | undefined): Promise<void> {
    const m = view.masters.get(dpid);
    if (m?.name === this.name) {
      if (want !== undefined && want !== this.name) return this.#resign(dpid, h, m.modRevision, view.revision);
      if (h.role !== 'master' || h.gen !== m.modRevision) return this.#becomeMaster(dpid, h, m.modRevision);
      return;
    }
    if (m === undefined && want === this.name) return this.#claim(dpid, h);
    // SLAVE carries the current claim's revision, not the (later) revision of our read: a switch
    // keeps the highest generation it has seen, and a SLAVE request from a later read would make
    // the claim's own MASTER request stale when it arrives second. With no claim in sight, any
    // claim still to come gets a newer revision than our read.
    if (h.role !== 'slave') return this.#beSlave(dpid, h, m?.modRevision ?? view.revision);
  }

  async #claim(dpid: string, h: Held): Promise<void> {
    const lease = this.membership.leaseId;
    if (lease === undefined) return;
    const key = this.#key(`masters/${dpid}`);
    const res = await this.#txn([{ key, target: 'Create', result: 'Equal', create_revision: 0 }], [{ request_put: { key, value: Buffer.from(JSON.stringify({ instance: this.name })), lease } }]);
    if (!res.succeeded) return this.#schedule();
    await this.#becomeMaster(dpid, h, Number(res.header.revision));
  }

  /**
   * ROLE_REQUEST MASTER with the claim's revision. A switch that has seen a newer generation
   * (another instance's SLAVE request read a later revision) refuses it as stale: the claim is
   * written again, which gives it a revision newer than anything seen so far, and sent again.
   */
  async #becomeMaster(dpid: string, h: Held, gen: number): Promise<void> {
    const key = this.#key(`masters/${dpid}`);
    for (let attempt = 1; ; attempt++) {
      if (!this.membership.valid() || this.#held.get(dpid) !== h) return;
      try {
        await setRole(h.conn, 'master', gen);
        break;
      } catch (e) {
        if (!(e instanceof SwitchError)) {
          // No answer in time (a switch busy with its own flood) is no refusal: the claim stays
          // and the same request goes again at the next check.
          this.opts.log.info({ dpid, gen, err: (e as Error).message }, 'cluster: no answer to ROLE_REQUEST MASTER (retried)');
          return this.#retrySoon();
        }
        if (attempt >= ROLE_ATTEMPTS) {
          this.opts.log.warn({ dpid, gen, err: (e as Error).message }, 'cluster: the switch refused us as master; the claim is given up');
          await this.#txn([{ key, target: 'Mod', result: 'Equal', mod_revision: gen }], [{ request_delete_range: { key } }]).catch(() => undefined);
          return;
        }
        const lease = this.membership.leaseId;
        if (lease === undefined) return;
        const res = await this.#txn([{ key, target: 'Mod', result: 'Equal', mod_revision: gen }], [{ request_put: { key, value: Buffer.from(JSON.stringify({ instance: this.name })), lease } }]);
        if (!res.succeeded) return this.#schedule();
        gen = Number(res.header.revision);
      }
    }
    if (!this.membership.valid() || this.#held.get(dpid) !== h) return;
    const was = h.role;
    h.role = 'master';
    h.gen = gen;
    this.opts.log.info({ dpid, generation: gen }, 'cluster: master of the switch');
    if (was !== 'master') {
      this.opts.onMastership?.(dpid, true);
      await this.#drainWrites(dpid).catch(() => undefined);
    }
  }

  async #beSlave(dpid: string, h: Held, revision: number): Promise<void> {
    const was = h.role;
    h.role = 'slave';
    if (was === 'master') this.opts.onMastership?.(dpid, false);
    try {
      await setRole(h.conn, 'slave', revision);
    } catch (e) {
      // A newer generation reached the switch first: asked again with a fresher revision.
      if (this.#held.get(dpid) === h && h.role === 'slave') h.role = 'none';
      this.opts.log.debug({ dpid, err: (e as Error).message }, 'cluster: SLAVE role request refused (retried)');
    }
  }

  async #resign(dpid: string, h: Held, modRevision: number, revision: number): Promise<void> {
    this.opts.log.info({ dpid }, 'cluster: handing the switch over (rebalance)');
    await this.#beSlave(dpid, h, Math.max(revision, modRevision));
    const key = this.#key(`masters/${dpid}`);
    await this.#txn([{ key, target: 'Mod', result: 'Equal', mod_revision: modRevision }], [{ request_delete_range: { key } }]);
  }

  /** /api/v1/cluster: instances, mastership per switch as last read, and etcd's health. */
  async status(): Promise<Record<string, unknown>> {
    let etcd: Record<string, unknown>;
    try {
      const s = await this.#client.maintenance.status(this.#deadline());
      etcd = { ok: true, revision: Number(s.header.revision), leader: s.leader, version: s.version };
    } catch (e) {
      etcd = { ok: false, error: (e as Error).message };
    }
    const v = this.#view;
    const dpids = new Set([...v.connected.keys(), ...v.masters.keys(), ...this.#held.keys()]);
    return {
      instance: this.name,
      member: this.membership.valid(),
      leaseTtl: this.opts.ttlS,
      lease: this.membership.stats(),
      etcd,
      revision: v.revision,
      forwardedWrites: this.forwardCounters(),
      instances: v.members,
      switches: [...dpids].sort().map((dpid) => ({
        dpid,
        master: v.masters.get(dpid)?.name ?? null,
        generation: v.masters.get(dpid)?.modRevision ?? null,
        connected: [...(v.connected.get(dpid) ?? [])].sort(),
        localRole: this.#held.get(dpid)?.role ?? null,
        writable: this.mayWrite(dpid),
      })),
    };
  }

  /** Leave gracefully: no more writes, SLAVE on our switches, the lease revoked (others take over at once). */
  async leave(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    await this.#watcher?.cancel().catch(() => undefined);
    await this.#deciding?.catch(() => undefined);
    const slaves: Promise<unknown>[] = [];
    for (const h of this.#held.values()) {
      if (h.role !== 'master') continue;
      h.role = 'slave';
      slaves.push(setRole(h.conn, 'slave', h.gen, this.opts.timeoutMs).catch(() => undefined));
    }
    await Promise.all(slaves);
    await this.membership.leave();
  }
}

/** ROLE_REQUEST; rejects when the switch answers with an ERROR (a stale generation_id). */
function setRole(conn: SwitchConnection, role: 'master' | 'slave', gen: number, timeoutMs?: number): Promise<RoleReply> {
  const n = role === 'master' ? OFPCR_ROLE.MASTER : OFPCR_ROLE.SLAVE;
  return conn.request<RoleReply>({ type: 'roleRequest', xid: 0, role: n, generationId: BigInt(gen) }, timeoutMs === undefined ? undefined : { timeoutMs });
}
