/**
 * The bulk route's body as it arrives: one buffer of exactly its Content-Length, filled chunk by
 * chunk, that the walk (bulk-body.ts) reads while the upload goes on. The route then starts
 * sending the first flows to the switch while the rest of the body is still on its way.
 */
import type { BodySource } from './bulk-body.js';

export class UploadBody implements BodySource {
  readonly buf: Buffer;
  filled = 0;
  complete = false;
  #failure: Error | undefined;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(length: number) {
    this.buf = Buffer.allocUnsafe(length);
  }

  /** False when the chunk goes past the declared length (nothing is copied). */
  push(chunk: Buffer): boolean {
    if (this.complete || this.#failure || this.filled + chunk.length > this.buf.length) return false;
    chunk.copy(this.buf, this.filled);
    this.filled += chunk.length;
    this.#wake();
    return true;
  }

  /** False when fewer bytes came than declared. */
  end(): boolean {
    if (this.#failure) return false;
    if (this.filled !== this.buf.length) return false;
    this.complete = true;
    this.#wake();
    return true;
  }

  /** The upload failed or was abandoned: every wait rejects with `e` (the first failure stays). */
  fail(e: Error): void {
    if (this.complete || this.#failure) return;
    this.#failure = e;
    this.#wake();
  }

  more(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.complete) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #wake(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const w of waiters) {
      if (this.#failure) w.reject(this.#failure);
      else w.resolve();
    }
  }
}
