/**
 * A MAC flood at full speed: `ofbench -s 16 -t -M 100000` against weft with its default apps
 * (100,000 source MACs per switch, far past l2-learning's and topology's caps), for longer than
 * the main table's run, sampling weft's resident memory every second (it must level off: the
 * caps bound every table) while a side switch times ECHO round trips (bench/load-probe.ts).
 *
 * Usage: tsx bench/flood.ts [--periods 30] [--macs 100000] [--switches 16]
 * Prints one JSON line: ofbench's rate, weft's CPU, RSS per second, echo percentiles.
 */
import { parseArgs } from 'node:util';
import { startLoadProbe } from './load-probe.js';
import { CpuMeter, load1, rssBytes } from './machine.js';
import { buildOfbench, runOfbench } from './ofbench.js';
import type { OfbenchResult } from './ofbench.js';
import type { ProbeStats } from './load-probe.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

export interface FloodResult {
  args: string[];
  ofbench: OfbenchResult | undefined;
  /** weft's share of a core over the measured periods, and responses per weft CPU-second. */
  weftCpu: number;
  responsesPerCpuSecond: number;
  /** RSS (MiB) once a second from the first measured period on. */
  rssMiB: number[];
  echo: ProbeStats;
  loadBefore: number;
  loadAfter: number;
}

export async function floodRun(bin: string, o: { periods: number; macs: number; switches: number }): Promise<FloodResult> {
  const loadBefore = load1();
  const weft = await startBenchWeft();
  const probe = await startLoadProbe(weft.openflowPort, weft.restPort);
  try {
    const meter = new CpuMeter(weft.pid);
    const rss: number[] = [];
    let sampler: NodeJS.Timeout | undefined;
    const run = await runOfbench(bin, { port: weft.openflowPort, switches: o.switches, throughput: true, macs: o.macs, periods: o.periods }, 180_000, (line) => {
      if (sampler || !line.startsWith('period 1:')) return;
      meter.start();
      probe.start();
      rss.push(rssBytes(weft.pid) / 2 ** 20);
      sampler = setInterval(() => rss.push(rssBytes(weft.pid) / 2 ** 20), 1000);
    });
    clearInterval(sampler);
    const cpu = sampler ? meter.stop() : { proc: NaN, seconds: NaN };
    const { echo } = probe.stop();
    const r = run.result;
    return {
      args: run.args,
      ofbench: r,
      weftCpu: cpu.proc,
      responsesPerCpuSecond: r ? (r.flow_mods + r.packet_outs) / (cpu.proc * cpu.seconds) : NaN,
      rssMiB: rss.map((x) => Math.round(x)),
      echo,
      loadBefore,
      loadAfter: load1(),
    };
  } finally {
    probe.close();
    await weft.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: opt } = parseArgs({ options: { periods: { type: 'string', default: '30' }, macs: { type: 'string', default: '100000' }, switches: { type: 'string', default: '16' } } });
  await ensureBuilt();
  const r = await floodRun(buildOfbench(), { periods: Number(opt.periods), macs: Number(opt.macs), switches: Number(opt.switches) });
  console.log(JSON.stringify(r));
  process.exit(0);
}
