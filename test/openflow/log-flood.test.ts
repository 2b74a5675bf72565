/**
 * Log amplification: a thousand non-OpenFlow peers from one address cost a handful of log lines,
 * not a thousand; every one is still counted (violations, disconnects by cause, lines left out),
 * and a well-behaved switch connected alongside keeps getting echo replies.
 */
import t from 'tap';
import { OpenFlowStats } from '../../src/openflow/stats.js';
import { FakeSwitch, rawPeer } from '../support/fake-switch.js';
import { startServer, until } from './harness.js';

const GARBAGE = Buffer.from('deadbeef00112233445566778899aabb', 'hex');

t.test('1000 garbage connects: bounded log lines, every one counted', async (t) => {
  const stats = new OpenFlowStats();
  const h = await startServer(t, { stats, logLimit: { perWindow: 5, windowMs: 60_000 } });
  const good = await FakeSwitch.connect({ port: h.port, datapathId: 0x600dn });
  t.teardown(() => good.destroy());
  await h.events.waitUp(0x600dn);
  const before = h.log.lines.length;
  const N = 1000;
  let done = 0;
  const worker = async () => {
    while (done < N) {
      done++;
      const p = await rawPeer(h.port, GARBAGE);
      await p.closed;
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await until(() => (stats.disconnects.get('not_openflow') ?? 0) >= N, 5000, 'every close counted');
  const t0 = performance.now();
  good.send({ type: 'echoRequest', xid: 0xe0, data: new Uint8Array(0) });
  await good.waitFor((m) => m.type === 'echoReply' && m.xid === 0xe0, 2000);
  t.ok(performance.now() - t0 < 1000, 'the switch alongside still gets echo replies');
  // The summary comes when the window ends (stopping ends every window).
  await h.server.stop();
  const lines = h.log.lines.slice(before).filter((l) => l.level !== 'debug');
  t.ok(lines.length <= 10, `${lines.length} log lines for ${N} garbage connects`);
  const closes = lines.filter((l) => /not an OpenFlow peer/.test(l.msg ?? ''));
  t.equal(closes.length, 5, 'the first 5 closes are logged');
  const summary = lines.find((l) => /left out/.test(l.msg ?? ''));
  t.match(summary?.msg, /not_openflow\) from 127\.0\.0\.1: \d+ more lines like this were left out/);
  const suppressed = (summary?.obj as { suppressed?: number })?.suppressed ?? 0;
  t.equal(stats.logLinesSuppressed, N - 5, 'the lines left out are counted');
  t.equal(suppressed, N - 5, 'the summary names them');
  t.equal(stats.violations.get('not_openflow'), N, 'violations counted');
  t.equal(stats.disconnects.get('not_openflow'), N, 'disconnects by cause counted');
});
