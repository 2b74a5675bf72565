/**
 * What an app sees of a weft cluster (docs/CLUSTER.md): `ctx.cluster`, undefined on a single
 * instance. Apps keep their own state per instance; what the others must know (the topology's
 * links and host sightings) is published here: each instance writes its own entries (on its
 * etcd lease, so a dead instance's entries go with it), rate-limited and bounded, and every
 * other instance's app gets them through its `sharedChanged` handler. Writes an app makes to
 * switches mastered by another instance reach that master without the app doing anything.
 */

/** One entry published by another instance, or its removal (`value` undefined). */
export interface SharedChange {
  readonly instance: string;
  readonly key: string;
  readonly value: unknown;
}

export interface AppCluster {
  /** This instance's name. */
  readonly instance: string;
  /** 32 random bytes shared by every instance of the cluster (drawn once, kept in etcd): e.g. LLDP signing. */
  readonly secret: Uint8Array;
  /**
   * Publish this instance's value for `key` (JSON; undefined removes it). Only the latest value
   * of a key is written, at most every publish interval: call it on every change. Refused
   * (false, counted) past the per-app key cap or the value size cap.
   */
  publish(key: string, value: unknown): boolean;
  /** The other instances' entries as last delivered, for a full re-read. */
  entries(): SharedChange[];
}
