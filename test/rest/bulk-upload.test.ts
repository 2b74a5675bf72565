/**
 * The bulk route's own body reader over real HTTP: a chunked upload (no Content-Length) is
 * read whole and its flows sent; one that grows past rest.bulkBodyLimit gets the same 413 as a
 * Content-Length above it, which is answered before the body is read.
 */
import { request } from 'node:http';
import t from 'tap';
import { rawPost } from './load-probe.js';
import { startRig } from './rig.js';

function chunkedPost(base: string, path: string, parts: string[]): Promise<{ status: number; json: { count?: number; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    const pump = (i: number): void => {
      if (i === parts.length) return void req.end();
      req.write(parts[i]!, () => setImmediate(() => pump(i + 1)));
    };
    pump(0);
  });
}

t.test('chunked uploads to /flows/bulk', async (t) => {
  const rig = await startRig({ rest: { bulkBodyLimit: 64 * 1024 } });
  t.teardown(() => rig.close());
  const path = `/api/v1/switches/${rig.dpid}/flows/bulk`;
  const flows = Array.from({ length: 200 }, (_, i) => ({ table: 2, priority: 5, match: { eth_type: 2048, ipv4_dst: `10.9.0.${i}` }, actions: [{ type: 'output', port: 1 }] }));
  const body = JSON.stringify({ persistent: false, flows });
  t.ok(body.length < 64 * 1024);
  const parts = body.match(/[^]{1,997}/g)!;
  const before = rig.got('flowMod').length;
  const ok = await chunkedPost(rig.base, path, parts);
  t.equal(ok.status, 200, JSON.stringify(ok.json));
  t.equal(ok.json.count, 200);
  t.equal(rig.got('flowMod').length - before, 200, 'every flow reached the switch');

  const big = JSON.stringify({ flows: Array.from({ length: 1000 }, () => flows[0]) });
  t.ok(big.length > 64 * 1024);
  const tooBig = await chunkedPost(rig.base, path, big.match(/[^]{1,4096}/g)!);
  t.equal(tooBig.status, 413);
  t.match(tooBig.json.error, { code: 'payload_too_large', message: /at most 65536 bytes/ });

  const declared = await rawPost(new URL(rig.base).port as unknown as number, path, 16 * 2 ** 20, ' ');
  t.equal(declared.status, 413, 'a Content-Length above the limit: 413 before the body is read');
  t.ok(declared.bodySentBeforeAnswer < 16 * 2 ** 20, `answered after ${declared.bodySentBeforeAnswer} bytes`);
});
