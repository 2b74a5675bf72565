/**
 * A small in-memory TopologyService for l2-learning tests: links and hosts are set by the test
 * (no LLDP), paths are BFS shortest paths (neighbours in dpid/port order, so deterministic),
 * and the flood tree is the BFS tree from the lowest dpid. Changes emit TopologyEvents like
 * the real app's, synchronously.
 */
import type { ApiProvider, Dpid } from '../../../apps/sdk/index.js';
import type { HostInfo, Link, PortRef, TopologyEvent, TopologyService } from '../../../apps/topology/api.js';

const key = (p: PortRef) => `${p.dpid}/${p.port}`;

export class StubTopology implements TopologyService {
  version = 0;
  readonly #ports = new Map<Dpid, number[]>();
  #links: Link[] = [];
  readonly #hosts = new Map<string, HostInfo>();
  readonly #listeners = new Set<(ev: TopologyEvent) => void>();

  /** Switches and their port numbers. */
  constructor(switches: Record<Dpid, number[]>) {
    for (const [d, ports] of Object.entries(switches)) this.#ports.set(d, [...ports].sort((a, b) => a - b));
  }

  // ---------------------------------------------------------------- scripting

  /** A bidirectional link (two directed links, two events). */
  addLink(a: PortRef, b: PortRef): void {
    for (const link of [{ src: a, dst: b }, { src: b, dst: a }]) {
      this.#links.push(link);
      this.#emit({ type: 'linkAdded', link });
    }
  }

  removeLink(a: PortRef, b: PortRef): void {
    for (const [s, d] of [[a, b], [b, a]] as const) {
      const link = this.#links.find((l) => key(l.src) === key(s) && key(l.dst) === key(d));
      if (!link) continue;
      this.#links = this.#links.filter((l) => l !== link);
      this.#emit({ type: 'linkRemoved', link });
    }
  }

  /** Place (or move) a host; emits hostAdded or hostMoved. */
  placeHost(mac: string, dpid: Dpid, port: number, now = 0): void {
    const old = this.#hosts.get(mac);
    const host: HostInfo = { mac, ipv4: [], ipv6: [], dpid, port, firstSeen: old?.firstSeen ?? now, lastSeen: now };
    this.#hosts.set(mac, host);
    if (!old) this.#emit({ type: 'hostAdded', host });
    else if (old.dpid !== dpid || old.port !== port) this.#emit({ type: 'hostMoved', host, from: { dpid: old.dpid, port: old.port } });
  }

  portDown(dpid: Dpid, port: number): void {
    this.#emit({ type: 'portModified', dpid, port, live: false });
  }

  // ---------------------------------------------------------------- TopologyService

  switches(): Dpid[] {
    return [...this.#ports.keys()].sort();
  }

  links(): Link[] {
    return [...this.#links];
  }

  hosts(): HostInfo[] {
    return [...this.#hosts.values()];
  }

  host(mac: string): HostInfo | undefined {
    return this.#hosts.get(mac);
  }

  hostByIp(ip: string): HostInfo | undefined {
    return this.hosts().find((h) => h.ipv4.includes(ip) || h.ipv6.includes(ip));
  }

  isEdgePort(dpid: Dpid, port: number): boolean {
    return !this.#links.some((l) => l.src.dpid === dpid && l.src.port === port);
  }

  path(from: Dpid, to: Dpid): Link[] | undefined {
    if (from === to) return [];
    const tree = this.#bfs(from);
    if (!tree.has(to)) return undefined;
    const out: Link[] = [];
    for (let at = to; at !== from; ) {
      const l = tree.get(at)!;
      out.unshift(l);
      at = l.src.dpid;
    }
    return out;
  }

  floodPorts(dpid: Dpid, inPort: number): number[] {
    const root = this.switches()[0];
    const treeKeys = new Set<string>();
    if (root !== undefined) {
      for (const l of this.#bfs(root).values()) {
        treeKeys.add(key(l.src));
        treeKeys.add(key(l.dst));
      }
    }
    const inKey = `${dpid}/${inPort}`;
    if (!this.isEdgePort(dpid, inPort) && !treeKeys.has(inKey)) return [];
    return (this.#ports.get(dpid) ?? []).filter((p) => p !== inPort && (this.isEdgePort(dpid, p) || treeKeys.has(`${dpid}/${p}`)));
  }

  subscribe(listener: (ev: TopologyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  /** BFS from a switch: for each reached switch, the link it was reached by. */
  #bfs(from: Dpid): Map<Dpid, Link> {
    const via = new Map<Dpid, Link>();
    const seen = new Set([from]);
    const queue = [from];
    const sorted = [...this.#links].sort((a, b) => a.src.port - b.src.port || a.dst.dpid.localeCompare(b.dst.dpid));
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const l of sorted) {
        if (l.src.dpid !== at || seen.has(l.dst.dpid)) continue;
        seen.add(l.dst.dpid);
        via.set(l.dst.dpid, l);
        queue.push(l.dst.dpid);
      }
    }
    return via;
  }

  #emit(ev: TopologyEvent): void {
    this.version++;
    for (const f of this.#listeners) f(ev);
  }
}

/** The stub wrapped as the 'topology' app, for `ctx.app('topology')`. */
export function stubTopologyApp(topology: StubTopology): ApiProvider<'topology'> {
  return { name: 'topology', api: topology };
}
