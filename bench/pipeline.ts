/**
 * The packet-in pipeline in one process, without the kernel (bench/pipeline-rig.ts: framer,
 * decode, connection dispatch, the OpenFlow server's dispatch wired as main.ts wires it, app
 * host with the default apps, encode, write queue, fake sockets that count what is written).
 * It measures weft's own CPU cost per PACKET_IN, steadily enough to compare changes on a
 * loaded machine (ofbench's numbers also carry the kernel's TCP work and the scheduling of two
 * processes). `node --cpu-prof` works as usual. To compare two builds, use bench/pipeline-ab.ts.
 *
 * Usage: tsx bench/pipeline.ts [--switches 16] [--macs 1000] [--seconds 5] [--unbuffered]
 *        [--apps a,b] (apps to load instead of the defaults, as --apps; e.g.
 *        table-miss,./bench/apps/responder.mjs for the plumbing alone)  [--chunk 100]
 *        [--wire server|connection]  (WEFT_BENCH_DIST=/other/dist/ loads another build)
 */
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../test/support/weft-process.js';
import { createRig } from './pipeline-rig.js';

const { values: opt } = parseArgs({
  options: {
    switches: { type: 'string', default: '16' },
    macs: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    unbuffered: { type: 'boolean', default: false },
    apps: { type: 'string' },
    chunk: { type: 'string', default: '100' },
    /** 'connection': connections wired straight to the app host, as any older build supports. */
    wire: { type: 'string', default: 'server' },
  },
});
// The compiled code in dist/ (rebuilt when stale, unless bench/run.ts built it already), as
// `weft` runs it: tsx's own transform wraps functions in a naming helper that would be measured.
if (!process.env.WEFT_BENCH_BUILT) await ensureBuilt();
const nMacs = Number(opt.macs);
const perChunk = Number(opt.chunk);
const rig = await createRig({
  dist: process.env.WEFT_BENCH_DIST ?? '../dist/',
  switches: Number(opt.switches),
  macs: nMacs,
  perChunk,
  buffered: !opt.unbuffered,
  apps: opt.apps?.split(','),
  wire: opt.wire === 'connection' ? 'connection' : 'server',
});
const nSwitches = Number(opt.switches);
await rig.warmUp(1500);
const before = rig.messagesOut();
const writesBefore = rig.writes();
const fed0 = rig.fed();
let turns = 0;
const seconds = Number(opt.seconds);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
while (performance.now() - t0 < seconds * 1000) {
  await rig.step();
  turns++;
}
await rig.drain();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const packetIns = rig.fed() - fed0;
const out = rig.messagesOut() - before;
const writes = rig.writes() - writesBefore;
console.log(
  JSON.stringify({
    apps: rig.appNames.join(','),
    switches: nSwitches,
    macs: nMacs,
    buffered: !opt.unbuffered,
    packetIns,
    messagesOut: out,
    outPerIn: +(out / packetIns).toFixed(2),
    socketWritesPerTurnPerSwitch: +(writes / (turns * nSwitches)).toFixed(2),
    nsPerPacketInCpu: Math.round((cpuS * 1e9) / packetIns),
    packetInsPerCpuSecond: Math.round(packetIns / cpuS),
    wallSeconds: +wall.toFixed(2),
    cpuShare: +(cpuS / wall).toFixed(2),
  }),
);
if (process.env.PIPELINE_STATS) {
  for (const a of rig.appNames) {
    try {
      console.log(a, JSON.stringify(rig.command(a, 'stats')));
    } catch {
      // no stats command
    }
  }
}
process.exit(0);
