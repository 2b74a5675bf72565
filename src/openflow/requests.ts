import { errorCodeName, errorTypeName, OFPMPF_REPLY_MORE } from '../../protocol/index.js';
import type { ErrorMsg, MultipartReplyBody, OfMessage } from '../../protocol/index.js';
import { ErrorRoutes } from './error-routes.js';
import type { SendErrorCallback } from './error-routes.js';
import { RequestError, SwitchError } from './switch-connection.js';

interface Pending {
  request: OfMessage;
  multipart: boolean;
  parts: MultipartReplyBody[];
  /** Parts received so far (also those handed to onPart). */
  nParts: number;
  /** Takes each part as it arrives instead of `parts` (MultipartOptions.onPart). */
  onPart: ((part: MultipartReplyBody) => void) | undefined;
  /** Wire bytes of the multipart reply so far. */
  bytes: number;
  maxBytes: number;
  timeoutMs: number;
  timer: NodeJS.Timeout;
  /** The multipart reply's total deadline (each part restarts `timer`, not this). */
  deadline: NodeJS.Timeout | undefined;
  done(reply: OfMessage | MultipartReplyBody[]): void;
  fail(err: Error): void;
}

/** Barrier xids remembered at most (a switch that never answers barriers must not leak). */
const MAX_BARRIERS = 1024;

/** Bounds of one multipart reply (see ConnectionOptions). */
export interface MultipartLimits {
  maxParts: number;
  maxBytes: number;
  deadlineMs: number;
}

export type MultipartLimitName = 'multipart_parts' | 'multipart_bytes' | 'multipart_deadline';

const NO_LIMITS: MultipartLimits = { maxParts: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY, deadlineMs: 0 };

/**
 * Transaction bookkeeping of one connection: xid allocation, replies matched to requests (with
 * timeouts and multipart reassembly), and switch ERRORs matched to whoever sent the message.
 *
 * send() error callbacks are kept in send order with the send sequence number (ErrorRoutes);
 * a barrier reply proves everything sent before the barrier was processed, so the callbacks
 * older than it are dropped. They are also bounded, oldest dropped first.
 */
export class RequestTracker {
  private nextXid = 1;
  /** send() error callbacks recorded since the last barrier request went out. */
  callbacksSinceBarrier = 0;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly errorRoutes: ErrorRoutes;
  private readonly barriers = new Map<number, number>();

  /**
   * `onLimit` hears of a multipart reply that broke `limits` (after its requester was failed
   * with the same reason): the connection closes, since the peer is misbehaving.
   */
  constructor(
    maxErrorCallbacks: number,
    private readonly limits: MultipartLimits = NO_LIMITS,
    private readonly onLimit: (limit: MultipartLimitName, reason: string) => void = () => undefined,
  ) {
    this.errorRoutes = new ErrorRoutes(maxErrorCallbacks);
  }

  /** A fresh xid: never 0, skipping those with a request still waiting. */
  allocXid(): number {
    let x = this.nextXid;
    while (x === 0 || this.pending.has(x)) x = (x + 1) >>> 0;
    this.nextXid = (x + 1) >>> 0 || 1;
    return x;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get errorCallbackCount(): number {
    return this.errorRoutes.size;
  }

  /** Record a message as written (after it was queued), for error routing and barrier pruning. */
  noteSent(msg: OfMessage, onError?: SendErrorCallback): void {
    this.noteSentAs(msg.xid, msg.type === 'barrierRequest', onError);
  }

  /**
   * noteSent for a message written under `xid` (which may differ from its msg.xid: the
   * connection gives xid-0 messages a fresh xid without copying them). Allocates nothing.
   */
  noteSentAs(xid: number, barrier: boolean, onError: SendErrorCallback | undefined): void {
    const seq = ++this.seq;
    if (onError) {
      this.errorRoutes.add(xid, seq, onError);
      this.callbacksSinceBarrier++;
    }
    if (barrier) {
      this.callbacksSinceBarrier = 0;
      this.barriers.delete(xid);
      this.barriers.set(xid, seq);
      if (this.barriers.size > MAX_BARRIERS) {
        const oldest = this.barriers.keys().next();
        if (!oldest.done) this.barriers.delete(oldest.value);
      }
    }
  }

  /** Wait for the reply to `request` (already carrying its xid). */
  track(
    request: OfMessage,
    multipart: boolean,
    timeoutMs: number,
    done: (reply: OfMessage | MultipartReplyBody[]) => void,
    fail: (err: Error) => void,
    /** A tighter byte bound for this reply than the tracker's (the handshake's PORT_DESC). */
    maxBytes = this.limits.maxBytes,
    onPart?: (part: MultipartReplyBody) => void,
  ): void {
    const xid = request.xid;
    const earlier = this.pending.get(xid);
    if (earlier) {
      // A caller reused an xid still waiting: the earlier request can no longer be told apart.
      this.finish(xid, earlier);
      earlier.fail(new RequestError(`${earlier.request.type} xid ${xid}: xid reused by a later ${request.type} before the reply`));
    }
    const p: Pending = { request, multipart, parts: [], nParts: 0, onPart, bytes: 0, maxBytes: Math.min(maxBytes, this.limits.maxBytes), timeoutMs, timer: undefined as unknown as NodeJS.Timeout, deadline: undefined, done, fail };
    p.timer = this.startTimer(xid, p);
    if (multipart && this.limits.deadlineMs > 0) {
      const ms = this.limits.deadlineMs;
      p.deadline = setTimeout(() => {
        if (this.pending.get(xid) !== p) return;
        this.overLimit(xid, p, 'multipart_deadline', `the multipart reply was not complete ${ms} ms after the request (${p.nParts} parts, ${p.bytes} bytes so far; limit openflow.multipartDeadlineMs)`);
      }, ms);
      p.deadline.unref();
    }
    this.pending.set(xid, p);
  }

  /** Forget a request that could not be written. */
  cancel(xid: number): void {
    const p = this.pending.get(xid);
    if (p) this.finish(xid, p);
  }

  /** Offer a received message (`size`: its length on the wire); true when it answered a request. */
  onReply(msg: OfMessage, size = 0): boolean {
    if (msg.type === 'barrierReply') this.pruneAtBarrier(msg.xid);
    const p = this.pending.get(msg.xid);
    if (!p) return false;
    if (p.multipart) {
      if (msg.type !== 'multipartReply') {
        this.finish(msg.xid, p);
        p.fail(new RequestError(`${p.request.type} xid ${msg.xid}: expected a multipart reply, got ${msg.type}`));
        return true;
      }
      p.nParts++;
      p.bytes += size;
      if (p.nParts > this.limits.maxParts) {
        this.overLimit(msg.xid, p, 'multipart_parts', `the multipart reply exceeded ${this.limits.maxParts} parts (limit openflow.maxMultipartParts)`);
        return true;
      }
      if (p.bytes > p.maxBytes) {
        const which = p.maxBytes < this.limits.maxBytes ? 'openflow.maxPorts' : 'openflow.maxMultipartBytes';
        this.overLimit(msg.xid, p, 'multipart_bytes', `the multipart reply exceeded ${p.maxBytes} bytes (limit from ${which})`);
        return true;
      }
      if (p.onPart) {
        try {
          p.onPart(msg.body);
        } catch (e) {
          this.finish(msg.xid, p);
          p.fail(e instanceof Error ? e : new Error(String(e)));
          return true;
        }
      } else p.parts.push(msg.body);
      if (msg.flags & OFPMPF_REPLY_MORE) {
        // A long dump may take longer than one timeout in total: each part restarts the clock.
        clearTimeout(p.timer);
        p.timer = this.startTimer(msg.xid, p);
        return true;
      }
      this.finish(msg.xid, p);
      p.done(p.parts);
      return true;
    }
    this.finish(msg.xid, p);
    p.done(msg);
    return true;
  }

  /** Route a switch ERROR to the request or send() callback of its xid; false if unclaimed. */
  onError(err: ErrorMsg): boolean {
    const p = this.pending.get(err.xid);
    if (p) {
      this.finish(err.xid, p);
      p.fail(new SwitchError(err, p.request, `switch rejected ${p.request.type} xid ${err.xid}: ${errorTypeName(err.errType)}/${errorCodeName(err.errType, err.code)}`));
      return true;
    }
    const cb = this.errorRoutes.take(err.xid);
    if (cb) {
      cb(err);
      return true;
    }
    return false;
  }

  /** Fail the request waiting on `xid` (e.g. its reply could not be decoded); true if one was. */
  failXid(xid: number, err: Error): boolean {
    const p = this.pending.get(xid);
    if (!p) return false;
    this.finish(xid, p);
    p.fail(err);
    return true;
  }

  /** The connection closed: every waiting request fails with `reason`. */
  failAll(reason: string): void {
    const all = [...this.pending.values()];
    for (const p of all) {
      clearTimeout(p.timer);
      if (p.deadline) clearTimeout(p.deadline);
    }
    this.pending.clear();
    this.errorRoutes.clear();
    this.barriers.clear();
    for (const p of all) p.fail(new RequestError(`${p.request.type} xid ${p.request.xid}: connection closed (${reason})`));
  }

  private startTimer(xid: number, p: Pending): NodeJS.Timeout {
    const t = setTimeout(() => {
      if (this.pending.get(xid) !== p) return;
      this.finish(xid, p);
      p.fail(new RequestError(`${p.request.type} xid ${xid}: no reply within ${p.timeoutMs} ms`));
    }, p.timeoutMs);
    t.unref();
    return t;
  }

  private finish(xid: number, p: Pending): void {
    clearTimeout(p.timer);
    if (p.deadline) clearTimeout(p.deadline);
    this.pending.delete(xid);
  }

  private overLimit(xid: number, p: Pending, limit: MultipartLimitName, what: string): void {
    this.finish(xid, p);
    // The parts kept so far go with the request: nothing of the reply stays referenced.
    p.parts = [];
    const reason = `${p.request.type} xid ${xid}: ${what}; the switch was disconnected`;
    // The connection closes first, so the requester's failure handler finds it closed already.
    this.onLimit(limit, what);
    p.fail(new RequestError(reason));
  }

  private pruneAtBarrier(xid: number): void {
    const seq = this.barriers.get(xid);
    if (seq === undefined) return;
    for (const [x, s] of this.barriers) {
      if (s > seq) break;
      this.barriers.delete(x);
    }
    this.errorRoutes.pruneUpTo(seq);
  }
}
