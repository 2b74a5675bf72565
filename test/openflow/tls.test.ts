import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { makePki } from '../support/pki.js';
import { startServer, within } from './harness.js';
import { OpenFlowStats } from '../../src/openflow/stats.js';

/** Connect and wait until the connection is closed or 2 s pass; a refused TLS handshake may reject. */
async function refused(connect: () => Promise<FakeSwitch>): Promise<boolean> {
  try {
    const sw = await connect();
    await within(sw.closed, 2000);
    const closed = sw.isClosed;
    sw.destroy();
    return closed;
  } catch {
    return true;
  }
}

t.test('TLS listener: mutual authentication against the CA', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = makePki(dir);
  const pem = (k: string): Buffer => readFileSync(f[k]!);
  const h = await startServer(t, {
    // File paths for the listener, exercising PEM loading by path.
    listeners: [{ host: '127.0.0.1', port: 0, tls: { cert: f['server.crt']!, key: f['server.key']!, ca: f['caA.crt']! } }],
  });
  t.equal(h.server.addresses()[0]?.tls, true);

  const good = await FakeSwitch.connect({
    port: h.port,
    datapathId: 0x7150001n,
    tls: { ca: pem('caA.crt'), cert: pem('switchA.crt'), key: pem('switchA.key') },
  });
  t.teardown(() => good.destroy());
  const conn = await h.events.waitUp(0x7150001n);
  t.equal(conn.info.tls, true);
  t.equal(conn.info.dpid, '0000000007150001');
  await conn.barrier();

  t.ok(await refused(() => FakeSwitch.connect({ port: h.port, datapathId: 0x7150002n })), 'a plain TCP client is refused');
  t.ok(
    await refused(() =>
      FakeSwitch.connect({ port: h.port, datapathId: 0x7150003n, tls: { ca: pem('caA.crt'), cert: pem('switchB.crt'), key: pem('switchB.key') } }),
    ),
    'a client certificate from another CA is refused',
  );
  t.ok(await refused(() => FakeSwitch.connect({ port: h.port, datapathId: 0x7150004n, tls: { ca: pem('caA.crt') } })), 'a client without a certificate is refused');

  t.same(h.events.events.filter((e) => e.kind === 'up').map((e) => e.sw.info.datapathId), [0x7150001n], 'only the authenticated switch came up');
  const refusedLines = h.log.lines.filter((l) => /TLS client refused/.test(l.msg ?? ''));
  t.equal(refusedLines.length, 3, 'one log line per refused client');
  t.ok(refusedLines.every((l) => l.level === 'warn'));
  t.notOk(conn.closed, 'the authenticated switch was not disturbed');
  await conn.barrier();
});

t.test('refused TLS handshakes are rate-limited per peer and counted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = makePki(dir);
  const pem = (k: string): Buffer => readFileSync(f[k]!);
  const stats = new OpenFlowStats();
  const h = await startServer(t, {
    stats,
    logLimit: { perWindow: 3, windowMs: 60_000 },
    listeners: [{ host: '127.0.0.1', port: 0, tls: { cert: f['server.crt']!, key: f['server.key']!, ca: f['caA.crt']! } }],
  });
  const good = await FakeSwitch.connect({ port: h.port, datapathId: 0x7150011n, tls: { ca: pem('caA.crt'), cert: pem('switchA.crt'), key: pem('switchA.key') } });
  t.teardown(() => good.destroy());
  const conn = await h.events.waitUp(0x7150011n);
  // 20 plain TCP clients: each fails the TLS handshake.
  for (let i = 0; i < 20; i++) t.ok(await refused(() => FakeSwitch.connect({ port: h.port, datapathId: 0x7150020n + BigInt(i) })), `plain client ${i} refused`);
  const lines = () => h.log.lines.filter((l) => /TLS client refused/.test(l.msg ?? ''));
  t.equal(lines().length, 3, 'three lines (logRepeatLimit), not 20');
  t.equal(stats.violations.get('tls_handshake'), 20, 'every refusal counted');
  t.equal(stats.logLinesSuppressed, 17, 'the lines left out counted');
  h.server['limiter'].flush();
  t.match(lines().at(-1)?.msg, /TLS client refused \(tls_handshake\) from 127\.0\.0\.1: 17 more lines like this were left out/, 'one summary line at the window end');
  t.notOk(conn.closed, 'the authenticated switch was not disturbed');
  await conn.barrier();
});

t.test('a TLS listener with an unreadable certificate path fails start() naming the path', async (t) => {
  const { OpenFlowServer } = await import('../../src/openflow/server.js');
  const h = await startServer(t);
  const s = new OpenFlowServer(
    { listeners: [{ host: '127.0.0.1', port: 0, tls: { cert: '/nonexistent/weft.crt', key: '/nonexistent/weft.key', ca: '/nonexistent/ca.crt' } }] },
    h.log,
    h.events,
  );
  await t.rejects(s.start(), { message: 'TLS OpenFlow listener 127.0.0.1:0: cannot read the TLS certificate file /nonexistent/weft.crt: ENOENT' });
});
