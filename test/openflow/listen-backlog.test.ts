/**
 * The OpenFlow listener asks the kernel for a deep accept queue, so thousands of switches
 * connecting at once (a controller restart) are queued, not dropped. `ss` shows a listening
 * socket's accept-queue limit in its Send-Q column: min(our backlog, net.core.somaxconn).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { startServer } from './harness.js';

t.test('the listening socket has an accept queue of at least 4096 (or somaxconn, if lower)', async (t) => {
  const h = await startServer(t);
  const out = execFileSync('ss', ['-ltnH', `sport = :${h.port}`], { encoding: 'utf8' }).trim();
  t.ok(out, `ss lists the listener on ${h.port}`);
  const sendQ = Number(out.split(/\s+/)[2]);
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  t.equal(sendQ, Math.min(8192, somaxconn), `accept queue ${sendQ}; Node's default would be ${Math.min(511, somaxconn)}`);
  t.ok(sendQ >= Math.min(4096, somaxconn));
});
