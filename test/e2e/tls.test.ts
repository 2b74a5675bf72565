/**
 * End to end over TLS with certificates made by ovs-pki: weft listens with `ssl:` using the
 * controller certificate and trusts the switch CA; Open vSwitch connects with `ssl:` using the
 * switch certificate and trusts the controller CA. A plain TCP client, a TLS client without a
 * certificate and one whose certificate comes from the other CA are all refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import t from 'tap';
import { startOvs } from '../support/ovs.js';
import { freePort, startWeftProcess } from '../support/weft-process.js';
import { dpidFor, dumpFlows, isConnected, requireRoot, TABLE_MISS, waitFor } from '../support/e2e.js';

requireRoot();

/** A HELLO offering OpenFlow 1.3: what a client would send first. */
const HELLO = Buffer.from('04000010000000010001000800000010', 'hex');

function pki(dir: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('ovs-pki', [`--dir=${join(dir, 'pki')}`, `--log=${join(dir, 'pki.log')}`, ...args], { cwd: dir, timeout: 60_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`ovs-pki ${args.join(' ')} failed (install openvswitch-common): ${err.message}\n${stderr}`)) : resolve(),
    );
  });
}

interface Attempt {
  /** Bytes received from weft after the TLS handshake (or over plain TCP). */
  received: Buffer;
  error: string | undefined;
  /** True when we gave up waiting; false when weft closed (or reset) the connection. */
  timedOut: boolean;
  ms: number;
}

/** Connect, send a HELLO, collect what comes back until weft closes (bounded by timeoutMs). */
function attempt(open: () => import('node:net').Socket, secureEvent: boolean, timeoutMs = 5000): Promise<Attempt> {
  return new Promise((resolve) => {
    const start = Date.now();
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let timedOut = false;
    const s = open();
    s.once(secureEvent ? 'secureConnect' : 'connect', () => s.write(HELLO));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', (e) => (error ??= e.message));
    const timer = setTimeout(() => {
      timedOut = true;
      s.destroy();
    }, timeoutMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), error, timedOut, ms: Date.now() - start });
    });
  });
}

t.test('Open vSwitch connects over TLS with ovs-pki certificates; other clients are refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await pki(dir, 'init');
  await pki(dir, 'req+sign', 'ctl', 'controller');
  await pki(dir, 'req+sign', 'sw', 'switch');
  const f = (name: string) => join(dir, name);
  const controllerCa = join(dir, 'pki', 'controllerca', 'cacert.pem');
  const switchCa = join(dir, 'pki', 'switchca', 'cacert.pem');

  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  const tlsPort = await freePort();
  const weft = await startWeftProcess({
    args: ['--listen', `ssl:127.0.0.1:${tlsPort}`, '--tls-cert', f('ctl-cert.pem'), '--tls-key', f('ctl-privkey.pem'), '--tls-ca', switchCa],
  });
  t.teardown(() => weft.stop());
  const listening = weft.lines.filter((l) => /^listening for switches/.test(l.msg));
  t.same(listening.map((l) => [l.port, l.tls]), [[weft.openflowPort, false], [tlsPort, true]], 'a TCP and a TLS listener');

  const br = ovs.uniqueName('wt');
  const dpid = dpidFor(br, 3);
  await ovs.addBridge(br, { datapathType: 'dummy', datapathId: dpid, failMode: 'secure' });
  await ovs.addPort(br, `${br}a`, { type: 'dummy', ofport: 9 });
  await ovs.vsctl('set-ssl', f('sw-privkey.pem'), f('sw-cert.pem'), controllerCa);
  await ovs.vsctl('set-controller', br, `ssl:127.0.0.1:${tlsPort}`);
  await ovs.vsctl('set', 'controller', br, 'max_backoff=1000');
  await waitFor(() => isConnected(ovs, br), 15_000, `${br} is_connected over ssl`);
  await waitFor(async () => TABLE_MISS.test(await dumpFlows(ovs, br)), 5_000, 'table-miss flow');
  const up = await weft.waitForLog((l) => l.subsystem === 'openflow' && l.dpid === dpid && /connected$/.test(l.msg), 5_000, 'TLS switch connected');
  t.equal(up.tls, true, 'weft knows the switch came over TLS');
  t.equal(up.ports, 2, 'one port plus LOCAL');

  const refusedBefore = weft.lines.filter((l) => /^TLS client refused/.test(l.msg)).length;
  const noOpenFlow = (a: Attempt) => !a.received.includes(HELLO.subarray(0, 4));

  const plain = await attempt(() => netConnect(tlsPort, '127.0.0.1'), false);
  t.ok(noOpenFlow(plain), `plain TCP gets no OpenFlow (got ${plain.received.toString('hex').slice(0, 24)})`);
  t.notOk(plain.timedOut, `plain TCP closed by weft after ${plain.ms} ms`);

  const serverCheck = { ca: readFileSync(controllerCa), checkServerIdentity: () => undefined };
  const noCert = await attempt(() => tlsConnect({ port: tlsPort, host: '127.0.0.1', ...serverCheck }), true);
  t.ok(noOpenFlow(noCert), 'TLS without a client certificate gets no OpenFlow');
  t.notOk(noCert.timedOut, `and is closed by weft after ${noCert.ms} ms (${noCert.error ?? 'no client error'})`);

  // The controller CA signed ctl-cert.pem; weft only trusts the switch CA for clients.
  const otherCa = await attempt(
    () => tlsConnect({ port: tlsPort, host: '127.0.0.1', cert: readFileSync(f('ctl-cert.pem')), key: readFileSync(f('ctl-privkey.pem')), ...serverCheck }),
    true,
  );
  t.ok(noOpenFlow(otherCa), 'TLS with a certificate from another CA gets no OpenFlow');
  // With TLS 1.3 the client may finish its side before weft's alert arrives: a close, not always an error.
  t.notOk(otherCa.timedOut, `and is closed by weft after ${otherCa.ms} ms (${otherCa.error ?? 'no client error'})`);

  // The switch certificate itself works from node too: the refusals above are about the client.
  const good = await attempt(
    () => tlsConnect({ port: tlsPort, host: '127.0.0.1', cert: readFileSync(f('sw-cert.pem')), key: readFileSync(f('sw-privkey.pem')), ...serverCheck }),
    true,
    1500,
  );
  t.ok(good.timedOut, 'and weft keeps that connection open (we hang up)');
  t.equal(good.received.subarray(0, 2).toString('hex'), '0400', 'a client with a switch certificate gets weft\'s HELLO');

  const refused = await waitFor(() => {
    const n = weft.lines.filter((l) => /^TLS client refused/.test(l.msg)).length - refusedBefore;
    return n >= 3 ? n : undefined;
  }, 3_000, 'three "TLS client refused" lines');
  t.equal(refused, 3, 'one refusal line per bad client');
  t.ok(await isConnected(ovs, br), 'the TLS bridge stays connected');
  t.equal(await weft.stop(), 0);
});
