/** A cluster instance whose etcd does not answer at start: one clear line and exit code 1. */
import t from 'tap';
import { freePort, startWeftProcess } from '../support/weft-process.js';

t.test('etcd unreachable at start: a clear error, exit 1', async (t) => {
  const port = await freePort();
  const err = await startWeftProcess({ args: ['--cluster', `etcd://127.0.0.1:${port}`, '--instance', 'lonely'], readyTimeoutMs: 20_000 }).then(
    async (p) => (await p.stop(), undefined),
    (e: Error) => e.message,
  );
  t.ok(err, 'weft did not start');
  t.match(err, /exited \(code 1,/, 'exit code 1');
  t.match(err, new RegExp(`weft: state store etcd://127\\.0\\.0\\.1:${port}: etcd does not answer`), 'one line naming etcd and the problem');
});
