/**
 * A REST bulk push to a switch that disconnects, or stops answering, in the middle of the push:
 * the REST client gets a clear 503/504, weft keeps running (the other switch still gets echo
 * replies), and nothing is logged as an unhandled rejection. SIGTERM during a push exits 0
 * without a stack trace. Against a spawned weft: an unhandled rejection ends a real process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { OfMessage } from '../../protocol/index.js';
import { FakeSwitch } from '../support/fake-switch.js';
import { startWeftProcess } from '../support/weft-process.js';
import type { WeftProcess } from '../support/weft-process.js';
import { sleep, until } from './harness.js';

const FLOWS = Array.from({ length: 40_000 }, (_, i) => ({ priority: 1 + (i % 1000), match: { in_port: 1, eth_type: 2048, ipv4_dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 2 }] }));

function configFile(settings: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bulk-crash-'));
  const file = join(dir, 'weft.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

async function weftWith(t: Test, requestTimeoutMs: number): Promise<WeftProcess> {
  const w = await startWeftProcess({ readyTimeoutMs: 60_000, args: ['--config', configFile({ openflow: { requestTimeoutMs } }), '--apps', 'table-miss'] });
  t.teardown(() => w.stop(3000));
  return w;
}

async function bulk(w: WeftProcess, dpid: bigint): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const res = await fetch(`http://127.0.0.1:${w.restPort}/api/v1/switches/${dpid.toString(16).padStart(16, '0')}/flows/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ flows: FLOWS }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

/** A well-behaved switch alongside: its echo requests must keep being answered. */
async function bystander(w: WeftProcess): Promise<{ sw: FakeSwitch; echo(): Promise<number> }> {
  const sw = await FakeSwitch.connect({ port: w.openflowPort, datapathId: 0xbeefn });
  await w.waitForLog((l) => l.msg === 'switch up' && l.dpid === '000000000000beef', 15_000, 'bystander up');
  let xid = 0x7000;
  return {
    sw,
    async echo() {
      const x = ++xid;
      const t0 = performance.now();
      sw.send({ type: 'echoRequest', xid: x, data: new Uint8Array(0) });
      await sw.waitFor((m) => m.type === 'echoReply' && m.xid === x, 2000);
      return performance.now() - t0;
    },
  };
}

const noUnhandled = (w: WeftProcess) => !w.lines.some((l) => /unhandled|uncaught/i.test(l.msg)) && !w.otherOutput.some((s) => /RequestError|at .*\.js:\d+/.test(s));

t.test('the switch disconnects in the middle of a bulk push', async (t) => {
  const w = await weftWith(t, 10_000);
  const good = await bystander(w);
  t.teardown(() => good.sw.destroy());
  let flowMods = 0;
  const victim = await FakeSwitch.connect({
    port: w.openflowPort,
    datapathId: 0xdead01n,
    handler: (m: OfMessage, sw) => {
      if (m.type === 'flowMod' && ++flowMods === 12_000) sw.destroy();
      // Barriers stay unanswered: several are outstanding when the connection drops.
      return m.type === 'barrierRequest' ? [] : undefined;
    },
  });
  t.teardown(() => victim.destroy());
  await w.waitForLog((l) => l.msg === 'switch up' && l.dpid === '0000000000dead01', 15_000, 'victim up');
  const res = await bulk(w, 0xdead01n);
  t.equal(res.status, 503, 'a clear 503');
  t.equal(res.body.error?.code, 'switch_unavailable');
  t.match(res.body.error?.message, /closed|disconnected/);
  await sleep(300);
  t.ok((await good.echo()) < 1000, 'the other switch still gets echo replies');
  t.ok(noUnhandled(w), 'nothing rejected unobserved');
  t.equal(await w.stop(), 0, 'weft was still running and stopped cleanly');
});

t.test('the switch stops answering barriers: 504, weft keeps running', async (t) => {
  const w = await weftWith(t, 800);
  const good = await bystander(w);
  t.teardown(() => good.sw.destroy());
  const victim = await FakeSwitch.connect({ port: w.openflowPort, datapathId: 0xdead02n, handler: (m) => (m.type === 'barrierRequest' ? [] : undefined) });
  t.teardown(() => victim.destroy());
  await w.waitForLog((l) => l.msg === 'switch up' && l.dpid === '0000000000dead02', 15_000, 'victim up');
  const res = await bulk(w, 0xdead02n);
  t.equal(res.status, 504, 'a clear 504');
  t.equal(res.body.error?.code, 'switch_timeout');
  // The later barriers time out after the answer went out.
  await sleep(1500);
  t.ok((await good.echo()) < 1000, 'the other switch still gets echo replies');
  t.ok(noUnhandled(w), 'nothing rejected unobserved');
  t.equal(await w.stop(), 0, 'weft was still running and stopped cleanly');
});

t.test('SIGTERM during a bulk push: exit 0, no stack trace', async (t) => {
  const w = await weftWith(t, 10_000);
  const victim = await FakeSwitch.connect({ port: w.openflowPort, datapathId: 0xdead03n, handler: (m) => (m.type === 'barrierRequest' ? [] : undefined) });
  t.teardown(() => victim.destroy());
  await w.waitForLog((l) => l.msg === 'switch up' && l.dpid === '0000000000dead03', 15_000, 'victim up');
  const pending = bulk(w, 0xdead03n).catch((e: Error) => ({ status: -1, body: { error: { code: 'fetch', message: e.message } } }));
  await until(() => victim.received.filter((m) => m.type === 'barrierRequest').length >= 3, 10_000, 'a push under way');
  t.equal(await w.stop(), 0, 'exit code 0');
  const res = await pending;
  t.not(res.status, 200, `the push did not claim success (${res.status})`);
  t.ok(noUnhandled(w), `no unhandled rejection, no stack trace (${w.otherOutput.join('').slice(0, 300)})`);
});
