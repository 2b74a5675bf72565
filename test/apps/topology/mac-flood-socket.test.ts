/**
 * A MAC flood against the built weft (a child process, default apps) over real OpenFlow
 * connections: switch A sends 20,000 PACKET_INs with random source MACs on one port while
 * switch B, alongside, holds a quiet host and measures echo round trips. The topology keeps its
 * per-port share (maxHostsPerPort), refuses the rest with a counter and a few log lines, never
 * evicts B's host, and B's echoes stay answered.
 */
import t from 'tap';
import { encode } from '../../../protocol/index.js';
import type { PacketIn } from '../../../protocol/index.js';
import { arpRequestFrame, buildEthernet } from '../../../protocol/packet/index.js';
import { FakeSwitch, makePort } from '../../support/fake-switch.js';
import { startWeftProcess } from '../../support/weft-process.js';

const FLOOD = 20_000;
const QUIET = '0a:00:00:00:0b:01';

const packetIn = (data: Uint8Array, inPort: number, xid: number): PacketIn => ({
  type: 'packetIn', xid, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data,
});

const mac = (i: number) => `0e:${[i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff, 0x5a].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('a MAC flood from one switch: caps hold, the quiet host stays, echoes stay answered', async (t) => {
  const weft = await startWeftProcess({ readyTimeoutMs: 240_000 });
  t.teardown(() => weft.stop());
  const port = weft.openflowPort;
  const lines = weft.lines;
  const a = await FakeSwitch.connect({ port, datapathId: 0xan, ports: [makePort(1, 'a1'), makePort(2, 'a2')] });
  const b = await FakeSwitch.connect({ port, datapathId: 0xbn, ports: [makePort(1, 'b1'), makePort(2, 'b2')] });
  t.teardown(() => (a.destroy(), b.destroy()));
  const rest = `http://127.0.0.1:${weft.restPort}`;
  const switches = async () => ((await (await fetch(`${rest}/api/v1/switches`)).json()) as unknown[]).length;
  await until(async () => (await switches()) === 2, 5_000, 'both switches up');
  const hosts = async () => (await (await fetch(`${rest}/api/v1/topology/hosts`)).json()) as { mac: string; port: number; dpid: string }[];

  b.send(packetIn(arpRequestFrame({ sha: QUIET, spa: '10.0.0.1', tpa: '10.0.0.2' }), 1, 1));
  await until(async () => (await hosts()).some((h) => h.mac === QUIET), 5_000, 'the quiet host learned');

  // Encoded ahead, so the test's own event loop stays free for the probe while it writes.
  const chunks: Buffer[] = [];
  for (let i = 0; i < FLOOD; i += 500) {
    const msgs: Uint8Array[] = [];
    for (let j = i; j < i + 500; j++) msgs.push(encode(packetIn(buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: mac(j), ethType: 0x0800 }, new Uint8Array(46)), 1, j + 1)));
    chunks.push(Buffer.concat(msgs));
  }
  // Switch B probes with echoes every 5 ms for the whole flood.
  const rtts: number[] = [];
  let probing = true;
  const probe = (async () => {
    for (let xid = 1000; probing; xid++) {
      const sent = performance.now();
      b.send({ type: 'echoRequest', xid, data: new Uint8Array(0) });
      await b.waitFor((m) => m.type === 'echoReply' && m.xid === xid, 5_000);
      rtts.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  // A does not read what weft answers (packet-outs): decoding 20,000 of them here would stall
  // this process and show up as echo latency that is not weft's.
  a.stopReading();
  const refused = async () => Number(/weft_app_stat\{app="topology",stat="hostsRefusedPortCap"\} (\d+)/.exec(await (await fetch(`${rest}/metrics`)).text())?.[1] ?? 0);
  const started = performance.now();
  for (const c of chunks) {
    a.sendBytes(c);
    await new Promise((r) => setImmediate(r));
  }
  await until(async () => (await refused()) === FLOOD - 1_000, 60_000, 'every flood PACKET_IN handled');
  const floodMs = performance.now() - started;
  probing = false;
  await probe;

  const all = await hosts();
  t.equal(all.filter((h) => h.dpid === '000000000000000a' && h.port === 1).length, 1_000, 'the flooding port holds maxHostsPerPort (1000)');
  t.ok(all.some((h) => h.mac === QUIET), 'the quiet host on the other switch is still known');
  const metrics = await (await fetch(`${rest}/metrics`)).text();
  t.match(metrics, new RegExp(`weft_app_stat\\{app="topology",stat="hostsRefusedPortCap"\\} ${FLOOD - 1_000}\\b`), 'refusals counted in /metrics');
  t.match(metrics, /weft_app_stat\{app="l2-learning",stat="refusedByTopology"\} 19000\b/, 'l2-learning learned none of them either');
  t.ok(lines.filter((l) => l.msg === 'host refused').length <= 2, 'a couple of log lines, not 19,000');
  rtts.sort((x, y) => x - y);
  const p99 = rtts[Math.floor(rtts.length * 0.99)] ?? Infinity;
  t.comment(`flood of ${FLOOD} PACKET_INs in ${floodMs.toFixed(0)} ms; ${rtts.length} echoes from the other switch, p50 ${rtts[rtts.length >> 1]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${rtts.at(-1)?.toFixed(1)} ms`);
  t.ok(rtts.length >= 5, 'echoes were answered during the flood');
  // A loose bound (shared, busy cores run this): it catches a controller that stops answering
  // under the flood, not a few ms of jitter; the measured numbers are in the comment above.
  t.ok(p99 < 1_000, `echo p99 ${p99.toFixed(1)} ms stays far under OVS's 5 s probe`);
});
