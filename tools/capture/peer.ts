import type { Socket } from 'node:net';
import { MiniFramer, OFPT, ofMsg } from './of-bytes.js';

/**
 * One OpenFlow TCP connection seen from our side, with an inbox: the capture waits for a message
 * matching a predicate (bounded by a timeout) and answers the switch's echo requests by itself.
 */
export class Peer {
  private inbox: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private framer = new MiniFramer();
  closed = false;
  /** Every echo request the peer sent us (a real switch's liveness probe). */
  readonly echoRequests: Buffer[] = [];

  constructor(readonly sock: Socket, private readonly answerEchoes = true) {
    sock.on('data', (chunk) => {
      for (const m of this.framer.push(chunk)) {
        if (m[1] === OFPT.ECHO_REQUEST && this.answerEchoes) {
          this.echoRequests.push(m);
          sock.write(ofMsg(OFPT.ECHO_REPLY, m.readUInt32BE(4), m.subarray(8)));
          continue;
        }
        this.inbox.push(m);
      }
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(buf: Buffer): void {
    this.sock.write(buf);
  }

  /** Remove and return the first message matching `pred`, waiting up to `timeoutMs`. */
  async next(pred: (m: Buffer) => boolean, what: string, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Send a request and collect its replies (same xid) until one without OFPMPF_REPLY_MORE. */
  async transact(req: Buffer, what: string, timeoutMs = 5000): Promise<Buffer[]> {
    const xid = req.readUInt32BE(4);
    this.send(req);
    const out: Buffer[] = [];
    for (;;) {
      const m = await this.next((x) => x.readUInt32BE(4) === xid, what, timeoutMs);
      out.push(m);
      const more = m[1] === OFPT.MULTIPART_REPLY && (m.readUInt16BE(10) & 1) === 1;
      if (!more) return out;
    }
  }

  /** Messages still in the inbox (for diagnostics). */
  drain(): Buffer[] {
    return this.inbox.splice(0);
  }
}
