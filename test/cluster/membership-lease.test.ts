/**
 * The lease kept by a worker thread (src/cluster/lease-worker.ts) on a real etcd: a main loop
 * busy in 300 ms chunks for 10 s stays a member (the worker renews, the main loop's heartbeat
 * is fresh between chunks), and so does one stall of 1.5 s; a main loop blocked for longer than the TTL is not a member when it
 * resumes, and etcd dropped its lease meanwhile (a deadlocked process loses its switches). The
 * whole process frozen (kill -STOP) is test/e2e/cluster-faults.test.ts.
 */
import t from 'tap';
import { Etcd3 } from 'etcd3';
import { Membership } from '../../src/cluster/membership.js';
import { startEtcd } from '../support/etcd.js';

const TTL_S = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Keep this thread busy (no timer, no I/O callback runs) for ms. */
const block = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

t.test('a worker-kept lease: a busy main loop stays, a blocked one goes', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const client = new Etcd3({ hosts: [etcd.hostPort] });
  t.teardown(() => client.close());
  const changes: boolean[] = [];
  const warnings: string[] = [];
  const m = new Membership({
    client,
    endpoints: [etcd.hostPort],
    prefix: 'clease-test/',
    name: 'w0',
    ttlS: TTL_S,
    timeoutMs: 1000,
    info: {},
    onChange: (x) => changes.push(x),
    log: { info() {}, warn: (o) => warnings.push(JSON.stringify(o)) },
  });
  await m.join();
  t.teardown(() => m.leave());
  t.ok(m.valid(), 'a member after the join');
  const memberKey = async () => (await client.get(m.memberKey).string()) !== null;

  await t.test('busy in 300 ms chunks for 10 s: still a member throughout', async (t) => {
    let invalid = 0;
    const end = performance.now() + 10_000;
    while (performance.now() < end) {
      block(300);
      if (!m.valid()) invalid++;
      // One turn of the loop between chunks: timers (the heartbeat) and I/O run.
      await new Promise((r) => setImmediate(r));
    }
    t.equal(invalid, 0, 'valid after every chunk');
    t.same(changes, [], 'membership never lost');
    t.same(warnings, [], 'no warning (the worker started and ran)');
    t.ok(await memberKey(), 'the member key is still in etcd');
    const st = m.stats();
    t.equal(st.renewer, 'worker');
    t.ok(st.renewals >= 10, `the worker renewed (${st.renewals} renewals)`);
    t.ok(st.eventLoopDelayMs.max >= 250, `the busy loop shows in the event-loop delay (max ${st.eventLoopDelayMs.max} ms)`);
  });

  await t.test('one stall of 1.5 s (shorter than the TTL): still a member', async (t) => {
    block(1500);
    t.ok(m.valid(), 'valid on resume');
    await sleep(1000);
    t.ok(m.valid(), 'and after');
    t.same(changes, [], 'membership never lost');
  });

  await t.test('blocked for longer than the TTL: not a member when it resumes, lease gone in etcd', async (t) => {
    const id = m.leaseId!;
    block(TTL_S * 1000 + 1200);
    t.notOk(m.valid(), 'not valid at once on resume (the write gate refuses)');
    // The periodic check steps down; the old lease is gone in etcd (the worker stopped renewing).
    for (let i = 0; i < 50 && !changes.includes(false); i++) await sleep(100);
    t.same(changes.slice(0, 1), [false], 'stepped down');
    t.match(warnings.join('\n'), /blocked for longer than the lease TTL/, 'the reason: the loop was blocked');
    const ttl = await client.leaseClient.leaseTimeToLive({ ID: id });
    t.ok(Number(ttl.TTL) <= 0, `the old lease is gone in etcd (TTL ${ttl.TTL})`);
    // And it comes back with a new lease.
    for (let i = 0; i < 50 && !m.valid(); i++) await sleep(100);
    t.ok(m.valid(), 'rejoined');
    t.not(m.leaseId, id, 'with a new lease');
    t.same(changes, [false, true]);
  });
});
