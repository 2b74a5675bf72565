import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { startServer, within } from './harness.js';

/**
 * Certificates made with the openssl CLI: CA "A" signs the controller's certificate and a switch
 * certificate; CA "B" signs a second switch certificate that must be refused.
 */
function makePki(dir: string): Record<string, string> {
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = unused',
      '[ca_ext]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '[server_ext]',
      'basicConstraints = CA:FALSE',
      'subjectAltName = IP:127.0.0.1',
      'extendedKeyUsage = serverAuth',
      '[client_ext]',
      'basicConstraints = CA:FALSE',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const key = (name: string): void => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  for (const ca of ['caA', 'caB']) {
    key(ca);
    ssl('req', '-config', cnf, '-new', '-x509', '-key', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=weft test ${ca}`, '-extensions', 'ca_ext');
  }
  const issue = (name: string, ca: string, cn: string, ext: string): void => {
    key(name);
    ssl('req', '-config', cnf, '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', cnf, '-extensions', ext);
  };
  issue('server', 'caA', '127.0.0.1', 'server_ext');
  issue('switchA', 'caA', 'switch-a', 'client_ext');
  issue('switchB', 'caB', 'switch-b', 'client_ext');
  const out: Record<string, string> = {};
  for (const n of ['caA', 'caB', 'server', 'switchA', 'switchB']) {
    out[`${n}.crt`] = join(dir, `${n}.crt`);
    out[`${n}.key`] = join(dir, `${n}.key`);
  }
  return out;
}

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
