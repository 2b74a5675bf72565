/**
 * How fast this machine's Open vSwitch takes 100,000 flow-mods without weft: `ovs-ofctl
 * add-flows` of the bench flows (bench/flows-ovs.ts's shape, written as ovs-ofctl text) into a
 * fresh private OVS, plain or with `--bundle`, wall time and ovs-vswitchd's CPU time.
 *   node --import tsx bench/ovs-ofctl-rate.ts [modes=plain,bundle]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOvs } from '../test/support/ovs.js';

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const N = 100_000;
const lines: string[] = [];
for (let i = 0; i < N; i++) lines.push(`table=7,priority=1000,cookie=0xbe7c4,ip,nw_dst=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255},actions=output:${1 + (i % 4)}`);
const dir = mkdtempSync(join(tmpdir(), 'weft-ofctl-rate-'));
const file = join(dir, 'flows.txt');
writeFileSync(file, `${lines.join('\n')}\n`);
try {
  for (const mode of (process.argv[2] ?? 'plain,bundle').split(',')) {
    const ovs = await startOvs();
    try {
      const pid = Number(readFileSync(join(ovs.dir, 'ovs-vswitchd.pid'), 'utf8').trim());
      const br = ovs.uniqueName('wbo');
      await ovs.addBridge(br, { failMode: 'secure' });
      const load = loadavg()[0];
      const c0 = cpuMs(pid);
      const t0 = performance.now();
      await ovs.ofctl(...(mode === 'bundle' ? ['--bundle'] : []), '-O', 'OpenFlow13', 'add-flows', br, file);
      const wallMs = Math.round(performance.now() - t0);
      const ovsCpuMs = cpuMs(pid) - c0;
      const count = (await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', br, 'table=7')).split('\n').filter((l) => l.includes('priority=1000')).length;
      console.log(JSON.stringify({ mode, wallMs, flowsPerSecond: Math.round((N / wallMs) * 1000), ovsCpuMs, count, load1: load }));
    } finally {
      await ovs.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
