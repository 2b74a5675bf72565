/**
 * weft's memory against hostile peers, from the outside: the built weft runs as its own process
 * (default apps, default caps) and its RSS is read from /proc while, one after the other,
 *   - a switch answers FLOW stats (its switch-up reconciliation, then a REST listing) with
 *     REPLY_MORE parts that never end;
 *   - a switch announces 20,000 ports with PORT_STATUS ADD;
 *   - a switch floods 20,000 PACKET_INs with random source MACs on one port;
 *   - a REST client pushes 100,000 flows in one bulk request to a well-behaved switch, and
 *     the same into a real Open vSwitch bridge, where they go in one atomic bundle.
 * Each may raise RSS by at most the documented 64 MB (docs/CONTROLLER.md, limits) over what
 * weft held before it, and a well-behaved switch alongside, sending an echo every 10 ms, gets
 * its replies with p99 under ECHO_P99_MS (the documented bound for this test, generous for a
 * shared 2-core CI machine; bench/hostile.ts measures against the 50 ms aim), stretched by how
 * much the machine held weft back in the same window: weft's main thread's time waiting for a
 * CPU against its time on one (/proc/PID/schedstat). At load 20 on two cores weft gets a tenth
 * of a core, every reply takes ten times as long, and that is not weft's doing; a stall of
 * weft's own (the whole-body bulk parse held echoes 5-10 s) still fails.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import t from 'tap';
import { encode, OFPMPF_REPLY_MORE } from '../../protocol/index.js';
import type { FlowStats, OfMessage, PacketIn } from '../../protocol/index.js';
import { buildEthernet } from '../../protocol/packet/index.js';
import { EmuSwitch } from '../../bench/emu-switch.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { startWeftProcess } from '../support/weft-process.js';
import { requireRoot } from '../support/e2e.js';
import { startOvs } from '../support/ovs.js';

requireRoot();

const BOUND_MB = 64;
const ECHO_P99_MS = 250;

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! : 0;
};

const rssMb = (pid: number): number => Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
/** Nanoseconds weft's main thread ran on a CPU and waited on a run queue (the kernel's schedstat). */
function schedstat(pid: number): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { run: run!, wait: wait! };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

const flow = (i: number): FlowStats => ({
  tableId: i % 4, durationSec: i, durationNsec: 0, priority: 100 + (i % 7), idleTimeout: 0, hardTimeout: 0, flags: 0,
  cookie: 0x5000_0000_0000n + BigInt(i), packetCount: 0n, byteCount: 0n,
  match: [{ field: 'in_port', value: 1 }, { field: 'eth_type', value: 0x0800 }, { field: 'ipv4_dst', value: `10.0.${(i >> 8) & 255}.${i & 255}` }],
  instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
});

/** Write one part (REPLY_MORE, xid patched) again and again, with backpressure, until the socket closes. */
function endlessParts(sw: FakeSwitch, xid: number): void {
  const part = Buffer.from(encode({ type: 'multipartReply', xid, flags: OFPMPF_REPLY_MORE, body: { kind: 'flow', stats: Array.from({ length: 200 }, (_, i) => flow(i)) } }));
  const loop = (): void => {
    while (!sw.socket.destroyed && !sw.isClosed) {
      if (!sw.socket.write(part)) return void sw.socket.once('drain', loop);
    }
  };
  loop();
}

t.test(`hostile peers raise weft's RSS by less than ${BOUND_MB} MB each`, async (t) => {
  const weft = await startWeftProcess({ readyTimeoutMs: 240_000 });
  t.teardown(() => weft.stop());
  const rest = `http://127.0.0.1:${weft.restPort}`;
  const probe = new EmuSwitch({ port: weft.openflowPort, dpid: 0x900dn, index: 9001 });
  t.teardown(() => probe.close());
  await probe.up(15_000);
  const echo = setInterval(() => probe.echo(), 10);
  t.teardown(() => clearInterval(echo));

  /** RSS peak over `work` (sampled every 10 ms) minus RSS before it. */
  const measure = async (what: string, work: () => Promise<void>) => {
    await sleep(300);
    const base = rssMb(weft.pid);
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(weft.pid))), 10);
    const echoFrom = probe.echoRtts.length;
    const sched0 = schedstat(weft.pid);
    try {
      await work();
      await sleep(300);
    } finally {
      clearInterval(sampler);
    }
    const delta = peak - base;
    const rtts = probe.echoRtts.slice(echoFrom);
    const sched1 = schedstat(weft.pid);
    const onCpu = sched1.run - sched0.run;
    const stretch = Math.max(1, (onCpu + sched1.wait - sched0.wait) / Math.max(onCpu, 1));
    const bound = ECHO_P99_MS * stretch;
    t.comment(`${what}: RSS ${base.toFixed(0)} MB before, peak +${delta.toFixed(1)} MB; ${rtts.length} echoes, p99 ${p99(rtts).toFixed(0)} ms, max ${Math.max(0, ...rtts).toFixed(0)} ms; weft waited for a CPU ${((sched1.wait - sched0.wait) / 1e6).toFixed(0)} ms against ${(onCpu / 1e6).toFixed(0)} ms on one (x${stretch.toFixed(2)}), load ${loadavg()[0]!.toFixed(1)}`);
    t.ok(delta < BOUND_MB, `${what}: RSS grew ${delta.toFixed(1)} MB (< ${BOUND_MB})`);
    t.ok(rtts.length > 0, `${what}: the well-behaved switch kept getting echo replies`);
    t.ok(p99(rtts) < bound, `${what}: echo p99 ${p99(rtts).toFixed(0)} ms (< ${ECHO_P99_MS} x ${stretch.toFixed(2)})`);
  };
  const metric = async (re: RegExp) => Number(re.exec(await (await fetch(`${rest}/metrics`)).text())?.[1] ?? 0);

  await measure('endless FLOW multipart (reconciliation at switch up, then a REST listing)', async () => {
    let requests = 0;
    const connectBad = () =>
      FakeSwitch.connect({
        port: weft.openflowPort,
        datapathId: 0xbad1n,
        handler: (m: OfMessage, sw) => {
          if (m.type !== 'multipartRequest' || m.body.kind !== 'flow') return undefined;
          requests++;
          endlessParts(sw, m.xid);
          return [];
        },
      });
    const first = await connectBad();
    await first.closed;
    const second = await connectBad();
    t.teardown(() => second.destroy());
    // The switch-up reconciliation meets the cap again; a listing asked meanwhile fails clearly.
    const listing = await fetch(`${rest}/api/v1/switches/000000000000bad1/flows`);
    t.ok([404, 503].includes(listing.status), `the listing fails clearly (HTTP ${listing.status})`);
    await second.closed;
    t.ok(requests >= 2, 'every flow dump was answered endlessly');
    t.ok((await metric(/weft_openflow_limit_hits_total\{limit="multipart_bytes"\} (\d+)/)) >= 2, 'the byte cap was hit and counted');
  });

  await measure('20,000 ports announced with PORT_STATUS', async () => {
    const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0xbad2n, ports: [makePort(1, 'p1')] });
    t.teardown(() => sw.destroy());
    await until(async () => (await fetch(`${rest}/api/v1/switches/000000000000bad2`)).status === 200, 10_000, 'the port flooder up');
    const msgs: Uint8Array[] = [];
    for (let p = 2; p <= 20_001; p++) msgs.push(encode({ type: 'portStatus', xid: 0, reason: 0, desc: makePort(p, `x${p}`) }));
    sw.stopReading();
    sw.sendBytes(Buffer.concat(msgs));
    await until(async () => (await metric(/weft_openflow_limit_hits_total\{limit="ports"\} (\d+)/)) > 0, 30_000, 'the ports cap hit');
    await sleep(2000);
  });

  await measure('MAC flood of 20,000 PACKET_INs on one port', async () => {
    const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0xbad3n, ports: [makePort(1, 'a1'), makePort(2, 'a2')] });
    t.teardown(() => sw.destroy());
    await until(async () => (await fetch(`${rest}/api/v1/switches/000000000000bad3`)).status === 200, 10_000, 'the MAC flooder up');
    const msgs: Uint8Array[] = [];
    for (let j = 0; j < 20_000; j++) {
      const src = `0e:5a:${[j >>> 16, (j >>> 8) & 255, j & 255, 0x77].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      const data = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src, ethType: 0x0800 }, new Uint8Array(46));
      const pi: PacketIn = { type: 'packetIn', xid: j + 1, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data };
      msgs.push(encode(pi));
    }
    sw.stopReading();
    sw.sendBytes(Buffer.concat(msgs));
    await until(async () => (await metric(/weft_app_stat\{app="topology",stat="hostsRefusedPortCap"\} (\d+)/)) >= 19_000, 60_000, 'every flood PACKET_IN handled');
  });

  // The first allocation-heavy request of a fresh weft grows V8's young generation towards
  // what --max-semi-space-size=64 allows (src/node-flags.ts; a PACKET_IN storm does the same),
  // and it stays that size: +25-40 MB once, measured as +47-83 MB for the first bulk against
  // +16-23 MB for the next ones, and +23 MB for both with an 8 MB semi-space. The bound is about
  // what each request costs, so one bulk of the same size warms the heap first.
  const target = new EmuSwitch({ port: weft.openflowPort, dpid: 0xb01cn, index: 9002 });
  t.teardown(() => target.close());
  await target.up(15_000);
  const bulkBody = JSON.stringify({ persistent: false, flows: Array.from({ length: 100_000 }, (_, i) => ({ table: 7, priority: 10, match: { eth_type: 0x0800, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 2 }] })) });
  const bulk = () => fetch(`${rest}/api/v1/switches/000000000000b01c/flows/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bulkBody });
  const warm = await bulk();
  t.equal(warm.status, 200, 'the warm-up bulk');
  await warm.arrayBuffer();
  await measure('REST bulk push of 100,000 flows', async () => {
    const res = await bulk();
    const body = (await res.json()) as { count?: number; error?: unknown };
    t.equal(res.status, 200, `bulk answered ${JSON.stringify(body).slice(0, 200)}`);
    t.equal(body.count, 100_000);
  });

  // The bundle path (Open vSwitch does bundles; the emulated switch above does not): the adds
  // are sent while the body is still being encoded, so its memory is measured on its own.
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const br = ovs.uniqueName('whr');
  await ovs.addBridge(br, { datapathId: '000000000000b0b0', failMode: 'secure', controller: `tcp:127.0.0.1:${weft.openflowPort}` });
  await until(async () => (await fetch(`${rest}/api/v1/switches/000000000000b0b0`)).status === 200, 30_000, 'the OVS bridge connects');
  const ovsBulk = () => fetch(`${rest}/api/v1/switches/000000000000b0b0/flows/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bulkBody });
  const warmOvs = await ovsBulk();
  t.equal(warmOvs.status, 200, 'the warm-up bulk into Open vSwitch');
  await warmOvs.arrayBuffer();
  await measure('REST bulk of 100,000 flows into Open vSwitch in one bundle', async () => {
    const res = await ovsBulk();
    const body = (await res.json()) as { count?: number; atomic?: boolean };
    t.equal(res.status, 200, `bulk answered ${JSON.stringify(body).slice(0, 200)}`);
    t.match(body, { count: 100_000, atomic: true }, 'every flow, in one bundle');
  });
  const aggregate = await ovs.ofctl('-O', 'OpenFlow13', 'dump-aggregate', br, 'table=7');
  t.match(aggregate, /flow_count=100000\b/, 'the bridge holds the 100,000 flows');
  const errors = weft.lines.filter((l) => l.level >= 50);
  t.equal(errors.length, 0, `no error lines ${JSON.stringify(errors.slice(0, 3)).slice(0, 600)}`);
});
