/**
 * The 10,000-switch rows, run inside the bench's network namespace (bench/netns.ts) by
 * bench/run.ts: weft, the emulated switches, REST and ofbench all live on that namespace's
 * loopback. Two fresh wefts: one for bench/scale.ts (handshakes, idle memory, every echo, the
 * REST listing), one for ofbench with traffic on every switch.
 *
 * Usage (as root): tsx bench/scale-netns.ts --switches 10000 [--periods 4]
 * Standalone it runs in whatever namespace it is started in; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CpuMeter, load1 } from './machine.js';
import { buildOfbench, runOfbench } from './ofbench.js';
import type { OfbenchRun } from './ofbench.js';
import { scaleRun } from './scale.js';
import type { ScaleResult } from './scale.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

export interface ScaleNetnsResult {
  sysctls: Record<string, number>;
  scale: ScaleResult | { error: string };
  ofbench: { run: Omit<OfbenchRun, 'output'> & { tail: string }; weftCpu: number; load: number } | { error: string };
}

const sysctl = (k: string): number => Number(readFileSync(`/proc/sys/${k.replaceAll('.', '/')}`, 'utf8').trim());

export async function scaleNetns(bin: string, n: number, periods: number): Promise<ScaleNetnsResult> {
  const sysctls = { 'net.core.somaxconn': sysctl('net.core.somaxconn'), 'net.ipv4.tcp_max_syn_backlog': sysctl('net.ipv4.tcp_max_syn_backlog') };
  let scale: ScaleNetnsResult['scale'];
  let weft = await startBenchWeft();
  try {
    scale = await scaleRun(weft, n);
  } catch (e) {
    scale = { error: (e as Error).message.slice(0, 300) };
  } finally {
    await weft.close();
  }
  let ofbench: ScaleNetnsResult['ofbench'];
  const load = load1();
  weft = await startBenchWeft();
  try {
    const meter = new CpuMeter(weft.pid);
    meter.start();
    const run = await runOfbench(bin, { port: weft.openflowPort, switches: n, throughput: true, periods, macs: 100, extra: ['-q', '10', '-H', '30000'] });
    const cpu = meter.stop();
    const { output, ...rest } = run;
    ofbench = { run: { ...rest, tail: output.trim().split('\n').slice(-3).join('\n') }, weftCpu: cpu.proc, load };
  } catch (e) {
    ofbench = { error: (e as Error).message.slice(0, 300) };
  } finally {
    await weft.close();
  }
  return { sysctls, scale, ofbench };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: opt } = parseArgs({ options: { switches: { type: 'string', default: '10000' }, periods: { type: 'string', default: '4' } } });
  await ensureBuilt();
  const r = await scaleNetns(buildOfbench(), Number(opt.switches), Number(opt.periods));
  console.log(JSON.stringify(r));
  process.exit(0);
}
