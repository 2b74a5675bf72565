/**
 * The topology across cluster instances (docs/CLUSTER.md, "Shared topology"). Each instance
 * learns the links whose LLDP arrives at the switches it masters (the LLDP key is the cluster's
 * shared secret, so any instance verifies any other's frames) and the hosts seen on their edge
 * ports. It publishes those (ctx.cluster.publish: `l/<dpid>/<port>` -> the link's far end,
 * `h/<mac>` -> where the host is, its addresses and when it was seen), and merges what the
 * others publish into its own graph and host table, so every instance computes paths over the
 * whole network. Entries that do not parse are ignored (another instance's bug must not stop
 * this one).
 */
import type { Dpid, SharedChange } from '../sdk/index.js';
import type { PortRef } from './api.js';
import type { RemoteHost, Topology } from './topology.js';

const DPID = /^[0-9a-f]{16}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

const isPort = (p: unknown): p is number => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 0xffffff00;
const isRef = (v: unknown): v is PortRef => typeof v === 'object' && v !== null && typeof (v as PortRef).dpid === 'string' && DPID.test((v as PortRef).dpid) && isPort((v as PortRef).port);
const strings = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.length <= 64);

/** Apply other instances' changes; `only`: just the entries that touch this switch (it came up). */
export function applyShared(topo: Topology, changes: readonly SharedChange[], now: number, only?: Dpid): void {
  const maxIps = topo.options.maxIpsPerHost;
  for (const c of changes) {
    if (c.key.startsWith('l/')) {
      const [, dpid, port] = c.key.split('/');
      const src = { dpid: dpid ?? '', port: Number(port) };
      if (!isRef(src)) continue;
      if (c.value === undefined) {
        if (only === undefined) topo.remoteLink(c.instance, src, undefined, now);
        continue;
      }
      if (!isRef(c.value)) continue;
      if (only !== undefined && src.dpid !== only && c.value.dpid !== only) continue;
      topo.remoteLink(c.instance, src, { dpid: c.value.dpid, port: c.value.port }, now);
    } else if (c.key.startsWith('h/')) {
      const mac = c.key.slice(2);
      if (!MAC.test(mac)) continue;
      if (c.value === undefined) {
        if (only === undefined) topo.remoteHost(c.instance, mac, undefined, now);
        continue;
      }
      const v = c.value as Partial<RemoteHost>;
      if (!isRef(c.value) || !strings(v.ipv4, maxIps) || !strings(v.ipv6, maxIps) || typeof v.seen !== 'number' || !Number.isFinite(v.seen)) continue;
      if (only !== undefined && c.value.dpid !== only) continue;
      topo.remoteHost(c.instance, mac, { dpid: c.value.dpid, port: c.value.port, ipv4: v.ipv4, ipv6: v.ipv6, seen: v.seen }, now);
    }
  }
}
