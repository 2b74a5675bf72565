/**
 * Who is busy during a REST bulk into Open vSwitch: the CPU time ovs-vswitchd and weft used
 * (from /proc) during one POST of 100,000 bench flows (`"persistent": false`), next to its wall
 * time. When Open vSwitch's CPU time is about the send phase's wall time, the switch is the
 * bottleneck and weft's side can only shorten what comes before the first send. Several runs
 * on one weft process, a fresh private OVS each (the first run is a cold process).
 * With `tls` the bridge connects to weft's TLS listener (ovs-pki certificates).
 *   node --import tsx bench/bulk-ovs-cpu.ts [runs=3] [tcp|tls]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pki } from './ovs-raw-rate.js';
import { freePort } from '../test/support/weft-process.js';
import { startOvs } from '../test/support/ovs.js';
import { benchFlows } from './flows-ovs.js';
import { ensureBuilt, startBenchWeft } from './weft.js';

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const runs = Number(process.argv[2] ?? 3);
const tls = process.argv[3] === 'tls';
await ensureBuilt();
const certDir = mkdtempSync(join(tmpdir(), 'weft-bulk-cpu-'));
const certs = tls ? pki(certDir) : undefined;
const tlsPort = certs ? await freePort() : 0;
const weft = await startBenchWeft(undefined, { args: certs ? ['--listen', `ssl:127.0.0.1:${tlsPort}`, '--tls-cert', certs.cert, '--tls-key', certs.key, '--tls-ca', certs.ca] : [] });
try {
  for (let run = 1; run <= runs; run++) {
    const ovs = await startOvs();
    try {
      const ovsPid = Number(readFileSync(join(ovs.dir, 'ovs-vswitchd.pid'), 'utf8').trim());
      const dpid = '00000000000be7c4';
      if (certs) await ovs.vsctl('set-ssl', certs.switchKey, certs.switchCert, certs.controllerCa);
      const controller = certs ? `ssl:127.0.0.1:${tlsPort}` : `tcp:127.0.0.1:${weft.openflowPort}`;
      await ovs.addBridge(ovs.uniqueName('wbc'), { datapathId: dpid, failMode: 'secure', controller });
      for (let i = 0; i < 300 && (await weft.get(`/api/v1/switches/${dpid}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
      // Let the handshake's own traffic settle.
      await new Promise((r) => setTimeout(r, 500));
      const body = JSON.stringify({ flows: benchFlows(100_000), persistent: false });
      const load = loadavg()[0];
      const o0 = cpuMs(ovsPid);
      const w0 = cpuMs(weft.pid);
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${weft.restPort}/api/v1/switches/${dpid}/flows/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await r.json()) as { flowsPerSecond?: number; durationMs?: number };
      const wallMs = Math.round(performance.now() - t0);
      console.log(JSON.stringify({ run, status: r.status, wallMs, endpointMs: answer.durationMs, ovsCpuMs: cpuMs(ovsPid) - o0, weftCpuMs: cpuMs(weft.pid) - w0, load1: load }));
    } finally {
      await ovs.stop();
    }
  }
} finally {
  await weft.close();
  rmSync(certDir, { recursive: true, force: true });
}
