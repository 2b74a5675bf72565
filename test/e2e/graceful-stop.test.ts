/**
 * Stopping must not cut traffic. Two real Open vSwitch bridges (fail_mode=secure) joined by a
 * patch link, the default apps (table-miss, topology, l2-learning) with paths installed for two
 * hosts; SIGTERM to weft: every flow on both bridges is still there afterwards (the switches
 * go on forwarding until weft is back). And /ready answers 503 while weft is stopping.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';
import { FakeSwitch } from '../support/fake-switch.js';
import { dpidFor, dumpFlows, isConnected, requireRoot, sleep, TABLE_MISS, waitFor } from '../support/e2e.js';

requireRoot();

/** An Ethernet/IPv4/UDP frame from MAC ...:0s to MAC ...:0d. */
function udpFrame(src: number, dst: number): string {
  const mac = (n: number) => `02005e0077${n.toString(16).padStart(2, '0')}`;
  return `${mac(dst)}${mac(src)}0800` + '45000020123440004011a495' + 'c0000201c0000202' + '1f900035000c0000' + '77656674';
}

/** The flows of a bridge without their counters, one string per flow, sorted. */
async function flowSet(ovs: Awaited<ReturnType<typeof startOvs>>, br: string): Promise<string[]> {
  const text = await dumpFlows(ovs, br);
  return text
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => l.replace(/\b(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]+, ?/g, '').trim())
    .sort();
}

t.test('SIGTERM leaves every flow on every switch in place', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const dir = mkdtempSync(join(tmpdir(), 'weft-graceful-'));
  const cfg = join(dir, 'weft.json');
  writeFileSync(cfg, JSON.stringify({ appOptions: { topology: { lldpIntervalMs: 500 } } }));
  const weft = await startWeftProcess({ args: ['--config', cfg, '--apps', 'table-miss,topology,l2-learning'], readyTimeoutMs: 60_000 });
  t.teardown(() => weft.stop());
  const b1 = ovs.uniqueName('gs');
  const b2 = ovs.uniqueName('gs');
  for (const [i, br] of [b1, b2].entries()) {
    await ovs.addBridge(br, { datapathType: 'dummy', datapathId: dpidFor(br, 40 + i), failMode: 'secure' });
    await ovs.addPort(br, `${br}h`, { type: 'dummy', ofport: 1 });
  }
  await ovs.vsctl('add-port', b1, `${b1}p`, '--', 'set', 'interface', `${b1}p`, 'type=patch', `options:peer=${b2}p`, 'ofport_request=2');
  await ovs.vsctl('add-port', b2, `${b2}p`, '--', 'set', 'interface', `${b2}p`, 'type=patch', `options:peer=${b1}p`, 'ofport_request=2');
  for (const br of [b1, b2]) {
    await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${weft.openflowPort}`);
    await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');
  }
  for (const br of [b1, b2]) {
    await waitFor(() => isConnected(ovs, br), 15_000, `${br} is_connected`);
    await waitFor(async () => TABLE_MISS.test(await dumpFlows(ovs, br)), 10_000, `${br} table-miss flow`);
  }
  await waitFor(async () => {
    const res = await fetch(`http://127.0.0.1:${weft.restPort}/api/v1/topology/links`);
    const body = (await res.json()) as unknown[] | { links?: unknown[] };
    const links = Array.isArray(body) ? body : (body.links ?? []);
    return links.length >= 2;
  }, 20_000, 'the patch link discovered (both directions)');
  // Host 0x0a behind b1, host 0x0b behind b2: a frame each way, twice, so both paths get flows.
  const flowsNow = async () => (await flowSet(ovs, b1)).length + (await flowSet(ovs, b2)).length;
  const base = await flowsNow();
  await waitFor(async () => {
    await ovs.injectPacket(`${b1}h`, udpFrame(0x0a, 0x0b));
    await ovs.injectPacket(`${b2}h`, udpFrame(0x0b, 0x0a));
    await sleep(300);
    return (await flowsNow()) >= base + 4;
  }, 20_000, 'l2-learning paths installed on both bridges');
  const before1 = await flowSet(ovs, b1);
  const before2 = await flowSet(ovs, b2);
  t.comment(`flows before: ${b1} ${before1.length}, ${b2} ${before2.length}`);

  t.equal(await weft.stop(), 0, 'weft stopped cleanly');
  await sleep(500);
  const after1 = await flowSet(ovs, b1);
  const after2 = await flowSet(ovs, b2);
  t.same(after1, before1, `${b1}: all ${before1.length} flows kept`);
  t.same(after2, before2, `${b2}: all ${before2.length} flows kept`);
});

t.test('/ready answers 503 while weft is stopping', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-ready-'));
  const cfg = join(dir, 'weft.json');
  writeFileSync(cfg, JSON.stringify({ rest: { stopGraceMs: 1500 } }));
  const weft = await startWeftProcess({ args: ['--config', cfg, '--apps', 'table-miss'], readyTimeoutMs: 60_000 });
  t.teardown(() => weft.stop());
  const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0x5709n });
  t.teardown(() => sw.destroy());
  await weft.waitForLog((l) => l.msg === 'switch up', 15_000, 'switch up');
  const ready = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${weft.restPort}/ready`)).status;
    } catch {
      return -1;
    }
  };
  t.equal(await ready(), 200, 'ready before');
  const stopped = weft.stop();
  const seen: number[] = [];
  for (let i = 0; i < 40 && !seen.includes(503); i++) {
    seen.push(await ready());
    await sleep(25);
  }
  t.ok(seen.includes(503), `503 seen while stopping (${[...new Set(seen)].join(', ')})`);
  t.notOk(sw.isClosed, 'the switch is still connected while /ready says 503');
  t.equal(await stopped, 0, 'exit code 0');
  await sw.closed;
});
