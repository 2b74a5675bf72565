/**
 * The switch graph, rebuilt from the link list whenever switches or links change: shortest
 * paths (BFS on hop count) and the flood tree (a BFS spanning tree per connected component,
 * rooted at the component's lowest dpid). Every choice between equals goes by dpid, then port
 * number, so the same topology always gives the same paths and the same tree.
 */
import type { Dpid } from '../sdk/index.js';
import type { Link, PortRef } from './api.js';

export const portKey = (dpid: Dpid, port: number): string => `${dpid}/${port}`;

function cmpRef(a: PortRef, b: PortRef): number {
  return a.dpid < b.dpid ? -1 : a.dpid > b.dpid ? 1 : a.port - b.port;
}

/** Links by destination switch, then source port, then destination port. */
function cmpOut(a: Link, b: Link): number {
  return a.dst.dpid < b.dst.dpid ? -1 : a.dst.dpid > b.dst.dpid ? 1 : a.src.port - b.src.port || a.dst.port - b.dst.port;
}

export function sortLinks(links: Link[]): Link[] {
  return links.sort((a, b) => cmpRef(a.src, b.src) || cmpRef(a.dst, b.dst));
}

export class Graph {
  /** Directed links leaving each switch, in tie-breaking order. */
  readonly #out = new Map<Dpid, Link[]>();
  /** Ports ("dpid/port") of flood-tree links. */
  readonly #treePorts = new Set<string>();
  /** BFS parent links from a source switch, computed on first use. */
  readonly #bfs = new Map<Dpid, Map<Dpid, Link | null>>();
  readonly #switches: ReadonlySet<Dpid>;

  constructor(switches: Iterable<Dpid>, links: readonly Link[]) {
    this.#switches = new Set(switches);
    for (const d of this.#switches) this.#out.set(d, []);
    for (const l of links) {
      // A link to or from a switch we do not have is not part of the graph.
      if (l.src.dpid === l.dst.dpid || !this.#switches.has(l.dst.dpid)) continue;
      this.#out.get(l.src.dpid)?.push(l);
    }
    for (const list of this.#out.values()) list.sort(cmpOut);
    this.#buildTree();
  }

  isTreePort(dpid: Dpid, port: number): boolean {
    return this.#treePorts.has(portKey(dpid, port));
  }

  /** Tree ports as "dpid/port" keys (for tests and inspection). */
  treePorts(): string[] {
    return [...this.#treePorts].sort();
  }

  path(from: Dpid, to: Dpid): Link[] | undefined {
    if (!this.#switches.has(from) || !this.#switches.has(to)) return undefined;
    if (from === to) return [];
    let parents = this.#bfs.get(from);
    if (!parents) this.#bfs.set(from, (parents = this.#search(from)));
    if (!parents.has(to)) return undefined;
    const out: Link[] = [];
    for (let at = to; at !== from; ) {
      const l = parents.get(at)!;
      out.push(l);
      at = l.src.dpid;
    }
    return out.reverse();
  }

  #search(from: Dpid): Map<Dpid, Link | null> {
    const parents = new Map<Dpid, Link | null>([[from, null]]);
    const queue: Dpid[] = [from];
    for (let i = 0; i < queue.length; i++) {
      for (const l of this.#out.get(queue[i]!) ?? []) {
        if (parents.has(l.dst.dpid)) continue;
        parents.set(l.dst.dpid, l);
        queue.push(l.dst.dpid);
      }
    }
    return parents;
  }

  /**
   * The flood tree over the links taken as undirected (a link seen in one direction only still
   * joins its two ports). Only tree ports carry floods between switches, so every other link
   * port is blocked: that is what keeps a broadcast from going round a loop.
   */
  #buildTree(): void {
    const adj = new Map<Dpid, { port: number; peer: PortRef }[]>();
    for (const d of this.#switches) adj.set(d, []);
    for (const list of this.#out.values()) {
      for (const l of list) {
        adj.get(l.src.dpid)!.push({ port: l.src.port, peer: l.dst });
        adj.get(l.dst.dpid)!.push({ port: l.dst.port, peer: l.src });
      }
    }
    for (const list of adj.values()) list.sort((a, b) => cmpRef(a.peer, b.peer) || a.port - b.port);
    const seen = new Set<Dpid>();
    for (const root of [...this.#switches].sort()) {
      if (seen.has(root)) continue;
      seen.add(root);
      const queue = [root];
      for (let i = 0; i < queue.length; i++) {
        const u = queue[i]!;
        for (const e of adj.get(u)!) {
          if (seen.has(e.peer.dpid)) continue;
          seen.add(e.peer.dpid);
          this.#treePorts.add(portKey(u, e.port));
          this.#treePorts.add(portKey(e.peer.dpid, e.peer.port));
          queue.push(e.peer.dpid);
        }
      }
    }
  }
}
