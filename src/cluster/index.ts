/** weft as one instance of a cluster on etcd (docs/CLUSTER.md): the store, the membership, the mastership. */
import { hostname } from 'node:os';
import type { WeftConfig } from '../config/schema.js';
import { parseEtcdUrl } from '../config/schema.js';
import { EtcdStore } from '../store/etcd-store.js';
import { StoreOpenError } from '../store/store.js';
import { Cluster } from './cluster.js';
import type { ClusterOptions } from './cluster.js';
import { SharedData } from './shared.js';
import type { SharedOptions } from './shared.js';

export { Cluster } from './cluster.js';
export { ClusterError } from './membership.js';

/** This instance's name: cluster.name, else the host name. */
export const instanceName = (cfg: WeftConfig): string => cfg.cluster.name ?? hostname();

/** The shared state store in etcd; refuses to start (exit 1, one line) when etcd does not answer. */
export async function openClusterStore(cfg: WeftConfig, onNotice: (msg: string) => void): Promise<EtcdStore> {
  const endpoints = parseEtcdUrl(cfg.cluster.etcd!)!;
  const store = new EtcdStore({
    endpoints,
    root: `${cfg.cluster.prefix}state/`,
    timeoutMs: cfg.cluster.etcdTimeoutMs,
    onWatchError: (prefix, err) => onNotice(`state store watch of ${prefix} ended: ${err.message}`),
  });
  const h = await store.health();
  if (!h.ok) {
    await store.close();
    throw new StoreOpenError(cfg.cluster.etcd!, `etcd does not answer (${h.error})`);
  }
  return store;
}

/**
 * Where the other instances reach this one's REST API (they proxy writes for our switches to it):
 * rest.host, or the host name when REST listens on every address.
 */
export function restAddress(cfg: WeftConfig): string {
  const h = cfg.rest.host;
  const host = h === '' || h === '0.0.0.0' || h === '::' ? hostname() : h;
  return `${host.includes(':') ? `[${host}]` : host}:${cfg.rest.port}`;
}

/** This instance of the cluster, not joined yet (Cluster.start joins). */
export function createCluster(cfg: WeftConfig, store: EtcdStore, hooks: Pick<ClusterOptions, 'onMastership' | 'log'>): Cluster {
  return Cluster.create({
    client: store.client,
    endpoints: parseEtcdUrl(cfg.cluster.etcd!)!,
    prefix: cfg.cluster.prefix,
    name: instanceName(cfg),
    ttlS: cfg.cluster.leaseTtl,
    timeoutMs: cfg.cluster.etcdTimeoutMs,
    info: { host: hostname(), pid: process.pid, openflow: `${cfg.openflow.host}:${cfg.openflow.port}`, rest: restAddress(cfg) },
    ...hooks,
  });
}

/** Data apps share between instances (ctx.cluster), under `<prefix>shared/` (shared.ts). */
export async function openSharedData(cfg: WeftConfig, store: EtcdStore, hooks: Pick<SharedOptions, 'leaseId' | 'onChange' | 'log'>): Promise<SharedData> {
  return SharedData.open({ client: store.client, prefix: cfg.cluster.prefix, name: instanceName(cfg), timeoutMs: cfg.cluster.etcdTimeoutMs, ...hooks });
}
