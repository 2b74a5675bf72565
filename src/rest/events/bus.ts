/**
 * The live-event bus behind /api/v1/events: a tiny synchronous publish/subscribe of weft
 * events, fed by main.ts (switch up/down from the connection layer, switch ERRORs) and by the
 * topology service (ports, links, hosts). One JSON-friendly event shape, also the source of
 * the protobuf frames (proto/events.proto).
 */
import type { ReconcileResult } from '../../host/reconcile-types.js';
import type { HostInfo, PortRef, TopologyEvent, TopologyService } from '../../../apps/topology/api.js';

export type WeftEventBody =
  | { type: 'switch_up'; dpid: string; remoteAddress: string; remotePort: number }
  | { type: 'switch_down'; dpid: string; reason: string }
  | { type: 'port_added' | 'port_removed' | 'port_modified'; dpid: string; port: number; live: boolean }
  | { type: 'link_added' | 'link_removed'; src: PortRef; dst: PortRef }
  | { type: 'host_added' | 'host_removed' | 'host_updated'; mac: string; ipv4: string[]; ipv6: string[]; at: PortRef }
  | { type: 'host_moved'; mac: string; ipv4: string[]; ipv6: string[]; at: PortRef; from: PortRef }
  | { type: 'flow_error'; dpid: string; xid: number; errorType: string; errorCode: string; request: string }
  | { type: 'app_disabled' | 'app_enabled'; app: string; reason: string; disables: number }
  | ({ type: 'switch_reconciled'; dpid: string; trigger: string; durationMs: number; error: string } & Omit<ReconcileResult['flows'], 'onSwitch' | 'desired'>);

export type WeftEvent = WeftEventBody & { seq: number; time: string };

export type EventType = WeftEventBody['type'];
export const EVENT_TYPES: readonly EventType[] = [
  'switch_up', 'switch_down', 'port_added', 'port_removed', 'port_modified', 'link_added', 'link_removed',
  'host_added', 'host_removed', 'host_moved', 'host_updated', 'flow_error', 'switch_reconciled', 'app_disabled', 'app_enabled',
];

export class EventBus {
  private readonly listeners = new Set<(e: WeftEvent) => void>();
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  publish(body: WeftEventBody): void {
    const seq = ++this.seq;
    // Nobody listening (the usual case): don't build the event; seq still counts it.
    if (this.listeners.size === 0) return;
    const e = { ...body, seq, time: new Date(this.clock()).toISOString() } as WeftEvent;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A failing subscriber must not stop the others (nor the publisher: the controller).
      }
    }
  }

  subscribe(listener: (e: WeftEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Forward the topology service's events; returns the unsubscribe. */
  attachTopology(t: TopologyService): () => void {
    return t.subscribe((ev) => {
      // Nobody listening: count the event without converting it (host events copy lists).
      if (this.listeners.size === 0) {
        if (ev.type !== 'switchAdded' && ev.type !== 'switchRemoved') this.seq++;
        return;
      }
      const body = fromTopology(ev);
      if (body) this.publish(body);
    });
  }
}

const host = (h: HostInfo) => ({ mac: h.mac, ipv4: [...h.ipv4], ipv6: [...h.ipv6], at: { dpid: h.dpid, port: h.port } });

/** Topology events as bus events (switch add/remove come from the connection layer instead). */
export function fromTopology(ev: TopologyEvent): WeftEventBody | undefined {
  switch (ev.type) {
    case 'portAdded':
      return { type: 'port_added', dpid: ev.dpid, port: ev.port, live: ev.live };
    case 'portRemoved':
      return { type: 'port_removed', dpid: ev.dpid, port: ev.port, live: ev.live };
    case 'portModified':
      return { type: 'port_modified', dpid: ev.dpid, port: ev.port, live: ev.live };
    case 'linkAdded':
      return { type: 'link_added', src: { ...ev.link.src }, dst: { ...ev.link.dst } };
    case 'linkRemoved':
      return { type: 'link_removed', src: { ...ev.link.src }, dst: { ...ev.link.dst } };
    case 'hostAdded':
      return { type: 'host_added', ...host(ev.host) };
    case 'hostRemoved':
      return { type: 'host_removed', ...host(ev.host) };
    case 'hostUpdated':
      return { type: 'host_updated', ...host(ev.host) };
    case 'hostMoved':
      return { type: 'host_moved', ...host(ev.host), from: { ...ev.from } };
    default:
      return undefined;
  }
}
