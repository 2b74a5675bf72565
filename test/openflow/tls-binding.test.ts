/**
 * TLS certificate-to-dpid binding (openflow.tls.dpidBinding: strict): a switch whose certificate
 * chains to the CA may claim only the datapath id its certificate names (dpidNames, or the dpid
 * itself as CN); claiming another switch's dpid is refused and the real switch stays connected.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import { makePki } from '../support/pki.js';
import { startServer } from './harness.js';
import { checkDpidBinding } from '../../src/openflow/identity.js';

const NAMED = 0xa1n; // dpidNames says: certificate "switch-a"
const OTHER = 0xb2n; // not in dpidNames: its certificate would have to be CN=00000000000000b2

t.test('strict binding: a certificate claims only the dpid it names', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-tlsbind-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = makePki(dir);
  const pem = (k: string): Buffer => readFileSync(f[k]!);
  const h = await startServer(t, {
    listeners: [{ host: '127.0.0.1', port: 0, tls: { cert: f['server.crt']!, key: f['server.key']!, ca: f['caA.crt']! } }],
    dpidBinding: { mode: 'strict', names: { '00000000000000a1': 'switch-a' } },
  });
  const tls = { ca: pem('caA.crt'), cert: pem('switchA.crt'), key: pem('switchA.key') };
  const good = await FakeSwitch.connect({ port: h.port, datapathId: NAMED, tls });
  t.teardown(() => good.destroy());
  const conn = await h.events.waitUp(NAMED);
  t.equal(conn.info.tls, true, 'the certificate named in dpidNames is admitted for its dpid');

  const bad = await FakeSwitch.connect({ port: h.port, datapathId: OTHER, tls });
  t.teardown(() => bad.destroy());
  await bad.closed;
  t.notOk(h.events.events.some((e) => e.kind === 'up' && e.sw.info.datapathId === OTHER), 'the same certificate may not claim another dpid');
  t.ok(h.log.lines.some((l) => l.level === 'warn' && /certificate of "switch-a" may not claim datapath 00000000000000b2: expected the datapath id/.test(l.msg ?? '')), 'the refusal names the certificate and the dpid');
  t.notOk(conn.closed, 'the admitted switch is not disturbed');
  await conn.barrier({ timeoutMs: 2000 });
});

t.test('checkDpidBinding: CN equal to the dpid, colons allowed; off admits everything', async (t) => {
  const dpid = '00000000000000b2';
  t.equal(checkDpidBinding({ mode: 'strict' }, dpid, ['00000000000000B2']), undefined);
  t.equal(checkDpidBinding({ mode: 'strict' }, dpid, ['other', '00:00:00:00:00:00:00:b2']), undefined, 'a DNS SAN counts too');
  t.match(checkDpidBinding({ mode: 'strict' }, dpid, ['00000000000000b3']), /may not claim datapath 00000000000000b2/);
  t.match(checkDpidBinding({ mode: 'strict', names: { [dpid]: 'edge-2' } }, dpid, [dpid]), /expected "edge-2"/, 'a mapped dpid needs its mapped name');
  t.equal(checkDpidBinding({ mode: 'off' }, dpid, []), undefined);
  t.equal(checkDpidBinding(undefined, dpid, []), undefined);
});
