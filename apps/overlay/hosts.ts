/**
 * The hosts of the cluster: name, integration bridge, underlay address and the subnet weft
 * allocated from the cluster range. Input is checked here; errors are HttpErrors that REST sends
 * as they are (400 naming the field, 404, 409).
 */
import { isIpv4, numberToIpv4 } from '../../protocol/packet/index.js';
import { HttpError, toDpid } from '../sdk/index.js';
import type { Dpid } from '../sdk/index.js';
import { allocate, contains, gatewayMac, gatewayOf, parseCidr } from './ipam.js';
import type { Cidr } from './ipam.js';
import type { HostSpec, OverlayOptions } from './options.js';

export interface Host {
  readonly name: string;
  readonly dpid: Dpid;
  readonly underlay: string;
  readonly subnet: Cidr;
  readonly gateway: string;
  readonly gatewayNum: number;
  readonly gatewayMac: string;
}

/** What state and REST keep and show of a host. */
export const hostRecord = (h: Host) => ({ name: h.name, dpid: h.dpid, underlay: h.underlay, subnet: h.subnet.text });

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export class Hosts {
  readonly #byName = new Map<string, Host>();

  constructor(private readonly opts: OverlayOptions) {}

  list(): Host[] {
    return [...this.#byName.values()].sort((a, b) => a.subnet.net - b.subnet.net);
  }

  get(name: string): Host | undefined {
    return this.#byName.get(name);
  }

  byDpid(dpid: Dpid): Host | undefined {
    for (const h of this.#byName.values()) if (h.dpid === dpid) return h;
    return undefined;
  }

  /** Check and add a host, allocating its subnet unless the spec names one. */
  add(spec: unknown): Host {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw HttpError.badRequest('expected an object { name, dpid, underlay }');
    const s = spec as Partial<Record<keyof HostSpec, unknown>>;
    for (const k of Object.keys(s)) {
      if (!['name', 'dpid', 'underlay', 'subnet'].includes(k)) throw HttpError.badRequest(`${k}: unknown field (known: name, dpid, underlay, subnet)`, k);
    }
    if (typeof s.name !== 'string' || !NAME.test(s.name)) throw HttpError.badRequest('name: required, 1-63 letters, digits, ".", "_" or "-"', 'name');
    let dpid: Dpid;
    try {
      if (typeof s.dpid !== 'string') throw new Error('required');
      dpid = toDpid(s.dpid);
    } catch (e) {
      throw HttpError.badRequest(`dpid: ${(e as Error).message}; expected the bridge's datapath id in hex`, 'dpid');
    }
    if (typeof s.underlay !== 'string' || !isIpv4(s.underlay)) throw HttpError.badRequest(`underlay: expected an IPv4 address, got ${JSON.stringify(s.underlay)}`, 'underlay');
    if (this.#byName.has(s.name)) throw HttpError.conflict(`host ${s.name} exists`);
    for (const h of this.#byName.values()) {
      if (h.dpid === dpid) throw HttpError.conflict(`bridge ${dpid} is host ${h.name} already`);
      if (h.underlay === s.underlay) throw HttpError.conflict(`underlay ${s.underlay} is host ${h.name}'s already`);
    }
    const subnet = this.#subnetFor(s.subnet);
    const gw = gatewayOf(subnet);
    const host: Host = { name: s.name, dpid, underlay: s.underlay, subnet, gateway: numberToIpv4(gw), gatewayNum: gw, gatewayMac: gatewayMac(gw) };
    this.#byName.set(host.name, host);
    return host;
  }

  remove(name: string): Host {
    const h = this.#byName.get(name);
    if (!h) throw HttpError.notFound(`no host ${name}`);
    this.#byName.delete(name);
    return h;
  }

  /** The host whose subnet holds `ip`. */
  ofAddress(ip: number): Host | undefined {
    for (const h of this.#byName.values()) if (contains(h.subnet, ip)) return h;
    return undefined;
  }

  #subnetFor(want: unknown): Cidr {
    const { cluster, subnetPrefix } = this.opts;
    const used = new Set(this.list().map((h) => h.subnet.net));
    if (want === undefined) {
      const c = allocate(cluster, subnetPrefix, used);
      if (!c) throw HttpError.conflict(`the cluster range ${cluster.text} has no free /${subnetPrefix} left`);
      return c;
    }
    let c: Cidr;
    try {
      c = parseCidr(want);
    } catch (e) {
      throw HttpError.badRequest(`subnet: ${(e as Error).message}`, 'subnet');
    }
    if (c.prefix !== subnetPrefix || !contains(cluster, c.net)) {
      throw HttpError.badRequest(`subnet: expected a /${subnetPrefix} inside ${cluster.text}, got ${c.text}`, 'subnet');
    }
    if (used.has(c.net)) throw HttpError.conflict(`subnet ${c.text} belongs to another host`);
    return c;
  }
}

