/**
 * Not a test: a quick measurement of parseFrame on the packet-in hot path.
 * Run: npx tsx test/packet/support/bench-parse.ts
 * Reports CPU time per call (process.cpuUsage), which stays meaningful on a shared machine.
 */
import { packet as P } from '../../../protocol/index.js';

const payload = new Uint8Array(30);
const udp = P.buildUdp({ srcPort: 12345, dstPort: 53, src: '10.1.2.3', dst: '192.168.200.7' }, payload);
const frame = P.buildEthernet({ dst: '02:00:00:00:00:01', src: '02:00:00:00:00:02', ethType: 0x800 }, P.buildIpv4({ src: '10.1.2.3', dst: '192.168.200.7', protocol: 17 }, udp));
const arp = P.arpRequestFrame({ sha: '02:00:00:00:00:02', spa: '10.0.0.2', tpa: '10.0.0.1' });
// A view into a larger buffer, as packet-in data is.
const chunk = new Uint8Array(4096);
chunk.set(frame, 100);
const data = chunk.subarray(100, 100 + frame.length);

function measure(name: string, fn: () => number): void {
  let acc = 0;
  for (let i = 0; i < 300_000; i++) acc += fn();
  let best = Infinity;
  const n = 1_000_000;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) acc += fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / n);
  }
  console.log(`${name.padEnd(48)} ${best.toFixed(1)} ns/call (cpu)${acc === 0.5 ? ' ' : ''}`);
}

measure('parseFrame eth+ipv4+udp', () => P.parseFrame(data).udp!.dstPort);
measure('  + numeric addresses (srcNum, dstNum)', () => {
  const f = P.parseFrame(data);
  return f.eth.srcNum + f.ipv4!.dstNum;
});
measure('  + eth.src and ipv4.dst strings', () => {
  const f = P.parseFrame(data);
  return f.eth.src.charCodeAt(16) + f.ipv4!.dst.charCodeAt(0);
});
measure('parseFrame arp + sha/spa strings', () => {
  const f = P.parseFrame(arp);
  return f.arp!.sha.length + f.arp!.spa.length;
});
