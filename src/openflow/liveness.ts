/**
 * Echo-based liveness of one switch connection: after `intervalMs` without input an
 * ECHO_REQUEST is sent, and after `maxMissed` of them unanswered the connection is given up.
 * Any received byte proves liveness (`received`); the reply to our own last echo gives the
 * round trip (`echoReply`). Also the bookkeeping of the switch's echo requests answered early,
 * ahead of a backlog (`answeredEarly`), so that the framer's later turn for each sends nothing.
 */
export interface LivenessHooks {
  intervalMs: number;
  maxMissed: number;
  /** Send an ECHO_REQUEST with a fresh xid; returns the xid. */
  sendEcho(): number;
  /** Too many echoes went unanswered. */
  timeout(missed: number, idleMs: number): void;
  dead(): boolean;
  onRtt?(seconds: number): void;
}

export class Liveness {
  #lastRx = Date.now();
  #missed = 0;
  #timer: NodeJS.Timeout | undefined;
  #xid = -1;
  #sentAt = 0;
  /** Round trip of the last echo request answered (ms). */
  rttMs: number | undefined;
  /** Xids of the switch's ECHO_REQUESTs answered as they arrived, in stream order. */
  readonly #early: number[] = [];

  constructor(private readonly hooks: LivenessHooks) {}

  /** The handshake is done: start probing. */
  start(): void {
    this.#lastRx = Date.now();
    this.#schedule(this.hooks.intervalMs);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  received(): void {
    this.#lastRx = Date.now();
    this.#missed = 0;
  }

  echoReply(xid: number): void {
    if (xid !== this.#xid) return;
    this.rttMs = performance.now() - this.#sentAt;
    this.hooks.onRtt?.(this.rttMs / 1000);
  }

  answeredEarly(xid: number): void {
    this.#early.push(xid);
  }

  /** Was this ECHO_REQUEST (in stream order) answered early already? Then it is done. */
  takeEarly(xid: number): boolean {
    if (this.#early.length === 0 || this.#early[0] !== xid) return false;
    this.#early.shift();
    return true;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), ms);
    this.#timer.unref();
  }

  #check(): void {
    if (this.hooks.dead()) return;
    const interval = this.hooks.intervalMs;
    const idle = Date.now() - this.#lastRx;
    if (idle < interval && this.#missed === 0) return this.#schedule(interval - idle);
    if (this.#missed >= this.hooks.maxMissed) return this.hooks.timeout(this.#missed, idle);
    this.#missed++;
    this.#sentAt = performance.now();
    this.#xid = this.hooks.sendEcho();
    this.#schedule(interval);
  }
}
