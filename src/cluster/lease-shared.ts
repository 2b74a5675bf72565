/** What the main thread and the lease worker (lease-worker.ts) share. */

/** Slots of the shared BigInt64Array (times in microseconds on leaseClock). */
export const LeaseSlots = {
  /** Written by the main thread's timer: its last sign of life. */
  Heartbeat: 0,
  /** The lease the worker last renewed, and until when that renewal makes it valid. */
  LeaseId: 1,
  ValidUntilUs: 2,
  /** A lease etcd said is gone (TTL 0). */
  Expired: 3,
  /** Statistics for /api/v1/cluster and the bench. */
  Renewals: 4,
  MaxRttUs: 5,
  MaxHeartbeatAgeUs: 6,
} as const;
export const LEASE_SLOTS = 7;

export interface LeaseWorkerData {
  buffer: SharedArrayBuffer;
  endpoints: string[];
  timeoutMs: number;
  periodMs: number;
  /** No renewal while the main thread's heartbeat is older than this. */
  staleMs: number;
  marginMs: number;
  /** The main thread's performance.timeOrigin: both threads then read the same clock. */
  mainTimeOrigin: number;
}

export type LeaseWorkerMessage = { type: 'renew'; leaseId: string } | { type: 'stop' } | { type: 'close' };

/** Milliseconds on the main thread's performance clock, readable from any thread. */
export function leaseClock(mainTimeOrigin: number): () => number {
  const offset = performance.timeOrigin - mainTimeOrigin;
  return () => performance.now() + offset;
}
