/**
 * What a large REST request costs everyone else, measured from the outside: a well-behaved fake
 * switch sends an ECHO_REQUEST every few milliseconds and times each reply, the event loop's
 * delay is sampled (weft runs in this process), and RSS is sampled for its peak.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OfMessage } from '../../protocol/index.js';
import { encode, OFPMPF_REPLY_MORE } from '../../protocol/index.js';
import type { FlowStats } from '../../protocol/index.js';
import { FakeSwitch } from '../support/fake-switch.js';

export interface LoadReport {
  echoes: number;
  echoMaxMs: number;
  echoP99Ms: number;
  loopMaxMs: number;
  rssPeakDeltaMb: number;
}

export interface Probe {
  sw: FakeSwitch;
  /** Measure while `work` runs. */
  during<T>(work: () => Promise<T>): Promise<{ value: T; report: LoadReport }>;
  close(): void;
}

export async function startProbe(openflowPort: number, datapathId: bigint): Promise<Probe> {
  const sent = new Map<number, number>();
  let rtts: number[] = [];
  const sw = await FakeSwitch.connect({
    port: openflowPort,
    datapathId,
    handler: (m: OfMessage) => {
      if (m.type !== 'echoReply') return undefined;
      const t0 = sent.get(m.xid);
      if (t0 !== undefined) rtts.push(performance.now() - t0), sent.delete(m.xid);
      return [];
    },
  });
  return {
    sw,
    async during(work) {
      rtts = [];
      sent.clear();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      const rss0 = process.memoryUsage().rss;
      let rssPeak = rss0;
      let xid = 0x7e000000;
      const tick = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        sent.set(++xid, performance.now());
        sw.send({ type: 'echoRequest', xid, data: new Uint8Array(0) });
      }, 10);
      loop.enable();
      try {
        const value = await work();
        // The last echoes' replies.
        await new Promise((r) => setTimeout(r, 50));
        loop.disable();
        // An echo still unanswered counts with its age.
        const now = performance.now();
        const all = [...rtts, ...[...sent.values()].map((t0) => now - t0)].sort((a, b) => a - b);
        const report: LoadReport = {
          echoes: rtts.length,
          echoMaxMs: Math.round(all[all.length - 1] ?? 0),
          echoP99Ms: Math.round(all[Math.floor(all.length * 0.99)] ?? 0),
          loopMaxMs: Math.round(loop.max / 1e6),
          rssPeakDeltaMb: Math.round((rssPeak - rss0) / 2 ** 20),
        };
        return { value, report };
      } finally {
        clearInterval(tick);
        loop.disable();
      }
    },
    close: () => sw.destroy(),
  };
}

/** A FLOW multipart reply of `n` flows as wire bytes, `perPart` flows a part (xids patched per request). */
export function flowReplyBytes(n: number, flow: (i: number) => FlowStats, perPart = 200): { bytes: Buffer; offsets: number[] } {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i += perPart) {
    const stats = Array.from({ length: Math.min(perPart, n - i) }, (_, k) => flow(i + k));
    parts.push(encode({ type: 'multipartReply', xid: 0, flags: i + perPart < n ? OFPMPF_REPLY_MORE : 0, body: { kind: 'flow', stats } }));
  }
  const offsets: number[] = [];
  let at = 0;
  for (const p of parts) offsets.push(at), (at += p.length);
  return { bytes: Buffer.concat(parts), offsets };
}

/** A copy of the reply with every part's xid set to `xid`. */
export function withXid(reply: { bytes: Buffer; offsets: number[] }, xid: number): Buffer {
  const b = Buffer.from(reply.bytes);
  for (const o of reply.offsets) b.writeUInt32BE(xid, o + 4);
  return b;
}

/**
 * POST `size` bytes of `fill` to `path` over a raw socket, written as the server takes them, and
 * resolve with the status line as soon as the server answers (possibly before the body is all
 * sent): no client-side buffer of the whole body, so RSS and the event loop measure the server.
 */
export async function rawPost(port: number, path: string, size: number, fill: string): Promise<{ status: number; bodySentBeforeAnswer: number; text: string }> {
  const net = await import('node:net');
  const chunk = Buffer.from(fill.repeat(Math.ceil((1 << 20) / fill.length)).slice(0, 1 << 20));
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      const pump = () => {
        while (!answered && sent < size) {
          const n = Math.min(chunk.length, size - sent);
          sent += n;
          if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void s.once('drain', pump);
        }
      };
      pump();
    });
    let sent = 0;
    let answered = false;
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n([^]*)$/.exec(text);
      if (!m) return;
      answered = true;
      const len = /content-length: (\d+)/i.exec(text)?.[1];
      if (len !== undefined && Buffer.byteLength(m[2]!) < Number(len)) return;
      s.destroy();
      resolve({ status: Number(m[1]), bodySentBeforeAnswer: sent, text: m[2]! });
    });
    s.on('error', (e) => (answered ? undefined : reject(e)));
  });
}

/**
 * GET `url` from a child process that writes the body to a temp file: the client's work (reading
 * and buffering tens of MB) happens outside this process, so what the probe measures is weft.
 */
export async function getInChild(url: string): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'weft-get-'));
  const file = join(dir, 'body');
  const script = `const [url, file] = process.argv.slice(1);
    require('node:http').get(url, (res) => {
      res.pipe(require('node:fs').createWriteStream(file)).on('finish', () => console.log(JSON.stringify({ status: res.statusCode, headers: res.headers })));
    }).on('error', (e) => { console.error(e.message); process.exit(1); });`;
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script, url, file], { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    const { status, headers } = JSON.parse(out) as { status: number; headers: Record<string, string> };
    return { status, headers, text: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Flow `i` of the listing tests and bench/hostile.ts: distinct values in every field. */
export const listingFlow = (i: number): FlowStats => ({
  tableId: i % 4,
  durationSec: 100 + i,
  durationNsec: 5,
  priority: 1000 + (i % 7),
  idleTimeout: 0,
  hardTimeout: 0,
  flags: 1,
  cookie: 0x5000_0000_0000n + BigInt(i),
  packetCount: BigInt(i * 3),
  byteCount: BigInt(i * 300),
  match: [
    { field: 'in_port', value: 1 + (i % 4) },
    { field: 'eth_type', value: 0x0800 },
    { field: 'ipv4_dst', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  ],
  instructions: [{ type: 'applyActions', actions: [{ type: 'setField', field: { field: 'eth_dst', value: '02:00:00:00:00:09' } }, { type: 'output', port: 2, maxLen: 0 }] }],
});
