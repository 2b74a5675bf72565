/**
 * The bench's private network namespace (bench/netns.ts): created with the raised queue
 * settings and loopback up, a script runs inside it, and it is deleted by name afterwards, also
 * when the work fails. Needs root and iproute2 (fails loudly without them, never skips).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { NETNS_SYSCTLS, runScriptInNetns, withBenchNetns } from '../../bench/netns.js';

const namespaces = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);

t.test('a script runs in the namespace with the raised sysctls; the namespace is gone afterwards', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-netns-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'probe.ts');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
const get = (k: string) => readFileSync('/proc/sys/' + k.replaceAll('.', '/'), 'utf8').trim();
console.log(JSON.stringify({ somaxconn: get('net.core.somaxconn'), syn: get('net.ipv4.tcp_max_syn_backlog'), ifaces: Object.keys(networkInterfaces()) }));
`,
  );
  const ns = `weft-bench-test-${process.pid}`;
  const rootSyn = (): string => execFileSync('sysctl', ['-n', 'net.ipv4.tcp_max_syn_backlog'], { encoding: 'utf8' }).trim();
  const before = rootSyn();
  const r = await withBenchNetns(ns, async (name) => {
    t.ok(namespaces().includes(name), 'namespace exists while the work runs');
    return runScriptInNetns<{ somaxconn: string; syn: string; ifaces: string[] }>(name, script, [], 60_000);
  });
  t.equal(r.somaxconn, NETNS_SYSCTLS['net.core.somaxconn']);
  t.equal(r.syn, NETNS_SYSCTLS['net.ipv4.tcp_max_syn_backlog']);
  t.same(r.ifaces, ['lo'], 'only loopback, and it is up (node lists interfaces with an address)');
  t.notOk(namespaces().includes(ns), 'deleted afterwards');
  t.equal(rootSyn(), before, "the machine's own setting is untouched");
});

t.test('the namespace is deleted when the work fails', async (t) => {
  const ns = `weft-bench-test-${process.pid}-fail`;
  await t.rejects(
    withBenchNetns(ns, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  t.notOk(namespaces().includes(ns));
});
