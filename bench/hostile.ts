/**
 * What hostile peers and clients cost a well-behaved switch: the built weft (a child process,
 * default apps), one emulated switch alongside sending an ECHO_REQUEST every 5 ms and timing
 * the replies, while
 *   - a REST client lists the 60,000 flows of another switch (GET /api/v1/switches/D/flows and
 *     Ryu's GET /stats/flow/D, the answer read and thrown away as it streams);
 *   - another switch floods PACKET_INs with random source MACs on one port (20,000 MACs);
 *   - a REST client pushes 100,000 flows in one bulk request (not persistent) to an emulated
 *     switch;
 * and weft's RSS is sampled for its peak. Each row also gives weft's own largest event-loop delay
 * (bench/weft-loop-probe.mjs, preloaded) and how long weft ran and waited for a CPU
 * (/proc/PID/schedstat): on a shared machine the echo times carry the machine's load too. The connect of the switch with 60,000 flows (its
 * switch-up reconciliation reads them all) is measured too; the listings start `--settle` ms
 * (default 3000) after it.
 * Usage: tsx bench/hostile.ts [--only listing|flood|bulk] [--settle MS] [--cpu-prof DIR] [--trace-gc]
 * (--cpu-prof: weft writes a .cpuprofile there, bench/profile-top.ts summarizes it; --trace-gc:
 * V8's GC lines are printed at the end).
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OfMessage, PacketIn } from '../protocol/index.js';
import { encode } from '../protocol/index.js';
import { buildEthernet } from '../protocol/packet/index.js';
import { FakeSwitch, makePort } from '../test/support/fake-switch.js';
import { flowReplyBytes, listingFlow as flow, withXid } from '../test/rest/load-probe.js';
import { EmuSwitch } from './emu-switch.js';
import { rssBytes, summarize } from './machine.js';
import { ensureBuilt, startBenchWeft } from './weft.js';
import type { BenchWeft } from './weft.js';

export interface HostileRow {
  label: string;
  echo: { n: number; p50: number; p99: number; max: number; lost: number };
  rssDeltaMb: number;
  detail: string;
}

const FLOWS = 60_000;
const FLOOD = 20_000;
const BULK = 100_000;


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

/** Echo round trips of `probe` and weft's RSS peak while `work` runs. */
async function measure(weft: BenchWeft, probe: EmuSwitch, work: () => Promise<string>): Promise<Omit<HostileRow, 'label'>> {
  const from = probe.echoRtts.length;
  const rss0 = rssBytes(weft.pid);
  let peak = rss0;
  const timer = setInterval(() => {
    probe.echo();
    peak = Math.max(peak, rssBytes(weft.pid));
  }, 5);
  let detail: string;
  const own = monitorEventLoopDelay({ resolution: 5 });
  own.enable();
  const sched0 = schedstat(weft.pid);
  const loopFrom = weft.otherOutput().length;
  try {
    detail = await work();
  } finally {
    clearInterval(timer);
  }
  // The echoes sent during the work are all part of it: wait for their replies.
  await until(() => probe.echoOutstanding === 0, 5_000, 'echo replies').catch(() => undefined);
  own.disable();
  // The harness's own event loop delays the probe's timing too: reported beside the numbers.
  detail += `; harness loop delay max ${Math.round(own.max / 1e6)} ms`;
  // How much the machine held weft back: its main thread's run-queue wait against its CPU time.
  const sched1 = schedstat(weft.pid);
  const ran = sched1.run - sched0.run;
  const waited = sched1.wait - sched0.wait;
  const loop = weft
    .otherOutput()
    .slice(loopFrom)
    .join('')
    .split('\n')
    .flatMap((l) => (l.startsWith('[weft-loop] ') ? [Number(l.slice(12))] : []));
  if (loop.length) detail += `; weft's own event-loop delay max ${Math.round(Math.max(...loop))} ms`;
  detail += `; weft ran ${Math.round(ran / 1e6)} ms and waited ${Math.round(waited / 1e6)} ms for a CPU (x${((ran + waited) / Math.max(ran, 1)).toFixed(1)})`;
  return { echo: { ...summarize(probe.echoRtts.slice(from)), lost: probe.echoOutstanding }, rssDeltaMb: Math.round((peak - rss0) / 2 ** 20), detail };
}

/** Nanoseconds a process's main thread ran and waited on a run queue (/proc/PID/schedstat). */
function schedstat(pid: number): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { run: run!, wait: wait! };
}

/** GET a path and read the body as it streams, keeping only its length (node:http: little work here). */
function drain(base: string, path: string): Promise<string> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(base + path, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve(`HTTP ${res.statusCode}, ${(bytes / 2 ** 20).toFixed(1)} MB in ${Math.round(performance.now() - t0)} ms`));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export async function hostileRun(opts: { nodeArgs?: string[]; only?: 'listing' | 'flood' | 'bulk'; settleMs?: number } = {}): Promise<HostileRow[]> {
  const only = opts.only;
  await ensureBuilt();
  const rows: HostileRow[] = [];
  // weft reports its own event-loop delay (bench/weft-loop-probe.mjs): the echo round trips also
  // carry the harness's delays and the machine's.
  const weft = await startBenchWeft(undefined, { nodeArgs: ['--import', fileURLToPath(new URL('./weft-loop-probe.mjs', import.meta.url)), ...(opts.nodeArgs ?? [])] });
  const base = `http://127.0.0.1:${weft.restPort}`;
  const probe = new EmuSwitch({ port: weft.openflowPort, dpid: 0x900dn, index: 9001 });
  const cleanup: (() => void)[] = [() => probe.close()];
  try {
    await probe.up(15_000);

    // (a) a REST listing of another switch's 60,000 flows.
    if (!only || only === 'listing') {
      const reply = flowReplyBytes(FLOWS, flow);
      let big: FakeSwitch | undefined;
      const reconciled = async () => {
        const r = await fetch(`${base}/api/v1/switches/0000000000000b16/reconciliation`);
        // `last` is null until the first run ends.
        return r.status === 200 && ((await r.json()) as { last?: { flows?: { onSwitch?: number } } | null }).last?.flows?.onSwitch === FLOWS;
      };
      rows.push({
        label: `a switch holding ${FLOWS.toLocaleString('en')} flows connects (the switch-up reconciliation reads them)`,
        ...(await measure(weft, probe, async () => {
          const t0 = performance.now();
          big = await FakeSwitch.connect({
            port: weft.openflowPort,
            datapathId: 0xb16n,
            ports: [makePort(1, 'p1')],
            handler: (m: OfMessage, sw) => {
              if (m.type !== 'multipartRequest' || m.body.kind !== 'flow') return undefined;
              sw.sendBytes(withXid(reply, m.xid));
              return [];
            },
          });
          await until(reconciled, 60_000, 'the big switch reconciled');
          return `reconciled in ${Math.round(performance.now() - t0)} ms`;
        })),
      });
      cleanup.push(() => big?.destroy());
      // The reconciliation's garbage is collected before the listings are measured.
      await sleep(opts.settleMs ?? 3000);
      rows.push({ label: `REST listing of ${FLOWS.toLocaleString('en')} flows of another switch (native)`, ...(await measure(weft, probe, () => drain(base, '/api/v1/switches/0000000000000b16/flows'))) });
      await sleep(500);
      rows.push({ label: `REST listing of ${FLOWS.toLocaleString('en')} flows of another switch (Ryu /stats/flow)`, ...(await measure(weft, probe, () => drain(base, `/stats/flow/${0xb16}`))) });
      big?.destroy();
    }
    if (only === 'listing') return rows;

    // (c) a REST bulk push of 100,000 flows.
    if (!only || only === 'bulk') {
      const target = new EmuSwitch({ port: weft.openflowPort, dpid: 0xb01cn, index: 9002 });
      cleanup.push(() => target.close());
      await target.up(15_000);
      const body = JSON.stringify({ persistent: false, flows: Array.from({ length: BULK }, (_, i) => ({ table: 7, priority: 10, match: { eth_type: 0x0800, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 2 }] })) });
      await sleep(500);
      rows.push({
        label: `REST bulk push of ${BULK.toLocaleString('en')} flows (${(body.length / 2 ** 20).toFixed(1)} MB) to another switch`,
        ...(await measure(weft, probe, async () => {
          const t0 = performance.now();
          const res = await fetch(`${base}/api/v1/switches/000000000000b01c/flows/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const answer = (await res.json()) as { count?: number };
          return `HTTP ${res.status}, ${answer.count} flows in ${Math.round(performance.now() - t0)} ms`;
        })),
      });
      target.close();
    }
    if (only === 'bulk') return rows;

    // (b) one port floods random source MACs.
    const flooder = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0xan, ports: [makePort(1, 'a1'), makePort(2, 'a2')] });
    cleanup.push(() => flooder.destroy());
    await until(async () => ((await (await fetch(`${base}/api/v1/switches`)).json()) as { dpid: string }[]).some((s) => s.dpid === '000000000000000a'), 10_000, 'the flooding switch up');
    await sleep(500);
    const chunks: Buffer[] = [];
    let seed = 0x5eed;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
    for (let i = 0; i < FLOOD; i += 500) {
      const msgs: Uint8Array[] = [];
      for (let j = i; j < i + 500; j++) {
        const r = rnd();
        const src = `0e:${[r >>> 24, (r >>> 16) & 255, (r >>> 8) & 255, r & 255, j & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
        const data = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src, ethType: 0x0800 }, new Uint8Array(46));
        const pi: PacketIn = { type: 'packetIn', xid: j + 1, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data };
        msgs.push(encode(pi));
      }
      chunks.push(Buffer.concat(msgs));
    }
    // The flooder does not read weft's answers: decoding them here would stall this process.
    flooder.stopReading();
    const refused = async () => Number(/weft_app_stat\{app="topology",stat="hostsRefusedPortCap"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
    rows.push({
      label: `MAC flood: ${FLOOD.toLocaleString('en')} PACKET_INs with random source MACs on one port of another switch`,
      ...(await measure(weft, probe, async () => {
        const t0 = performance.now();
        for (const c of chunks) {
          flooder.sendBytes(c);
          await new Promise((r) => setImmediate(r));
        }
        await until(async () => (await refused()) >= FLOOD - 1000, 120_000, 'every flood PACKET_IN handled');
        return `flood handled in ${Math.round(performance.now() - t0)} ms`;
      })),
    });
  } finally {
    for (const c of cleanup) c();
    await weft.close();
    if (opts.nodeArgs?.includes('--trace-gc')) process.stderr.write(weft.otherOutput().filter((l) => !l.startsWith('[weft-loop]')).join(''));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'cpu-prof': { type: 'string' }, 'trace-gc': { type: 'boolean' }, only: { type: 'string' }, settle: { type: 'string' } } });
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  if (values['trace-gc']) nodeArgs.push('--trace-gc');
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start`);
  for (const r of await hostileRun({ nodeArgs, only: values.only as 'listing' | 'flood' | 'bulk' | undefined, settleMs: values.settle === undefined ? undefined : Number(values.settle) })) {
    const e = r.echo;
    console.log(`${r.label} (load ${loadavg()[0]!.toFixed(1)} at the end): echo p50 ${e.p50.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms, max ${e.max.toFixed(1)} ms (${e.n} echoes, ${e.lost} unanswered); weft RSS +${r.rssDeltaMb} MB; ${r.detail}`);
  }
}
