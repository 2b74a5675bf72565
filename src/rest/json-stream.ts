/**
 * Large JSON lists built as a multipart reply arrives: each part's items are converted and
 * stringified when the part comes in, and only the JSON bytes (Buffers, outside the JS heap)
 * are kept. No decoded object lives longer than its part's turn, so a listing of 100k flows
 * never holds 100k flow objects for the garbage collector to copy, promote and mark (what cost
 * other switches their echo replies), nor one 50 MB string. The answer is then written from the
 * kept bytes, with the socket's backpressure.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Answers up to this many bytes go out as one Buffer (with a Content-Length); longer ones stream. */
const ONE_PIECE_BYTES = 1 << 20;

export class JsonListChunks<T> {
  /** Items offered that passed the filter (an X-Total-Count). */
  count = 0;
  /** Items written (those inside the window). */
  written = 0;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  /**
   * `text` stringifies one item; items numbered (after `keep`) from `offset` to `offset + limit`
   * are written, the others only counted.
   */
  constructor(
    private readonly text: (item: T) => string,
    private readonly offset = 0,
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly keep: (item: T) => boolean = () => true,
  ) {}

  /** The items of one reply part. */
  add(items: readonly T[]): void {
    let s = '';
    for (const item of items) {
      if (!this.keep(item)) continue;
      const i = this.count++;
      if (i < this.offset || i - this.offset >= this.limit) continue;
      s += (this.written++ === 0 ? '' : ',') + this.text(item);
    }
    if (s.length === 0) return;
    const b = Buffer.from(s);
    this.chunks.push(b);
    this.bytes += b.length;
  }

  /** Send `head` + the items + `tail` as the reply's JSON body. */
  send(reply: FastifyReply, head = '[', tail = ']'): FastifyReply {
    reply.type('application/json');
    const all = [Buffer.from(head), ...this.chunks, Buffer.from(tail)];
    this.chunks.length = 0;
    if (this.bytes <= ONE_PIECE_BYTES) return reply.send(Buffer.concat(all));
    return reply.send(Readable.from(all, { objectMode: false }));
  }
}
