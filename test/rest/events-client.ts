/** A WebSocket client for the event-stream tests: collects frames, waits for a matching one. */
import WebSocket from 'ws';

export interface Collector {
  ws: WebSocket;
  frames: (string | Buffer)[];
  next(pred?: (f: string | Buffer) => boolean, timeoutMs?: number): Promise<string | Buffer>;
  close(): void;
}

export async function connectEvents(url: string, protocols?: string | string[]): Promise<Collector> {
  const ws = new WebSocket(url, protocols);
  const frames: (string | Buffer)[] = [];
  let waiters: { pred: (f: string | Buffer) => boolean; resolve: (f: string | Buffer) => void }[] = [];
  let seen = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const f = isBinary ? data : data.toString('utf8');
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) (waiters = waiters.filter((x) => x !== w)), w.resolve(f);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    next(pred = () => true, timeoutMs = 3000) {
      // Frames are consumed in order: each call looks past the ones earlier calls returned.
      const i = frames.findIndex((f, k) => k >= seen && pred(f));
      if (i >= 0) {
        seen = i + 1;
        return Promise.resolve(frames[i]!);
      }
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (f: string | Buffer) => ((seen = frames.indexOf(f) + 1), resolve(f)) };
        waiters.push(w);
        setTimeout(() => {
          waiters = waiters.filter((x) => x !== w);
          reject(new Error(`no matching event within ${timeoutMs} ms (got ${frames.length} frames)`));
        }, timeoutMs).unref();
      });
    },
    close: () => ws.close(),
  };
}
