/**
 * Removing flows that became wrong: a host moved or left, a port or link went down, a port
 * turned out to carry a link. Everything here only queues messages in an Outbox; the caller
 * returns it, or the topology listener defers it (ctx.defer) into the batch of the event at hand.
 */
import { Outbox } from '../sdk/index.js';
import type { Dpid } from '../sdk/index.js';
import type { Link, TopologyEvent } from '../topology/api.js';
import { deleteFrom, deleteOutPort, deleteTo } from './flows.js';
import { queueDeletes } from './state.js';
import type { L2State } from './state.js';

function connected(s: L2State): Dpid[] {
  return s.ctx.switches().map((sw) => sw.dpid);
}

/**
 * Forget where a MAC is and delete our flows towards it on every connected switch (a moved
 * host's old path may cross any of them), and its per-pair flows at the switch it entered on.
 */
export function invalidateMac(s: L2State, out: Outbox, mac: string, oldSwitch?: Dpid): void {
  for (const dpid of connected(s)) queueDeletes(s, out, dpid, deleteTo(s.flows, mac));
  if (oldSwitch !== undefined && s.ctx.switch(oldSwitch)) queueDeletes(s, out, oldSwitch, deleteFrom(s.flows, mac));
  s.routes.forget(mac);
}

/**
 * A port stopped forwarding: delete our flows that output to it, and, for every destination
 * whose tracked path used it, that destination's flows on every switch of the path (so the
 * next packet computes a new path from its ingress instead of detouring from the break).
 * With `hosts`, MACs learned on the port are forgotten and their flows removed too.
 */
export function invalidatePort(s: L2State, out: Outbox, dpid: Dpid, port: number, hosts: boolean): void {
  if (s.ctx.switch(dpid)) queueDeletes(s, out, dpid, deleteOutPort(s.flows, port));
  for (const dst of s.routes.usersOf(dpid, port)) {
    for (const d of s.routes.switchesOf(dst)) if (s.ctx.switch(d)) queueDeletes(s, out, d, deleteTo(s.flows, dst));
    s.routes.forget(dst);
  }
  if (hosts) for (const mac of s.macs.forgetPort(dpid, port)) invalidateMac(s, out, mac, dpid);
}

/**
 * A switch is gone: the hosts attached to it are unreachable. Paths through it are the
 * topology's business: it reports the switch's links removed, and each is handled as a link
 * down (before this runs: the topology app's handler comes first). Paths that merely started
 * there are fine elsewhere and stay.
 */
export function invalidateSwitch(s: L2State, out: Outbox, dpid: Dpid): void {
  const attached = [...(s.macs.peek(dpid)?.entries() ?? [])].map(([mac]) => mac);
  s.macs.dropSwitch(dpid);
  // Without topology every switch learns every MAC on its own: nothing elsewhere to undo.
  if (!s.topo) return;
  // Only where a tracked path put flows to these hosts: MACs x all switches would be a burst of
  // FLOW_MODs that grows with the network (1000 switches x 100 MACs each is 10^5 per switch
  // down). An untracked path to them crossed one of the switch's links, and the topology's
  // link removals delete flows out of those ports.
  for (const mac of attached) {
    for (const d of s.routes.switchesOf(mac)) if (s.ctx.switch(d)) queueDeletes(s, out, d, deleteTo(s.flows, mac));
    s.routes.forget(mac);
  }
}

/**
 * A link showed up on ports we may have taken for edge ports (LLDP arrives after the first
 * frames): MACs learned there were wrong locations. Flows already installed stay: paths
 * installed later are shortest on a graph with more links, and mixing them is loop-free
 * (docs/L2.md, "Why per-destination flows do not loop").
 */
function linkAdded(s: L2State, out: Outbox, link: Link): void {
  for (const end of [link.src, link.dst]) for (const mac of s.macs.forgetPort(end.dpid, end.port)) invalidateMac(s, out, mac, end.dpid);
}

/** React to a topology change: the deletes it calls for are deferred into the current batch. */
export function onTopologyEvent(s: L2State, ev: TopologyEvent): void {
  const out = new Outbox();
  invalidateFor(s, out, ev);
  if (out.size > 0) s.ctx.defer(out);
}

function invalidateFor(s: L2State, out: Outbox, ev: TopologyEvent): void {
  switch (ev.type) {
    case 'linkAdded':
      return linkAdded(s, out, ev.link);
    case 'linkRemoved':
      invalidatePort(s, out, ev.link.src.dpid, ev.link.src.port, false);
      invalidatePort(s, out, ev.link.dst.dpid, ev.link.dst.port, false);
      return;
    case 'portRemoved':
      return invalidatePort(s, out, ev.dpid, ev.port, true);
    case 'portModified':
      if (!ev.live) invalidatePort(s, out, ev.dpid, ev.port, true);
      return;
    case 'hostMoved': {
      s.counters.moves++;
      const mac = ev.host.mac;
      s.macs.forget(mac);
      invalidateMac(s, out, mac, ev.from.dpid);
      return;
    }
    case 'hostRemoved':
      // Hosts also age out of the topology while their traffic runs in our flows (no
      // packet-ins): leave those flows to their idle timeout. Only a host found to sit on a
      // link port, or forgotten by a loop hold, was a wrong location whose flows must go.
      if (ev.wrongPlace || (s.topo && !s.topo.isEdgePort(ev.host.dpid, ev.host.port))) {
        s.macs.forget(ev.host.mac);
        invalidateMac(s, out, ev.host.mac, ev.host.dpid);
      }
      return;
    default:
      return;
  }
}
