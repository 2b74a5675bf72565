/**
 * Packet-in throughput of a weft cluster (docs/CLUSTER.md): the default apps on 2 instances
 * against 1, for the same 16 emulated switches.
 *   - "no cluster": one ofbench process of 16 switches against one weft without --cluster (the
 *     reference);
 *   - "1 instance": the same against one cluster instance (etcd, membership, write gate);
 *   - "2 instances": two ofbench processes of 8 switches each (datapath ids 1-8 and 9-16), each
 *     connected to its own instance. A switch of ofbench is connected to one instance only, so
 *     etcd's assignment makes each instance master of its 8 switches (checked on
 *     /api/v1/cluster after the run).
 * Until 8 Dec the references also ran two ofbench processes of 8. ofbench derives its hosts'
 * MACs from a switch's index in its own process, not from its datapath id, so both processes
 * sent the same 8,000 MACs: one weft saw every host move between two switches on every packet
 * (24,000 moves and 1.07M refused moves in a 10 s run), ran at 0.6-0.7x of one process of 16
 * switches, and the 2-instance ratio came out inflated. Each row now reports the topology's host
 * moves; the instances of the 2-instance row do not see each other's switches, so the same MACs
 * there are two separate networks.
 * ofbench's switches cannot list two controllers, so failover is not part of this: it measures
 * what splitting the packet-in load over two processes gives on this machine. The private etcd
 * and the ofbench processes share the machine's cores with weft.
 */
import { startEtcd } from '../test/support/etcd.js';
import { CpuMeter, load1 } from './machine.js';
import { runOfbench } from './ofbench.js';
import type { OfbenchRun } from './ofbench.js';
import { startBenchWeft } from './weft.js';
import type { BenchWeft } from './weft.js';

export interface ClusterBenchRow {
  label: string;
  /** Sum of both ofbench processes' average responses/s (undefined: a run failed). */
  rps: number | undefined;
  perOfbench: (number | undefined)[];
  /** Each weft's CPU over the run, as a fraction of a core. */
  cpu: number[];
  /** Responses (FLOW_MOD + PACKET_OUT) over the measured periods, and per weft CPU-second. */
  responses: number;
  perCpuSecond: number;
  wallS: number;
  /** Switches each instance mastered during the measured periods (cluster runs; read in the second one). */
  mastered: Record<string, number>;
  stalls: number;
  /** The topology's host moves, accepted and refused, all instances (0 unless MACs collide). */
  hostMoves: number;
  /** "cluster membership lost: stepping down" lines of every instance over the run. */
  stepDowns: number;
  /** Per instance: seconds from its start to its last "master of the switch" line. */
  masteryS: Record<string, number>;
  /** "mastership check failed" and "no answer to ROLE_REQUEST" lines over the run (etcd or the switch slow). */
  claimRetries: number;
  /** Per instance (GET /api/v1/cluster after the run): the lease renewals and the main event-loop delay. */
  lease: Record<string, unknown>;
  load: number;
  failure?: string;
  commands: string[];
}

/**
 * ofbench's settle phase, fixed at 8 s (quiet time = maximum): an instance answers nothing before
 * its etcd claim and ROLE_REQUEST, so "quiet" says nothing about mastership; on a loaded machine
 * (etcd's fsync behind other jobs' IO) a claim took seconds.
 */
const SETTLE = ['-S', '8000', '-Q', '8000'];
export const LEASE_TTL_S = 2;

export async function clusterRun(bin: string, o: { periods: number; macs: number }): Promise<ClusterBenchRow[]> {
  const etcd = await startEtcd();
  const out: ClusterBenchRow[] = [];
  try {
    // The default lease TTL (2 s): the flood keeps weft's event loop busy for long stretches, and
    // the lease must hold through it (its renewals run in a worker thread, docs/CLUSTER.md).
    const config = (name: string, prefix: string) => ({ cluster: { etcd: `etcd://${etcd.hostPorts}`, name, prefix, leaseTtl: LEASE_TTL_S } });
    out.push(await oneCase('no cluster: 1 weft, 16 switches', [await startBenchWeft()], o, bin, false));
    out.push(await oneCase('cluster, 1 instance: 16 switches', [await startBenchWeft(config('b1', 'bench1/'))], o, bin, true));
    const pair = [await startBenchWeft(config('b1', 'bench2/'))];
    pair.push(await startBenchWeft(config('b2', 'bench2/')));
    out.push(await oneCase('cluster, 2 instances: 8 switches each', pair, o, bin, true));
  } finally {
    await etcd.stop();
  }
  return out;
}

async function oneCase(label: string, wefts: BenchWeft[], o: { periods: number; macs: number }, bin: string, cluster: boolean): Promise<ClusterBenchRow> {
  const load = load1();
  try {
    // weft's CPU is measured, and the mastership read, from the moment both ofbench processes
    // have printed "period 1:" (their warmup is over, both are sending).
    const meters = wefts.map((w) => new CpuMeter(w.pid));
    let measuring = false;
    let started = 0;
    let sampled: Promise<Record<string, number>> | undefined;
    let second = 0;
    const onLine = (line: string) => {
      // Mastership again once both are in their second measured period (the settle phase ends
      // on silence, and an instance whose etcd claim is slow is silent: it may come late).
      if (line.startsWith('period 2:') && ++second === wefts.length && cluster && o.periods > 3) sampled = masteredNow(wefts).catch(() => ({}));
      if (measuring || !line.startsWith('period 1:') || ++started < wefts.length) return;
      measuring = true;
      for (const m of meters) m.start();
      if (cluster) sampled = masteredNow(wefts).catch(() => ({}));
    };
    // One weft: one ofbench of 16 switches. Two: ofbench A (dpids 1-8) to the first instance,
    // ofbench B (dpids 9-16) to the second (the same MACs, in two separate networks).
    const parts = wefts.length === 1 ? [16] : [8, 8];
    const runs: OfbenchRun[] = await Promise.all(
      parts.map((switches, k) =>
        runOfbench(bin, { port: wefts[k]!.openflowPort, switches, firstDpid: 1 + 8 * k, throughput: true, periods: o.periods, macs: o.macs, extra: SETTLE }, 120_000, onLine),
      ),
    );
    const cpu = meters.map((m) => (measuring ? m.stop() : { proc: NaN, seconds: NaN }));
    const mastered = (await sampled?.catch(() => ({}))) ?? {};
    const lease = cluster ? await leaseStats(wefts).catch(() => ({})) : {};
    const hostMoves = await topologyMoves(wefts).catch(() => NaN);
    const masteryS: Record<string, number> = {};
    for (const [k, w] of wefts.entries()) {
      const lines = w.logLines();
      const start = Number(lines[0]?.time);
      const last = lines.filter((l) => l.msg === 'cluster: master of the switch').at(-1);
      if (cluster && last) masteryS[`b${k + 1}`] = Math.round((Number(last.time) - start) / 100) / 10;
    }
    const responses = runs.reduce((n, r) => n + (r.result ? r.result.flow_mods + r.result.packet_outs : 0), 0);
    const wallS = runs.reduce((n, r) => Math.max(n, r.result ? ((r.result.periods - 1) * r.result.period_ms) / 1000 : 0), 0);
    const per = runs.map((r) => (r.exitCode === 0 ? r.result?.avg_rps : undefined));
    const failed = runs.find((r) => r.exitCode !== 0 || !r.result);
    return {
      label,
      rps: per.every((x) => x !== undefined) ? per.reduce((a, b) => a! + b!, 0) : undefined,
      perOfbench: per,
      cpu: cpu.map((c) => c.proc),
      perCpuSecond: responses / cpu.reduce((n, c) => n + c.proc * c.seconds, 0),
      responses,
      wallS,
      mastered,
      stalls: runs.reduce((n, r) => n + (r.result?.stalls ?? 0), 0),
      hostMoves,
      stepDowns: wefts.reduce((n, w) => n + w.warnings().filter((l) => l.startsWith('cluster membership lost')).length, 0),
      masteryS,
      claimRetries: wefts.reduce((n, w) => n + w.logLines().filter((l) => /mastership check failed|no answer to ROLE_REQUEST/.test(l.msg)).length, 0),
      lease,
      load,
      failure: failed ? `ofbench exit ${failed.exitCode}: ${failed.output.trim().split('\n').slice(-2).join(' / ').slice(0, 200)}` : undefined,
      commands: runs.map((r, k) => `ofbench ${r.args.join(' ').replace(/-p \d+/, `-p PORT${k + 1}`)}`),
    };
  } finally {
    await Promise.all(wefts.map((w) => w.close()));
  }
}

/** Host moves the topology app counted (accepted and refused), all instances. */
async function topologyMoves(wefts: BenchWeft[]): Promise<number> {
  let n = 0;
  for (const w of wefts) {
    const apps = JSON.parse((await w.get('/api/v1/apps')).text) as { name: string; stats?: { hostMoves?: number; hostMovesRefused?: number } }[];
    const topo = apps.find((a) => a.name === 'topology')?.stats;
    if (!topo) throw new Error('no topology stats');
    n += (topo.hostMoves ?? 0) + (topo.hostMovesRefused ?? 0);
  }
  return n;
}

/** Each instance's lease statistics (renewer, renewals, slowest renewal, event-loop delay). */
async function leaseStats(wefts: BenchWeft[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const w of wefts) {
    const st = JSON.parse((await w.get('/api/v1/cluster')).text) as { instance: string; lease: unknown };
    out[st.instance] = st.lease;
  }
  return out;
}

/** Switches each instance masters now, as each says on /api/v1/cluster. */
async function masteredNow(wefts: BenchWeft[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const w of wefts) {
    const st = JSON.parse((await w.get('/api/v1/cluster')).text) as { instance: string; switches: { master: string | null; writable: boolean }[] };
    out[st.instance] = st.switches.filter((s) => s.master === st.instance && s.writable).length;
  }
  return out;
}
