/**
 * `npm run bench`: the controller benchmark suite. Builds ofbench (../shared/bench, or
 * WEFT_OFBENCH_DIR) and weft (dist/), then measures, each time with a fresh weft running its
 * default apps (table-miss, topology, l2-learning) at log level warn:
 *   - ofbench throughput and latency modes, 1 and 16 switches, buffered and unbuffered (-N);
 *     during the 16-switch throughput runs a side connection times ECHO round trips and GET
 *     /health (bench/load-probe.ts);
 *   - bench/pipeline.ts: weft's own CPU per PACKET_IN, in one process (steady on a busy machine);
 *   - bench/codec.ts (codec microbenchmarks);
 *   - 100k flows through the REST bulk endpoint into a private Open vSwitch bridge;
 *   - bench/state.ts: REST write latency and the bulk rate with persistence on and off, and
 *     reconciliation with 10,000 flows on a switch (after a weft restart, an audit, del-flows);
 *   - 1000 emulated switches connecting at once: time until all are up, memory per switch;
 *   - bench/hostile.ts: echo round trips of a well-behaved switch while a REST client lists
 *     60,000 flows of another switch and while a port floods random source MACs;
 *   - bench/cluster.ts: packet-in throughput with the default apps on 2 cluster instances
 *     (an ofbench process of 8 switches each) against 1 and against weft without --cluster (one of 16);
 *   - side by side: the same ofbench runs against weft, ovs-testcontroller and os-ken
 *     (bench/peers.ts), one right after the other, with weft's ratio to each.
 * Prints a table and writes the "Controller benchmarks" part of docs/BENCHMARKS.md.
 *
 *   - ofbench against nullctl, the tool's own minimal C controller: what the tool and the kernel
 *     allow on this machine at the time of the run (the ceiling for the latency modes).
 *   - bench/flood.ts: a MAC flood (ofbench -M 100000) for 30 s: rate, weft's RSS over time, echo RTT.
 * Options: --only ceiling,ofbench,flood,peers,pipeline,codec,flows,state,scale,hostile,cluster  --periods N (ofbench -l, default 10)
 *          --macs N (ofbench -M, default 1000)  --flows N  --state-flows N (default 10000)  --switches N (scale run; default 10000 as root, else 1000)
 *          --no-write (do not touch docs/)  --docs PATH
 */
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { flowsIntoOvs } from './flows-ovs.js';
import type { FlowsResult, FlowsTls } from './flows-ovs.js';
import { ovsRawRates, pki } from './ovs-raw-rate.js';
import { startLoadProbe } from './load-probe.js';
import type { LoadProbe } from './load-probe.js';
import { CpuMeter, load1, machineInfo } from './machine.js';
import { buildNullctl, buildOfbench, ofbenchDir, REPO, runOfbench } from './ofbench.js';
import type { OfbenchOptions } from './ofbench.js';
import { consoleTable, fmtInt, fmtMs, fmtPct, machineText, markdownTable, writeDocs } from './report.js';
import type { Row } from './report.js';
import { hostileRun } from './hostile.js';
import { floodRun } from './flood.js';
import { clusterRun } from './cluster.js';
import { stateRun } from './state.js';
import { scaleRun } from './scale.js';
import { NETNS_SYSCTLS, runScriptInNetns, withBenchNetns } from './netns.js';
import type { ScaleNetnsResult } from './scale-netns.js';
import { installed, PEERS, startPeer } from './peers.js';
import { ensureBuilt, startBenchWeft } from './weft.js';
import { freePort } from '../test/support/weft-process.js';

const { values: opt } = parseArgs({
  options: {
    only: { type: 'string' },
    periods: { type: 'string', default: '10' },
    macs: { type: 'string', default: '1000' },
    flows: { type: 'string', default: '100000' },
    'state-flows': { type: 'string', default: '10000' },
    // 10,000 (issue #17's scale) in a network namespace of the bench's own, which needs root.
    switches: { type: 'string', default: process.getuid?.() === 0 ? '10000' : '1000' },
    'no-write': { type: 'boolean', default: false },
    docs: { type: 'string', default: join(REPO, 'docs', 'BENCHMARKS.md') },
  },
});
const sections = new Set((opt.only ?? 'ceiling,ofbench,flood,peers,pipeline,codec,flows,state,scale,hostile,cluster').split(','));
const periods = Number(opt.periods);
const macs = Number(opt.macs);
const rows: Row[] = [];
const notes: string[] = [];
const commands: string[] = [];
const log = (s: string) => process.stderr.write(`# ${s}\n`);

interface Case {
  label: string;
  o: Omit<OfbenchOptions, 'port'>;
  target?: { min: number; text: string };
  probe?: boolean;
  /** A weft config file's content (default: none, i.e. the default apps). */
  config?: Record<string, unknown>;
}

/**
 * A learning switch per switch, cbench's classic load: table-miss and l2-learning without the
 * topology app (switch-local, so it can also run in worker processes).
 */
const PER_SWITCH = { apps: ['table-miss', 'l2-learning'] };

/** weft's plumbing alone: table-miss plus a one-FLOW_MOD-per-PACKET_IN app (bench/apps). */
const RESPONDER = { apps: ['table-miss', join(REPO, 'bench', 'apps', 'responder.mjs')] };

const cases: Case[] = [
  { label: 'throughput, 16 switches', o: { switches: 16, throughput: true }, target: { min: 500_000, text: '>= 500,000/s (stretch 1M)' }, probe: true },
  { label: 'throughput, 16 switches, -N', o: { switches: 16, throughput: true, unbuffered: true }, probe: true },
  { label: 'throughput, 1 switch', o: { switches: 1, throughput: true } },
  { label: 'throughput, 1 switch, -N', o: { switches: 1, throughput: true, unbuffered: true } },
  { label: 'latency, 16 switches', o: { switches: 16, throughput: false }, target: { min: 100_000, text: '>= 100,000/s' } },
  { label: 'latency, 16 switches, -N', o: { switches: 16, throughput: false, unbuffered: true } },
  { label: 'latency, 1 switch', o: { switches: 1, throughput: false }, target: { min: 25_000, text: '>= 25,000/s' } },
  { label: 'latency, 1 switch, -N', o: { switches: 1, throughput: false, unbuffered: true } },
  // ofbench's default of 100k MACs per switch runs into l2-learning's caps (10k MACs per
  // switch, 1k per port): past them it floods instead of installing flows (docs/L2.md).
  { label: 'throughput, 16 switches, -M 100000', o: { switches: 16, throughput: true, macs: 100_000 } },
  // The same load against weft with a trivial app: what the plumbing (decode, app host,
  // encode, socket writes) does without the default apps' logic.
  { label: 'throughput, 16 switches, plumbing only (bench/apps/responder.mjs)', o: { switches: 16, throughput: true }, config: RESPONDER, probe: true },
  // The stretch target: switch-local apps, one process and then two worker processes
  // (openflow.workers, docs/CONTROLLER.md), one per core.
  { label: 'throughput, 16 switches, per-switch learning (table-miss, l2-learning), 1 process', o: { switches: 16, throughput: true }, config: PER_SWITCH },
  {
    label: 'throughput, 16 switches, per-switch learning, 2 worker processes',
    o: { switches: 16, throughput: true },
    config: { ...PER_SWITCH, openflow: { workers: 2 } },
    target: { min: 1_000_000, text: 'stretch: >= 1,000,000/s' },
  },
];

async function ofbenchSection(bin: string): Promise<void> {
  for (const c of cases) {
    const o: OfbenchOptions = { macs, periods, ...c.o, port: 0 };
    const load = load1();
    log(`ofbench ${c.label} (load ${load.toFixed(1)})`);
    const weft = await startBenchWeft(c.config);
    let probe: LoadProbe | undefined;
    try {
      o.port = weft.openflowPort;
      if (c.probe) probe = await startLoadProbe(weft.openflowPort, weft.restPort);
      // weft's CPU time is measured over ofbench's measured periods only: they start when the
      // warmup period ends and ofbench prints "period 1: ...". The probe runs over the same.
      const meter = new CpuMeter(weft.pid);
      let measuring = false;
      const run = await runOfbench(bin, o, 120_000, (line) => {
        if (measuring || !line.startsWith('period 1:')) return;
        measuring = true;
        meter.start();
        probe?.start();
      });
      const cpu = measuring ? meter.stop() : { proc: NaN, machine: NaN, seconds: NaN };
      const probed = probe?.stop();
      const workers = (c.config?.openflow as { workers?: number } | undefined)?.workers;
      const apps = c.config ? `   # weft with apps ${(c.config.apps as string[]).map((a) => a.replace(REPO, '')).join(',')}${workers ? `, ${workers} workers` : ''}` : '';
      commands.push(`ofbench ${run.args.join(' ').replace(String(weft.openflowPort), 'PORT')}${apps}`);
      const r = run.result;
      if (!r || run.exitCode !== 0) {
        rows.push({ what: `ofbench ${c.label}`, result: `failed (exit ${run.exitCode})`, detail: run.output.trim().split('\n').slice(-2).join(' / ').slice(0, 200), target: c.target?.text, met: c.target ? false : undefined, load });
        continue;
      }
      const warns = weft.warnings();
      const detail = [
        `fm ${fmtInt(r.flow_mods)} po ${fmtInt(r.packet_outs)} pi ${fmtInt(r.packet_ins)}`,
        `min/max ${fmtInt(r.min_rps)}/${fmtInt(r.max_rps)}`,
        `rtt ${r.avg_rtt_us >= 1000 ? fmtMs(r.avg_rtt_us / 1000) : `${r.avg_rtt_us.toFixed(0)} µs`}`,
        `weft cpu ${fmtPct(cpu.proc)} of a core (${fmtInt((r.flow_mods + r.packet_outs) / (cpu.proc * cpu.seconds))} responses per weft cpu-second), ofbench ${Math.round(r.tool_cpu_pct)}%, machine ${fmtPct(cpu.machine / machine.cores)} busy`,
        r.errors || r.stalls ? `errors ${r.errors} stalls ${r.stalls}` : '',
        warns.length ? `weft warnings ${warns.length}: ${warns[0]}` : '',
      ].filter(Boolean).join('; ');
      rows.push({ what: `ofbench ${c.label}`, result: `${fmtInt(r.avg_rps)} responses/s`, detail, target: c.target?.text, met: c.target ? r.avg_rps >= c.target.min : undefined, load });
      if (probed) {
        const e = probed.echo;
        const h = probed.health;
        rows.push({ what: `echo RTT during ${c.label}`, result: `p99 ${fmtMs(e.p99)}`, detail: `${e.n} echoes, p50 ${fmtMs(e.p50)}, max ${fmtMs(e.max)}, unanswered ${e.lost}`, target: 'p99 < 50 ms', met: e.n > 0 && e.p99 < 50 && e.lost <= 1, load });
        rows.push({ what: `GET /health during ${c.label}`, result: `p99 ${fmtMs(h.p99)}`, detail: `${h.n} requests, p50 ${fmtMs(h.p50)}, max ${fmtMs(h.max)}, failed ${h.lost}`, target: 'p99 < 100 ms', met: h.n > 0 && h.p99 < 100 && h.lost === 0, load });
      }
    } finally {
      probe?.close();
      await weft.close();
    }
  }
}

/** The side-by-side cases: throughput and latency, cbench's defaults included. */
const PEER_CASES: { label: string; o: Omit<OfbenchOptions, 'port'> }[] = [
  { label: 'throughput, 16 switches', o: { switches: 16, throughput: true, macs: 1000 } },
  { label: 'throughput, 16 switches, -M 100000', o: { switches: 16, throughput: true, macs: 100_000 } },
  { label: 'latency, 16 switches', o: { switches: 16, throughput: false, macs: 1000 } },
  { label: 'latency, 1 switch', o: { switches: 1, throughput: false, macs: 1000 } },
];

/**
 * weft, ovs-testcontroller and os-ken under the same ofbench run, back to back per case (so
 * they see about the same machine load), each a fresh process; weft's ratio to each peer.
 */
async function peersSection(bin: string): Promise<void> {
  for (const c of PEER_CASES) {
    const results = new Map<string, number>();
    const load = load1();
    log(`side by side: ofbench ${c.label} (load ${load.toFixed(1)})`);
    const weft = await startBenchWeft();
    try {
      const run = await runOfbench(bin, { periods, ...c.o, port: weft.openflowPort });
      if (run.result && run.exitCode === 0) results.set('weft', run.result.avg_rps);
    } finally {
      await weft.close();
    }
    for (const kind of PEERS) {
      if (!installed(kind)) {
        rows.push({ what: `side by side: ${kind.name}, ${c.label}`, result: 'not installed', detail: `apt-get install ${kind.name === 'os-ken' ? 'python3-os-ken' : 'openvswitch-testcontroller'}`, load });
        continue;
      }
      const peer = await startPeer(kind);
      try {
        const run = await runOfbench(bin, { periods, ...c.o, port: peer.port });
        const r = run.result;
        if (r && run.exitCode === 0) results.set(kind.name, r.avg_rps);
        const w = results.get('weft');
        rows.push({
          what: `side by side: ${kind.name}, ${c.label}`,
          result: r && run.exitCode === 0 ? `${fmtInt(r.avg_rps)} responses/s` : `failed (exit ${run.exitCode})`,
          detail: r && w !== undefined ? `weft ${fmtInt(w)}/s in the run just before: **weft/${kind.name} = ${(w / r.avg_rps).toFixed(1)}x**; rtt ${r.avg_rtt_us.toFixed(0)} µs` : run.output.trim().split('\n').slice(-1)[0]!.slice(0, 200),
          load,
        });
        commands.push(`ofbench ${run.args.join(' ').replace(String(peer.port), 'PORT')}   # against ${kind.name}${kind.name === 'os-ken' ? ' (bench/peers/osken_learning.py)' : ''}`);
      } finally {
        await peer.close();
      }
    }
  }
}

async function untilListening(port: number, deadline = Date.now() + 5000): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * ofbench against nullctl (one PACKET_OUT per PACKET_IN, in C, no logic): the most any
 * controller can get from the tool on this machine at this moment. Latency mode is bound by
 * the loopback round trip, so these rows say how far the latency targets are reachable at all.
 */
async function ceilingSection(bin: string): Promise<void> {
  const nullctl = buildNullctl();
  const runs: { label: string; o: Omit<OfbenchOptions, 'port'> }[] = [
    { label: 'latency, 1 switch', o: { switches: 1, throughput: false } },
    { label: 'latency, 16 switches', o: { switches: 16, throughput: false } },
    { label: 'throughput, 16 switches', o: { switches: 16, throughput: true } },
  ];
  for (const c of runs) {
    const load = load1();
    log(`ofbench ${c.label} against nullctl (load ${load.toFixed(1)})`);
    const port = await freePort();
    const child = spawn(nullctl, ['-p', String(port), '-d', String(periods + 30)], { stdio: 'ignore' });
    try {
      await untilListening(port);
      const run = await runOfbench(bin, { macs, periods, ...c.o, port });
      commands.push(`nullctl -p PORT & ofbench ${run.args.join(' ').replace(String(port), 'PORT')}`);
      const r = run.result;
      rows.push({
        what: `ceiling: ofbench ${c.label} against nullctl (C, no logic)`,
        result: r && run.exitCode === 0 ? `${fmtInt(r.avg_rps)} responses/s` : `failed (exit ${run.exitCode})`,
        detail: r ? `rtt ${r.avg_rtt_us.toFixed(0)} µs; ofbench ${Math.round(r.tool_cpu_pct)}% of a core; stalls ${r.stalls}` : run.output.trim().split('\n').slice(-1)[0]!.slice(0, 200),
        load,
      });
    } finally {
      child.kill();
    }
  }
}

/** bench/pipeline.ts: weft's CPU per PACKET_IN in one process, without the kernel. */
function pipelineSection(): Promise<void> {
  const runs = [
    { what: 'in-process pipeline, default apps', args: [] as string[] },
    { what: 'in-process pipeline, plumbing only (responder app)', args: ['--apps', `table-miss,${join(REPO, 'bench', 'apps', 'responder.mjs')}`] },
  ];
  return runs.reduce(
    (p, r) =>
      p.then(
        () =>
          new Promise<void>((resolve) => {
            const load = load1();
            log(`${r.what} (load ${load.toFixed(1)})`);
            const args = ['--switches', '16', '--macs', String(macs), '--seconds', '5', ...r.args];
            commands.push(`npx tsx bench/pipeline.ts ${args.join(' ').replace(REPO, '')}`);
            const env = { ...process.env, WEFT_BENCH_BUILT: '1' };
            execFile(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'pipeline.ts'), ...args], { cwd: REPO, env, timeout: 120_000 }, (err, stdout, stderr) => {
              const line = stdout.split('\n').find((l) => l.startsWith('{'));
              if (err || !line) {
                rows.push({ what: r.what, result: 'failed', detail: `${stderr}`.trim().split('\n').slice(-1)[0] ?? '', load });
                return resolve();
              }
              const j = JSON.parse(line) as { nsPerPacketInCpu: number; packetInsPerCpuSecond: number; outPerIn: number; cpuShare: number };
              rows.push({
                what: r.what,
                result: `${(j.nsPerPacketInCpu / 1000).toFixed(1)} µs CPU per PACKET_IN`,
                detail: `${fmtInt(j.packetInsPerCpuSecond)} PACKET_INs (${fmtInt(j.packetInsPerCpuSecond * j.outPerIn)} responses) per CPU-second, 16 switches, -M ${macs}; the process got ${fmtPct(j.cpuShare)} of a core`,
                load,
              });
              resolve();
            });
          }),
      ),
    Promise.resolve(),
  );
}

function codecSection(): Promise<void> {
  const load = load1();
  log(`bench/codec.ts (load ${load.toFixed(1)})`);
  commands.push('npx tsx bench/codec.ts');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'codec.ts')], { cwd: REPO, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        rows.push({ what: 'codec microbenchmarks', result: 'failed', detail: `${stderr}`.trim().split('\n').slice(-1)[0] ?? '', load });
      } else {
        const table = stdout.split('\n').filter((l) => l.startsWith('|'));
        const missed = table.filter((l) => /MISSED/.test(l)).length;
        rows.push({ what: 'codec microbenchmarks (bench/codec.ts)', result: `${table.length - 2} benchmarks`, detail: missed ? `${missed} missed their target` : 'all targets met (table below)', met: missed === 0, load });
        notes.push(`### bench/codec.ts in this run\n\n${table.join('\n')}`);
        process.stdout.write(`${stdout}\n`);
      }
      resolve();
    });
  });
}

async function flowsSection(): Promise<void> {
  const n = Number(opt.flows);
  const load = load1();
  const runs = 3;
  log(`${n} flows through REST into Open vSwitch, and the switch's own ceiling (load ${load.toFixed(1)})`);
  commands.push(`bench/ovs-raw-rate.ts: ${n} pre-encoded FLOW_MODs from a raw OpenFlow peer (no weft) into a fresh private OVS: plain over TCP, one ONF bundle over TCP, plain over TLS`);
  commands.push(`POST /api/v1/switches/DPID/flows/bulk with ${n} flows (bench/flows-ovs.ts), ${runs} times in one weft process each way (one-off, persistent; the bridge on weft's TCP listener, then on its TLS listener with ovs-pki certificates), a fresh OVS each, then ovs-ofctl -O OpenFlow13 dump-flows BR table=7`);
  const ceiling: Partial<Record<'tcp' | 'tls', number>> = {};
  try {
    for (const r of await ovsRawRates(['tcp-plain', 'tcp-bundle', 'tls-plain'], n)) {
      if (r.mode === 'tcp-plain') ceiling.tcp = r.flowsPerSecond;
      if (r.mode === 'tls-plain') ceiling.tls = r.flowsPerSecond;
      const phases = r.addsMs === undefined ? '' : `; adds + barrier ${fmtMs(r.addsMs)}, commit ${fmtMs(r.commitMs ?? NaN)}`;
      rows.push({ what: `ceiling: ${fmtInt(n)} pre-encoded FLOW_MODs into one OVS bridge from a raw peer (no weft), ${r.mode.endsWith('plain') ? 'plain' : 'one bundle'}, ${r.mode.startsWith('tls') ? 'TLS' : 'TCP'}`, result: `${fmtInt(r.flowsPerSecond)} flows/s`, detail: `wall ${fmtMs(r.wallMs)}${phases}; ovs-vswitchd CPU ${fmtMs(r.ovsCpuMs)}; dump-flows counts ${fmtInt(r.count)}, errors ${r.errors}`, load: r.load1 });
    }
  } catch (e) {
    rows.push({ what: `ceiling: ${fmtInt(n)} FLOW_MODs into one OVS bridge from a raw peer`, result: 'failed', detail: (e as Error).message.split('\n')[0]!.slice(0, 200), load });
  }
  const certDir = mkdtempSync(join(tmpdir(), 'weft-bench-pki-'));
  try {
    const certs = pki(certDir);
    for (const transport of ['tcp', 'tls'] as const) {
      for (const persistent of [false, true]) {
        const tls: FlowsTls | undefined = transport === 'tls' ? { port: await freePort(), switchKey: certs.switchKey, switchCert: certs.switchCert, controllerCa: certs.controllerCa } : undefined;
        const args = tls ? ['--listen', `ssl:127.0.0.1:${tls.port}`, '--tls-cert', certs.cert, '--tls-key', certs.key, '--tls-ca', certs.ca] : [];
        await bulkRows(n, runs, persistent, tls, args, ceiling[transport]);
      }
    }
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
}

/** One row: `runs` bulks of n flows in one weft process, each into a fresh OVS, over TCP or TLS. */
async function bulkRows(n: number, runs: number, persistent: boolean, tls: FlowsTls | undefined, args: string[], ceiling: number | undefined): Promise<void> {
  const load = load1();
  const what = `${fmtInt(n)} flows via REST bulk into one OVS bridge, ${persistent ? 'persistent (the default)' : '"persistent": false'}, ${tls ? 'TLS' : 'TCP'}`;
  const target = '>= 200,000/s, all flows in dump-flows';
  const weft = await startBenchWeft(undefined, { args });
  try {
    const rs: FlowsResult[] = [];
    for (let i = 0; i < runs; i++) rs.push(await flowsIntoOvs(weft, n, { persistent, tls }));
    const bad = rs.find((r) => r.status !== 200 || r.dumpCount !== n);
    const rates = rs.map((r) => r.flowsPerSecond);
    const med = [...rates].sort((x, y) => x - y)[rates.length >> 1]!;
    rows.push({
      what,
      result: bad ? 'failed' : `${fmtInt(med)} flows/s`,
      detail: [
        `median of ${runs} bulks in one weft process (${rates.map(fmtInt).join(', ')}; the first is a cold process)`,
        ceiling ? `${Math.round((med / ceiling) * 100)}% of the raw peer's plain ${tls ? 'TLS' : 'TCP'} ceiling above` : '',
        `upload ${(rs[0]!.bodyBytes / 1e6).toFixed(1)} MB; endpoint's own rate ${rs.map((r) => fmtInt(r.serverFlowsPerSecond ?? NaN)).join(', ')}/s`,
        `dump-flows counts ${rs.map((r) => fmtInt(r.dumpCount)).join(', ')}`,
        bad?.error ?? '',
      ].filter(Boolean).join('; '),
      target,
      met: !bad && med >= 200_000,
      load,
    });
  } catch (e) {
    rows.push({ what, result: 'failed', detail: (e as Error).message.split('\n')[0]!.slice(0, 200), target, met: false, load });
  } finally {
    await weft.close();
  }
}

async function stateSection(): Promise<void> {
  const n = Number(opt['state-flows']);
  const writes = 200;
  const load = load1();
  log(`durable state: REST writes with persistence, bulk of ${n}, reconciliation with ${n} flows (load ${load.toFixed(1)})`);
  commands.push(`bench/state.ts: ${writes} single-flow POSTs each way, POST /flows/bulk of ${n} flows each way, weft restarted on its state dir, POST /reconciliation, ovs-ofctl del-flows`);
  try {
    const r = await stateRun(n, writes);
    const lat = (l: { n: number; p50: number; p99: number; max: number }) => `p50 ${fmtMs(l.p50)}, p99 ${fmtMs(l.p99)}`;
    const flowsOf = (f: Record<string, number>) => `on switch ${fmtInt(f.onSwitch ?? NaN)}: kept ${fmtInt(f.kept ?? NaN)}, added ${fmtInt(f.added ?? NaN)}, deleted ${fmtInt(f.deleted ?? NaN)}, foreign ${fmtInt(f.foreign ?? NaN)}`;
    rows.push({ what: 'REST flow write, persistent (switch barrier + fsync)', result: lat(r.writePersistent), detail: `${r.writePersistent.n} sequential POST /flows, max ${fmtMs(r.writePersistent.max)}`, load });
    rows.push({ what: 'REST flow write, "persistent": false (switch barrier only)', result: lat(r.writeOneOff), detail: `${r.writeOneOff.n} sequential POST /flows, max ${fmtMs(r.writeOneOff.max)}`, load });
    rows.push({ what: `${fmtInt(n)} flows via REST bulk, persistent`, result: `${fmtInt(r.bulkPersistent.flowsPerSecond)} flows/s`, detail: `wall ${fmtMs(r.bulkPersistent.wallMs)} (one store transaction, one fsync)`, load });
    rows.push({ what: `${fmtInt(n)} flows via REST bulk, "persistent": false`, result: `${fmtInt(r.bulkOneOff.flowsPerSecond)} flows/s`, detail: `wall ${fmtMs(r.bulkOneOff.wallMs)}`, load });
    rows.push({ what: `switch connect to reconciled, ${fmtInt(n)} persistent flows on the switch (weft restarted)`, result: fmtMs(r.reconnect.wallMs), detail: `from set-controller to the run's result in REST; the run itself ${fmtMs(r.reconnect.durationMs)}; ${flowsOf(r.reconnect.flows)}`, load });
    rows.push({ what: `reconciliation run with the flows in place (an audit's cost)`, result: fmtMs(r.audit.durationMs), detail: flowsOf(r.audit.flows), load });
    rows.push({ what: `reconciliation after ovs-ofctl del-flows (an OVS restart)`, result: fmtMs(r.refill.durationMs), detail: flowsOf(r.refill.flows), load });
  } catch (e) {
    rows.push({ what: 'durable state (bench/state.ts)', result: 'failed', detail: (e as Error).message.split('\n')[0]!.slice(0, 200), load });
  }
}

async function hostileSection(): Promise<void> {
  const load = load1();
  log(`hostile peers beside a well-behaved switch (load ${load.toFixed(1)})`);
  commands.push('npx tsx bench/hostile.ts (a REST listing of 60,000 flows, native and Ryu; a MAC flood of 20,000 PACKET_INs; one emulated switch times echoes every 5 ms)');
  try {
    for (const r of await hostileRun()) {
      const e = r.echo;
      rows.push({ what: `echo RTT of a switch alongside: ${r.label}`, result: `p99 ${fmtMs(e.p99)}`, detail: `${e.n} echoes, p50 ${fmtMs(e.p50)}, max ${fmtMs(e.max)}, unanswered ${e.lost}; weft RSS +${r.rssDeltaMb} MB; ${r.detail}`, target: 'p99 < 50 ms', met: e.n > 0 && e.p99 < 50 && e.lost <= 1, load });
    }
  } catch (e) {
    rows.push({ what: 'echo RTT beside hostile peers (bench/hostile.ts)', result: 'failed', detail: (e as Error).message.split('\n')[0]!.slice(0, 200), target: 'p99 < 50 ms', met: false, load });
  }
}

async function clusterSection(bin: string): Promise<void> {
  log(`cluster: 2 instances (an ofbench process of 8 switches each) against 1 (one of 16) (load ${load1().toFixed(1)})`);
  try {
    const res = await clusterRun(bin, { periods, macs });
    const base = res.find((r) => r.label.includes('1 instance'))?.rps;
    for (const r of res) {
      const ratio = base && r.rps !== undefined && !r.label.includes('1 instance') ? `; ${(r.rps / base).toFixed(2)}x the 1-instance cluster` : '';
      const mastered = Object.keys(r.mastered).length ? `; mastered ${Object.entries(r.mastered).map(([n, c]) => `${n} ${c}`).join(', ')}` : '';
      rows.push({
        what: `cluster throughput, ${r.label}`,
        result: r.rps === undefined ? 'failed' : `${fmtInt(r.rps)} responses/s`,
        detail: r.failure ?? `ofbench ${r.perOfbench.map((x) => fmtInt(x ?? NaN)).join(' + ')}; weft cpu ${r.cpu.map((c) => fmtPct(c)).join(' + ')} of a core (${fmtInt(r.perCpuSecond)} responses per weft cpu-second)${mastered}; stalls ${r.stalls}; host moves ${fmtInt(r.hostMoves)}${r.stepDowns ? `; membership lost ${r.stepDowns} times` : ''}${leaseDetail(r)}${ratio}`,
        load: r.load,
      });
      commands.push(...r.commands.map((c) => `${c}   # ${r.label}`));
    }
  } catch (e) {
    rows.push({ what: 'cluster throughput (bench/cluster.ts)', result: 'failed', detail: (e as Error).message.split('\n')[0]!.slice(0, 200), load: load1() });
  }
}

/** Mastery time, claim retries and each instance's event-loop delay and slowest lease renewal. */
function leaseDetail(r: Awaited<ReturnType<typeof clusterRun>>[number]): string {
  const per = Object.entries(r.lease as Record<string, { maxRenewalMs?: number; eventLoopDelayMs?: { p99: number; max: number } }>);
  if (!per.length) return '';
  const m = Object.entries(r.masteryS).map(([n, s]) => `${n} ${s} s`).join(', ');
  const l = per.map(([n, x]) => `${n} loop delay p99 ${x.eventLoopDelayMs?.p99} ms, max ${x.eventLoopDelayMs?.max} ms, slowest renewal ${x.maxRenewalMs} ms`).join('; ');
  return `; all mastered after ${m} (${r.claimRetries} claim retries); ${l}`;
}

async function scaleSection(bin: string): Promise<void> {
  const n = Number(opt.switches);
  // Past the kernel's default SYN queue (2048), simultaneous connects fail in the kernel, not
  // in weft: those runs go into a network namespace of the bench's own with the queues raised.
  if (n > 2000 && process.getuid?.() === 0) return scaleSectionInNetns(bin, n);
  let load = load1();
  log(`${n} emulated switches (load ${load.toFixed(1)})`);
  commands.push(`${n} emulated switches (bench/emu-switch.ts) connect at once (bench/scale.ts)`);
  let weft = await startBenchWeft();
  try {
    const r = await scaleRun(weft, n);
    const upOk = r.restCount === n && r.closedEarly === 0;
    rows.push({ what: `${fmtInt(n)} switches connect at once`, result: `all up in ${fmtMs(r.allUpMs)}`, detail: `features requested by ${fmtMs(r.featuresMs)}; REST lists ${r.restCount} in ${fmtMs(r.restListMs)}; closed early ${r.closedEarly}; errors ${r.errors}; echo p99 with all connected ${fmtMs(r.echoP99Ms)}`, target: '< 5 s', met: upOk && r.allUpMs < 5000, load });
    rows.push({ what: `memory per switch (${fmtInt(n)} switches)`, result: `${(r.bytesPerSwitch / 1024).toFixed(1)} KiB`, detail: `weft RSS ${(r.rssBeforeBytes / 2 ** 20).toFixed(0)} MiB -> ${(r.rssAfterBytes / 2 ** 20).toFixed(0)} MiB`, target: '< 200 KiB', met: r.bytesPerSwitch < 200 * 1024, load });
    rows.push({ what: `memory per switch, ${r.hostsPerSwitch} hosts each (${fmtInt(n)} switches)`, result: `${(r.bytesPerSwitchWithHosts / 1024).toFixed(1)} KiB`, detail: `weft RSS ${(r.rssBeforeBytes / 2 ** 20).toFixed(0)} MiB -> ${(r.rssWithHostsBytes / 2 ** 20).toFixed(0)} MiB after every switch reported ${r.hostsPerSwitch} hosts in PACKET_INs`, target: '< 200 KiB', met: r.bytesPerSwitchWithHosts < 200 * 1024, load });
  } catch (e) {
    rows.push({ what: `${fmtInt(n)} switches connect at once`, result: 'failed', detail: (e as Error).message.slice(0, 200), target: '< 5 s', met: false, load });
  } finally {
    await weft.close();
  }
  // The same number of switches with traffic: ofbench's own emulation, a short run.
  load = load1();
  log(`ofbench ${n} switches, throughput (load ${load.toFixed(1)})`);
  weft = await startBenchWeft();
  try {
    const meter = new CpuMeter(weft.pid);
    meter.start();
    const run = await runOfbench(bin, { port: weft.openflowPort, switches: n, throughput: true, periods: 4, macs: 100, extra: ['-q', '10', '-H', '30000'] });
    const cpu = meter.stop();
    commands.push(`ofbench ${run.args.join(' ').replace(String(weft.openflowPort), 'PORT')}`);
    const r = run.result;
    rows.push({
      what: `ofbench throughput, ${fmtInt(n)} switches`,
      result: r && run.exitCode === 0 ? `${fmtInt(r.avg_rps)} responses/s` : `failed (exit ${run.exitCode})`,
      detail: r ? `fm ${fmtInt(r.flow_mods)} po ${fmtInt(r.packet_outs)}; errors ${r.errors} stalls ${r.stalls}; weft cpu ${fmtPct(cpu.proc)}` : run.output.trim().split('\n').slice(-1)[0]!.slice(0, 200),
      load,
    });
  } finally {
    await weft.close();
  }
}

/** The scale rows inside a private network namespace (bench/netns.ts, bench/scale-netns.ts). */
async function scaleSectionInNetns(bin: string, n: number): Promise<void> {
  const load = load1();
  const ns = `weft-bench-${process.pid}`;
  log(`${n} switches in network namespace ${ns} (${Object.entries(NETNS_SYSCTLS).map(([k, v]) => `${k}=${v}`).join(', ')}; load ${load.toFixed(1)})`);
  commands.push(`bench/scale-netns.ts --switches ${n} in network namespace ${ns} (${Object.entries(NETNS_SYSCTLS).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  let r: ScaleNetnsResult;
  try {
    r = await withBenchNetns(ns, (name) => runScriptInNetns<ScaleNetnsResult>(name, join(REPO, 'bench', 'scale-netns.ts'), ['--switches', String(n)], 600_000));
  } catch (e) {
    rows.push({ what: `${fmtInt(n)} switches connect at once (own network namespace)`, result: 'failed', detail: (e as Error).message.slice(0, 200), target: '< 30 s', met: false, load });
    return;
  }
  const s = r.scale;
  if ('error' in s) {
    rows.push({ what: `${fmtInt(n)} switches connect at once (own network namespace)`, result: 'failed', detail: s.error, target: '< 30 s', met: false, load });
  } else {
    const upOk = s.restCount === n && s.closedEarly === 0;
    rows.push({ what: `${fmtInt(n)} switches connect at once (own network namespace)`, result: `all up in ${fmtMs(s.allUpMs)}`, detail: `features requested by ${fmtMs(s.featuresMs)}; closed early ${s.closedEarly}; errors ${s.errors}`, target: '< 30 s', met: upOk && s.allUpMs < 30_000, load });
    rows.push({ what: `GET /api/v1/switches with ${fmtInt(n)} switches`, result: fmtMs(s.restListMs), detail: `lists ${s.restCount}`, target: '< 200 ms', met: s.restCount === n && s.restListMs < 200, load });
    rows.push({ what: `every switch sends an echo (${fmtInt(n)} switches)`, result: Number.isNaN(s.echoP99Ms) ? 'some unanswered' : `all answered, p99 ${fmtMs(s.echoP99Ms)}`, detail: 'all asked at once', target: 'all answered', met: !Number.isNaN(s.echoP99Ms), load });
    rows.push({ what: `memory per switch, idle (${fmtInt(n)} switches)`, result: `${(s.bytesPerSwitch / 1024).toFixed(1)} KiB`, detail: `weft RSS ${(s.rssBeforeBytes / 2 ** 20).toFixed(0)} MiB -> ${(s.rssAfterBytes / 2 ** 20).toFixed(0)} MiB; with ${s.hostsPerSwitch} hosts each ${(s.bytesPerSwitchWithHosts / 1024).toFixed(1)} KiB`, target: '< 64 KiB', met: s.bytesPerSwitch < 64 * 1024, load });
  }
  const o = r.ofbench;
  if ('error' in o) {
    rows.push({ what: `ofbench throughput, ${fmtInt(n)} switches (own network namespace)`, result: 'failed', detail: o.error, load });
  } else {
    commands.push(`ofbench ${o.run.args.join(' ').replace(/-p \d+/, '-p PORT')}   # in the namespace`);
    const res = o.run.result;
    rows.push({
      what: `ofbench throughput, ${fmtInt(n)} switches (own network namespace)`,
      result: res && o.run.exitCode === 0 ? `${fmtInt(res.avg_rps)} responses/s` : `failed (exit ${o.run.exitCode})`,
      detail: res ? `fm ${fmtInt(res.flow_mods)} po ${fmtInt(res.packet_outs)}; errors ${res.errors} stalls ${res.stalls}; weft cpu ${fmtPct(o.weftCpu)}` : o.run.tail.slice(0, 200),
      load: o.load,
    });
  }
}

/** A MAC flood held for 30 s: the rate once the caps are full, and whether memory levels off. */
async function floodSection(bin: string): Promise<void> {
  const load = load1();
  log(`MAC flood, 30 s (load ${load.toFixed(1)})`);
  const r = await floodRun(bin, { periods: 31, macs: 100_000, switches: 16 });
  commands.push(`ofbench ${r.args.join(' ').replace(/-p \d+/, '-p PORT')}   # bench/flood.ts: weft RSS each second, echo RTT from a side switch`);
  const o = r.ofbench;
  if (!o) {
    rows.push({ what: 'MAC flood, 16 switches, -M 100000, 30 s', result: 'failed', detail: '', load });
    return;
  }
  const rss = r.rssMiB;
  const third = Math.max(1, Math.floor(rss.length / 3));
  rows.push({
    what: 'MAC flood, 16 switches, -M 100000, 30 s',
    result: `${fmtInt(o.avg_rps)} responses/s`,
    detail: `weft cpu ${fmtPct(r.weftCpu)} of a core (${fmtInt(r.responsesPerCpuSecond)} responses per weft cpu-second); fm ${fmtInt(o.flow_mods)} po ${fmtInt(o.packet_outs)}; stalls ${o.stalls}; load ${r.loadBefore.toFixed(1)} -> ${r.loadAfter.toFixed(1)}`,
    load,
  });
  rows.push({
    what: 'weft RSS during the MAC flood',
    result: `max ${Math.max(...rss)} MiB`,
    detail: `MiB at 0 s ${rss[0]}, max of the first third ${Math.max(...rss.slice(0, third))}, of the last third ${Math.max(...rss.slice(-third))}, at the end ${rss.at(-1)} (caps bound every table; the heap grows until the GC's old-generation limit and is collected back)`,
    load,
  });
  rows.push({ what: 'echo RTT during the MAC flood', result: `p99 ${fmtMs(r.echo.p99)}`, detail: `${r.echo.n} echoes, p50 ${fmtMs(r.echo.p50)}, max ${fmtMs(r.echo.max)}, unanswered ${r.echo.lost}`, target: 'p99 < 50 ms', met: r.echo.n > 0 && r.echo.p99 < 50 && r.echo.lost <= 1, load });
}

const machine = machineInfo();
const started = new Date();
log(`machine: ${machineText(machine)}; load ${load1().toFixed(1)}`);
await ensureBuilt();
const bin = buildOfbench();
log(`ofbench: ${bin}`);
if (sections.has('ceiling')) await ceilingSection(bin);
if (sections.has('ofbench')) await ofbenchSection(bin);
if (sections.has('flood')) await floodSection(bin);
if (sections.has('peers')) await peersSection(bin);
if (sections.has('pipeline')) await pipelineSection();
if (sections.has('codec')) await codecSection();
if (sections.has('flows')) await flowsSection();
if (sections.has('state')) await stateSection();
if (sections.has('scale')) await scaleSection(bin);
if (sections.has('hostile')) await hostileSection();
if (sections.has('cluster')) await clusterSection(bin);

process.stdout.write(`\n${consoleTable(rows)}\n`);

const section = `## Controller benchmarks

Generated by \`npm run bench\` (bench/run.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.

- Machine: ${machineText(machine)}.
- Load: the 1-minute load average when each measurement started is in the table. On a
  2-core machine, a load above 2 means other jobs were competing with weft and ofbench for the
  cores, and the numbers are then lower bounds.
- weft: \`node --max-semi-space-size=64 dist/src/cli.js --log-level warn\` (as \`npm start\` runs it; src/node-flags.ts), default apps (table-miss, topology,
  l2-learning), a fresh process for each measurement.
- ofbench (${ofbenchDir()}): ${periods} periods of 1 s, the first left out; \`-M ${macs}\` hosts
  per switch (within l2-learning's default caps of 1,000 MACs per port and 10,000 per switch, so
  every PACKET_IN after the first few is answered with a flow, as cbench intends). The
  \`-M 100000\` row shows what happens past the caps: l2-learning refuses to learn and floods.
- Reference points measured with the same tool on this machine kind (../shared/bench/README.md):
  os-ken simple_switch_13 about 8,000 responses/s, ovs-testcontroller (C) about 110,000-125,000.
- The "ceiling" rows run the same ofbench against nullctl (../shared/bench/nullctl.c: C, one
  PACKET_OUT per PACKET_IN, no logic) just before weft: what the tool, the kernel and the
  machine's load allow at that moment. Latency mode is round-trip bound, so they say how far
  the latency targets are reachable at all.

${markdownTable(rows)}

Commands (PORT is a free port weft listens on):

\`\`\`
${commands.join('\n')}
\`\`\`

${notes.join('\n\n')}
`;
if (!opt['no-write']) {
  writeDocs(opt.docs, section);
  log(`wrote ${opt.docs}`);
}
process.exit(0);
