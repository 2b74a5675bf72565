/**
 * The overlay app's options (`appOptions.overlay`): the cluster range and per-host prefix, how
 * hosts are joined (VXLAN or plain routing over the underlay), and hosts known at start. Bad
 * values stop weft at start, naming the key.
 */
import { intOptions, rejectUnknownKeys } from '../sdk/index.js';
import type { AppOptions } from '../sdk/index.js';
import { parseCidr, type Cidr } from './ipam.js';

export type OverlayMode = 'vxlan' | 'routed';

/** A host as the operator gives it (options.hosts, POST /hosts). */
export interface HostSpec {
  name: string;
  /** The datapath id of the host's integration bridge (hex, colons allowed). */
  dpid: string;
  /** The host's underlay IPv4 address (VXLAN endpoint, or the next hop in routed mode). */
  underlay: string;
  /** A subnet of the cluster range to use instead of the next free one. */
  subnet?: string;
}

export interface OverlayOptions {
  mode: OverlayMode;
  cluster: Cidr;
  subnetPrefix: number;
  vni: number;
  table: number;
  /** Port name on each integration bridge: the flow-based VXLAN port (vxlan mode). */
  tunnelPort: string;
  /** Port name on each integration bridge towards the underlay (routed mode). */
  uplinkPort: string;
  hosts: HostSpec[];
}

const KEYS = ['mode', 'clusterCidr', 'subnetPrefix', 'vni', 'table', 'tunnelPort', 'uplinkPort', 'hosts'];

function str(o: AppOptions, key: string, dflt: string): string {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || v === '') throw new RangeError(`overlay option ${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function parseOptions(o: AppOptions): OverlayOptions {
  rejectUnknownKeys('overlay', o, KEYS);
  const mode = str(o, 'mode', 'vxlan');
  if (mode !== 'vxlan' && mode !== 'routed') throw new RangeError(`overlay option mode: expected "vxlan" or "routed", got ${JSON.stringify(mode)}`);
  let cluster: Cidr;
  try {
    cluster = parseCidr(str(o, 'clusterCidr', '10.244.0.0/16'));
  } catch (e) {
    throw new RangeError(`overlay option clusterCidr: ${(e as Error).message}`);
  }
  const n = intOptions('overlay', o, { subnetPrefix: [24, 8, 30], vni: [1, 0, 0xffffff], table: [0, 0, 254] });
  if (n.subnetPrefix < cluster.prefix) {
    throw new RangeError(`overlay option subnetPrefix: /${n.subnetPrefix} is wider than the cluster range ${cluster.text}`);
  }
  const hosts = o.hosts ?? [];
  if (!Array.isArray(hosts)) throw new RangeError('overlay option hosts: expected a list of { name, dpid, underlay }');
  return {
    mode, cluster, ...n,
    tunnelPort: str(o, 'tunnelPort', 'vxlan0'),
    uplinkPort: str(o, 'uplinkPort', 'uplink'),
    hosts: hosts as HostSpec[],
  };
}
