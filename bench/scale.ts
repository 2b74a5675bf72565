/**
 * The scale run: N emulated switches connect at once. Measured: the time from the first
 * connect() to every switch's first FLOW_MOD (weft announced it to its apps, and the
 * table-miss app answered), the REST switch count, and weft's resident memory per switch
 * ((VmRSS after - VmRSS before) / N, after a settle period), then again once every switch has
 * reported a few hosts in PACKET_INs (the apps' per-switch state then exists).
 */
import { EmuSwitch } from './emu-switch.js';
import { rssBytes } from './machine.js';
import type { BenchWeft } from './weft.js';

export interface ScaleResult {
  switches: number;
  /** ms from the first connect() to the last switch's FEATURES_REPLY being asked for. */
  featuresMs: number;
  /** ms from the first connect() to the last switch's first FLOW_MOD. */
  allUpMs: number;
  /** Switches REST lists once all are up, and how long that GET /api/v1/switches took (ms). */
  restCount: number;
  restListMs: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerSwitch: number;
  closedEarly: number;
  errors: number;
  /** Echo round trips (ms) measured on every switch after the settle period. */
  echoP99Ms: number;
  /** Hosts each switch then reported in PACKET_INs, and weft's memory per switch after that. */
  hostsPerSwitch: number;
  rssWithHostsBytes: number;
  bytesPerSwitchWithHosts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function scaleRun(weft: BenchWeft, n: number, opts: { settleMs?: number; timeoutMs?: number; firstDpid?: bigint; hostsPerSwitch?: number } = {}): Promise<ScaleResult> {
  const settleMs = opts.settleMs ?? 3000;
  // Let the freshly started process finish its startup allocations before the baseline. The
  // listing is asked for once first: its first call compiles the route's serializer (~50 ms),
  // which a monitoring system polling weft has long paid when it lists 10,000 switches.
  await sleep(1500);
  await weft.get('/api/v1/switches');
  const rssBeforeBytes = rssBytes(weft.pid);
  const first = opts.firstDpid ?? 0x5c000000n;
  const t0 = performance.now();
  const sws: EmuSwitch[] = [];
  for (let i = 0; i < n; i++) sws.push(new EmuSwitch({ port: weft.openflowPort, dpid: first + BigInt(i), index: i }));
  try {
    await Promise.all(sws.map((s) => s.up(opts.timeoutMs ?? 60_000)));
    const featuresMs = Math.max(...sws.map((s) => s.tFeatures)) - t0;
    const allUpMs = Math.max(...sws.map((s) => s.tFirstFlowMod)) - t0;
    await sleep(settleMs);
    const rssAfterBytes = rssBytes(weft.pid);
    const tList = performance.now();
    const list = await weft.get('/api/v1/switches');
    const restListMs = performance.now() - tList;
    const restCount = list.status === 200 ? (JSON.parse(list.text) as unknown[]).length : -1;
    // Every switch asks once; the replies come through one event loop that holds them all.
    for (const s of sws) s.echo();
    const deadline = performance.now() + 10_000;
    while (sws.some((s) => s.echoOutstanding > 0) && performance.now() < deadline) await sleep(20);
    const rtts = sws.flatMap((s) => s.echoRtts).sort((a, b) => a - b);
    // Then some traffic: every switch reports a few hosts, so the apps hold per-switch state
    // (MAC tables, topology hosts) as they would in use.
    const hostsPerSwitch = opts.hostsPerSwitch ?? 4;
    for (let h = 0; h < hostsPerSwitch; h++) {
      for (const s of sws) s.packetIn(h);
      await sleep(200);
    }
    await sleep(settleMs);
    const rssWithHostsBytes = rssBytes(weft.pid);
    return {
      switches: n,
      featuresMs,
      allUpMs,
      restCount,
      restListMs,
      rssBeforeBytes,
      rssAfterBytes,
      bytesPerSwitch: (rssAfterBytes - rssBeforeBytes) / n,
      closedEarly: sws.filter((s) => s.closed).length,
      errors: sws.reduce((a, s) => a + s.errors, 0),
      echoP99Ms: rtts.length === n ? rtts[Math.ceil(0.99 * n) - 1]! : NaN,
      hostsPerSwitch,
      rssWithHostsBytes,
      bytesPerSwitchWithHosts: (rssWithHostsBytes - rssBeforeBytes) / n,
    };
  } finally {
    for (const s of sws) s.close();
  }
}
