/**
 * The bulk route's atomic path: the flows go into an ONF bundle (EXT-230; Open vSwitch takes it
 * in OpenFlow 1.3) and are committed in one step, or not at all.
 *
 *   OPEN (atomic|ordered) -> per slice: encode, then send the slice as BUNDLE_ADD messages (the
 *   switch checks them while we encode the next) -> BARRIER -> COMMIT, or DISCARD
 *
 * Open vSwitch decodes and checks each add when it arrives and answers a bad one with an ERROR
 * under the add's xid, but keeps the bundle (without that message): a COMMIT would then apply the
 * rest. So the barrier after the last add comes first: every add error has arrived by its reply,
 * and any error means DISCARD. Some checks run only at COMMIT (a missing meter, an overlap); the
 * failing message's ERROR then carries its add's xid, and the COMMIT fails as a whole.
 * Those late errors arrive long after barriers pruned per-message error callbacks, so the adds
 * have none: the connection offers unclaimed ERRORs to claimErrors(), which maps xids to flow
 * indexes (the xids the adds got, in a Uint32Array).
 * A switch that answers the first OPEN with a non-bundle error does not do bundles: that is
 * remembered for the connection and the route takes its plain path.
 */
import { onf, Writer } from '../../protocol/index.js';
import type { BundleControl, ErrorMsg } from '../../protocol/index.js';
import { SwitchError } from '../openflow/switch-connection.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import type { BulkBody } from './bulk-body.js';
import { drained } from './bulk-drain.js';
import { encodeBulkFlows } from './bulk-encode.js';
import { HttpError } from './errors.js';
import type { FlowCommand } from './flow-json.js';

const FLAGS = onf.OFPBF.ATOMIC | onf.OFPBF.ORDERED;
const NONE = new Uint8Array(0);
const NOOP = (): void => undefined;
/** Errors kept as objects (the response lists at most 100; the count is always exact). */
const MAX_KEPT = 100;

/** Connections whose switch answered an OPEN with "I do not know this message". */
const noBundles = new WeakSet<SwitchConnection>();
/** Bundle ids are per connection in OVS; one process-wide counter keeps them distinct anyway. */
let nextBundleId = 1;

/** True when the route should try a bundle on this connection. */
export function mayBundle(conn: SwitchConnection): boolean {
  return typeof conn.claimErrors === 'function' && !noBundles.has(conn);
}

/** For tests: forget what was learnt about a connection. */
export function forgetBundleSupport(conn: SwitchConnection): void {
  noBundles.delete(conn);
}

/** An ERROR for flow `index` (the index is -1 when it could not be mapped). */
export interface IndexedError {
  index: number;
  err: ErrorMsg;
}

export type BundleOutcome =
  | { kind: 'unsupported' }
  /** Committed: every flow is in the switch. */
  | { kind: 'committed'; xids: Uint32Array }
  /** Nothing applied: `rejected` flows were refused (errors: the first ones, by index). */
  | { kind: 'refused'; rejected: number; errors: IndexedError[]; commitError?: ErrorMsg };

export interface BundleBulk {
  conn: SwitchConnection;
  body: BulkBody;
  n: number;
  command: FlowCommand;
  w: Writer;
  ends: Uint32Array;
  pause: () => Promise<void>;
  /** The body's flow count, for messages (`n` may be only an upper bound while the body arrives). */
  total(): number;
  /**
   * Once every flow the body has is sent (`count` of them), before the barrier: a body still
   * arriving is checked whole here, and what this throws ends the bundle (discarded).
   */
  settle?(count: number): Promise<void>;
  /** Called once every flow is encoded and sent, before the last waits. */
  encoded(): void;
  /** Other work for the waits while sending (the store prep), for flows [0, upTo) only: true when it did some. */
  prepUpTo(upTo: number): boolean;
  /** Wait for `p`, doing other work (the store prep) meanwhile. */
  wait<T>(p: Promise<T>): Promise<T>;
  /** The write gate (cluster): throws when this instance may not write to the switch now. */
  requireMaster(): void;
}

const ctrl = (bundleId: number, ctrlType: number): BundleControl => ({ type: 'bundleControl', xid: 0, bundleId, ctrlType, flags: FLAGS, properties: NONE });

/** Errors that mean "no bundles here" (not a bundle error such as BAD_ID or BUNDLE_EXIST). */
function notABundleError(e: unknown): boolean {
  return e instanceof SwitchError && onf.onfErrorNames(e.error.experimenter, e.error.code) === undefined;
}

/** The xids the adds got, and the index of an xid (xids ascend unless the counter wrapped). */
class XidIndex {
  readonly xids: Uint32Array;
  private sent = 0;
  private ascending = true;
  constructor(n: number) {
    this.xids = new Uint32Array(n);
  }
  add(k: number, xid: number): void {
    if (k > 0 && xid <= this.xids[k - 1]!) this.ascending = false;
    this.xids[k] = xid;
    this.sent = k + 1;
  }
  indexOf(xid: number): number {
    const x = this.xids;
    if (!this.ascending) return x.subarray(0, this.sent).indexOf(xid);
    let lo = 0;
    let hi = this.sent - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = x[mid]!;
      if (v === xid) return mid;
      if (v < xid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export async function bulkViaBundle(b: BundleBulk): Promise<BundleOutcome> {
  const { conn, n } = b;
  const bundleId = nextBundleId;
  nextBundleId = (nextBundleId % 0x7fffffff) + 1;
  const slow = { timeoutMs: 10_000 + Math.ceil(n / 20) };
  b.requireMaster();
  const gatedBefore = conn.writesGated ?? 0;
  const opening = conn.request<BundleControl>(ctrl(bundleId, onf.OFPBCT.OPEN_REQUEST));
  // The OPEN's answer, recorded the moment it comes: settled before the barrier behind it is.
  // (Waited for only after the first slice, which may be long after both answers came when the
  // body is still arriving: a race between promises made then would not tell which came first.)
  let openAnswer: BundleControl | Error | undefined;
  const answered = opening.then(
    (r) => (openAnswer = r),
    (e: unknown) => (openAnswer = e instanceof Error ? e : new Error(String(e))),
  );
  // A switch that ignores the OPEN (no reply, no error) would cost a request timeout per bulk: a
  // barrier right behind it is answered after the OPEN's answer, so its reply coming first
  // proves the OPEN was ignored.
  const fence = conn.barrier().then(
    () => 'ignored' as const,
    () => 'noBarrier' as const,
  );

  const index = new XidIndex(n);
  let rejected = 0;
  const kept: IndexedError[] = [];
  let lost: ErrorMsg | undefined;
  let openXid = -1;
  const release = conn.claimErrors!((err) => {
    // The switch dropped the bundle by itself (idle timeout): it says so under the OPEN's xid.
    if (err.xid === openXid) {
      lost ??= err;
      return true;
    }
    const k = index.indexOf(err.xid);
    if (k < 0) return false;
    rejected++;
    if (kept.length < MAX_KEPT) kept.push({ index: k, err });
    return true;
  });
  let opened = false;
  let committed = false;
  try {
    const scratch = new Writer(1 << 16);
    const count = await encodeBulkFlows(b.body, n, b.command, b.w, b.ends, b.pause, async (from, to) => {
      if (!opened) {
        // The first slice was encoded while the OPEN was on its way.
        const first = await Promise.race([answered, fence]);
        const reply = openAnswer ?? first;
        if (reply === 'ignored' || reply === 'noBarrier' || reply instanceof Error || reply.type !== 'bundleControl' || reply.ctrlType !== onf.OFPBCT.OPEN_REPLY) {
          if (conn.closed) throw unavailable(conn, 0, b.total());
          if (reply === 'ignored' || notABundleError(reply)) noBundles.add(conn);
          // A timeout or an odd reply: the plain path for this request only.
          throw new NotOpened();
        }
        openXid = reply.xid;
        opened = true;
      }
      const buf = b.w.buf;
      for (let k = from; k < to; k++) {
        scratch.pos = 0;
        onf.writeBundleAdd(scratch, bundleId, FLAGS, buf, k === 0 ? 0 : b.ends[k - 1]!, b.ends[k]!);
        index.add(k, conn.sendEncoded(scratch.buf.subarray(0, scratch.pos)));
      }
      await drained(conn, () => b.prepUpTo(to));
      if (conn.closed) throw unavailable(conn, to, b.total());
    });
    await b.settle?.(count);
    b.encoded();
    await b.wait(conn.barrier(slow)).catch((e: unknown) => {
      throw conn.closed ? unavailable(conn, count, count) : e;
    });
    if (lost) throw expired(lost);
    if (rejected > 0) return { kind: 'refused', rejected, errors: kept };
    b.requireMaster();
    if ((conn.writesGated ?? 0) !== gatedBefore) throw new HttpError(409, 'not_master', `writes to switch ${conn.info.dpid} were dropped while the flows were sent (this instance lost mastership); nothing was applied`);
    try {
      await b.wait(conn.request(ctrl(bundleId, onf.OFPBCT.COMMIT_REQUEST), slow));
      committed = true;
    } catch (e) {
      if (e instanceof SwitchError) {
        // Nothing applied: the failing message's ERROR (under its add's xid) came first.
        committed = true; // a failed commit removes the bundle in the switch: nothing to discard
        return { kind: 'refused', rejected, errors: kept, commitError: e.error };
      }
      throw conn.closed ? unavailable(conn, count, count) : e;
    }
    return { kind: 'committed', xids: index.xids };
  } catch (e) {
    if (e instanceof NotOpened) return { kind: 'unsupported' };
    throw e;
  } finally {
    // Whatever went wrong after the OPEN (a bad flow in the body, add errors, a lost bundle),
    // the bundle goes; also one the switch may have opened again implicitly for later adds.
    // Errors for adds sent before a 400 are still claimed until the DISCARD is answered (the
    // switch answers in order), so they do not reach the apps as unclaimed switch errors.
    const discard = () => (conn.closed ? Promise.resolve() : conn.request(ctrl(bundleId, onf.OFPBCT.DISCARD_REQUEST)).then(NOOP, NOOP));
    if (opened && !committed) void discard().finally(release);
    else {
      release();
      // A bad flow in the first slice: the OPEN was not awaited, but the switch may have opened it.
      if (!opened) opening.then(discard, NOOP);
    }
  }
}

class NotOpened extends Error {}

/** The switch went away mid-bundle (`sent` flows were sent). */
export class BundleGone extends HttpError {
  constructor(
    conn: SwitchConnection,
    readonly sent: number,
    n: number,
  ) {
    super(503, 'switch_unavailable', `switch ${conn.info.dpid} disconnected after ${sent} of ${n} flows were sent in a bundle; nothing was applied (the switch drops uncommitted bundles)`);
  }
}

const unavailable = (conn: SwitchConnection, sent: number, n: number) => new BundleGone(conn, sent, n);

function expired(err: ErrorMsg): HttpError {
  const names = onf.onfErrorNames(err.experimenter, err.code);
  return new HttpError(
    503,
    'bundle_expired',
    `the switch discarded the bundle before it was committed (${names ? names.code : `error ${err.errType}/${err.code}`}: idle timeout, other_config:bundle-idle-timeout); nothing was applied`,
    undefined,
    names,
  );
}
