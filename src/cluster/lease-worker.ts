/**
 * The lease keepalive of a cluster instance, in a worker thread with its own etcd client
 * (membership.ts starts it). A packet-in flood keeps the main event loop busy for long
 * stretches; a renewal sent and answered there came later than a 2 s lease allows, and a busy
 * instance stepped down. Here the renewal does not wait for the main loop, but it is sent only
 * while the main thread's heartbeat (written by a main-loop timer into the shared buffer) is
 * fresh: a busy main loop keeps the lease, a frozen or deadlocked one lets it expire. The
 * renewal's result goes back through the same buffer, so the write gate reads it synchronously.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Etcd3 } from 'etcd3';
import { LeaseSlots, leaseClock } from './lease-shared.js';
import type { LeaseWorkerData, LeaseWorkerMessage } from './lease-shared.js';

const data = workerData as LeaseWorkerData;
const slots = new BigInt64Array(data.buffer);
const now = leaseClock(data.mainTimeOrigin);
const client = new Etcd3({ hosts: [...data.endpoints], dialTimeout: data.timeoutMs });
let leaseId: string | undefined;
let busy = false;

parentPort!.on('message', (m: LeaseWorkerMessage) => {
  if (m.type === 'renew') leaseId = m.leaseId;
  else if (m.type === 'stop') leaseId = undefined;
  else if (m.type === 'close') {
    leaseId = undefined;
    clearInterval(timer);
    void client.close();
    parentPort!.close();
  }
});

// Checked often, renewed every periodMs: after a stall of the main loop, the renewal goes out
// as soon as the heartbeat is fresh again, not a whole period later.
const timer = setInterval(() => void renewOnce(), Math.min(50, data.periodMs));
let lastSentAt = -Infinity;

async function renewOnce(): Promise<void> {
  const id = leaseId;
  if (busy || id === undefined) return;
  const sentAt = now();
  if (sentAt - lastSentAt < data.periodMs) return;
  const heartbeat = Number(Atomics.load(slots, LeaseSlots.Heartbeat)) / 1000;
  const age = sentAt - heartbeat;
  if (age > Number(Atomics.load(slots, LeaseSlots.MaxHeartbeatAgeUs)) / 1000) Atomics.store(slots, LeaseSlots.MaxHeartbeatAgeUs, BigInt(Math.round(age * 1000)));
  // The main thread has not run for too long (frozen, deadlocked, or a very long block): no renewal.
  if (age > data.staleMs) return;
  lastSentAt = sentAt;
  busy = true;
  try {
    const ttl = await keepalive(id);
    if (leaseId !== id) return;
    const rtt = now() - sentAt;
    Atomics.add(slots, LeaseSlots.Renewals, 1n);
    if (rtt * 1000 > Number(Atomics.load(slots, LeaseSlots.MaxRttUs))) Atomics.store(slots, LeaseSlots.MaxRttUs, BigInt(Math.round(rtt * 1000)));
    if (ttl <= 0) {
      Atomics.store(slots, LeaseSlots.Expired, BigInt(id));
      return;
    }
    // Valid until the send time plus the TTL (etcd expires it later). A main loop blocked for
    // longer than the TTL is caught by the main thread itself (membership.ts).
    const until = sentAt + ttl * 1000 - data.marginMs;
    Atomics.store(slots, LeaseSlots.LeaseId, BigInt(id));
    Atomics.store(slots, LeaseSlots.ValidUntilUs, BigInt(Math.round(until * 1000)));
  } catch (e) {
    // etcd unreachable or slow: the validity just is not extended (the main thread steps down
    // when it runs out). A lease etcd no longer knows is reported at once.
    if (/not found/i.test((e as Error).message) && leaseId === id) Atomics.store(slots, LeaseSlots.Expired, BigInt(id));
  } finally {
    busy = false;
  }
}

/** One LeaseKeepAlive round trip; resolves with the TTL etcd grants (0: the lease is gone). */
async function keepalive(id: string): Promise<number> {
  const stream = await client.leaseClient.leaseKeepAlive();
  let t: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      t = setTimeout(() => reject(new Error('timed out')), data.timeoutMs);
      stream.on('data', (res: { TTL: string }) => resolve(Number(res.TTL)));
      stream.on('error', reject);
      stream.write({ ID: id });
    });
  } finally {
    clearTimeout(t);
    stream.end();
  }
}
