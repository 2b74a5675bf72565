/**
 * What l2-learning does with one packet-in: learn the source (edge ports only, within the
 * caps), then either install the path to a known destination and send the frame along its
 * first hop, or flood it. With the topology app the path spans every switch to the host and
 * flooding uses the loop-free flood tree; without it each switch learns on its own and floods
 * with OFPP_FLOOD (loop-unsafe on looped topologies: docs/L2.md).
 */
import { OFPP } from '../../protocol/index.js';
import type { EthernetHeader } from '../../protocol/packet/index.js';
import type { Dpid, Outbox, PacketInEvent, SwitchView } from '../sdk/index.js';
import { deleteFrom, deleteTo, pairFlow, sendOut, sendOutOne, transitFlow } from './flows.js';
import { invalidateMac } from './invalidate.js';
import { queueDeletes } from './state.js';
import type { L2State } from './state.js';
import type { RouteSlot } from './routes.js';

const LLDP = 0x88cc;
const TWO_40 = 2 ** 40;
const FLOOD_PORTS: readonly number[] = Object.freeze([OFPP.FLOOD]);

/** The group bit (multicast and broadcast) of a MAC given as a 48-bit number. */
const isGroup = (macNum: number) => (Math.floor(macNum / TWO_40) & 1) === 1;
/** 01:80:c2:00:00:0X: 802.1D link-local (STP, LACP, 802.1X...), never forwarded by a bridge. */
const isLinkLocal = (macNum: number) => macNum >= 0x0180c2000000 && macNum <= 0x0180c200000f;

export function handlePacketIn(s: L2State, sw: SwitchView, ev: PacketInEvent, out: Outbox): void {
  // What we never learn from nor forward.
  if (ev.data.length < 14) return void s.counters.ignored++;
  const eth = ev.frame.eth;
  if (eth.ethType === LLDP || isGroup(eth.srcNum) || isLinkLocal(eth.dstNum)) return void s.counters.ignored++;
  const now = s.ctx.now();
  if (s.topo) topologyForward(s, sw.dpid, ev, eth, now, out);
  else standaloneForward(s, sw.dpid, ev, eth.src, eth.dst, isGroup(eth.dstNum), now, out, eth.srcNum);
}

/** Count a learning; returns whether the source is (now) learned. */
function counted(s: L2State, kind: string): boolean {
  switch (kind) {
    case 'new':
      s.counters.macsLearned++;
      return true;
    case 'refusedSwitchCap':
      s.counters.refusedSwitchCap++;
      return false;
    case 'refusedPortCap':
      s.counters.refusedPortCap++;
      return false;
    default:
      return true;
  }
}

// ---------------------------------------------------------------- with the topology app

/**
 * Learn a source seen on an edge port; a MAC known elsewhere has moved. The lookups use the MAC
 * as a number (Ethernet#srcNum); its text is made only to learn it.
 */
function learnEdge(s: L2State, dpid: Dpid, port: number, eth: EthernetHeader, now: number, out: Outbox): boolean {
  const macNum = eth.srcNum;
  const prev = s.macs.locate(macNum, now);
  // Known here already (nearly every packet-in): what learn() would do, without its lookup.
  if (prev && prev.dpid === dpid && prev.port === port) {
    s.macs.refresh(prev, now);
    return true;
  }
  // What the topology refuses (a hijack of a pinned or often-moved MAC, a flood past its caps)
  // is not learned here either: otherwise our newer sighting would win in locate().
  const topo = s.topo!;
  if (topo.admitsHost !== undefined && !topo.admitsHost(macNum, dpid, port, now)) {
    s.counters.refusedByTopology++;
    return false;
  }
  const mac = eth.src;
  if (prev && prev.dpid !== dpid) {
    const prevDpid = prev.dpid;
    s.counters.moves++;
    s.macs.forget(mac);
    invalidateMac(s, out, mac, prevDpid);
  }
  const r = s.macs.learn(dpid, mac, port, now, macNum);
  if (r.kind === 'moved') {
    s.counters.moves++;
    invalidateMac(s, out, mac, dpid);
  }
  return counted(s, r.kind);
}

/**
 * Where a destination attaches (see locate()), and our own entry for it if we have one (where
 * the route tracker keeps its record); set by locate(), read at once by its caller.
 */
const found: { dpid: Dpid; port: number; slot: RouteSlot | undefined } = { dpid: '', port: 0, slot: undefined };

/**
 * Where a destination attaches: the topology's host table or ours, whichever saw it last (the
 * topology ignores sightings on ports it has not settled yet, a host moving to a new port say;
 * we refuse some it accepts, past our caps). Both come from the same packet-ins, the
 * topology's handler first: at the same time and a different place, it ignored the sighting
 * we took, so ours is the newer news. The answer is in `found` (no object per packet-in).
 */
function locate(s: L2State, eth: EthernetHeader, now: number): boolean {
  const topo = s.topo!;
  const macNum = eth.dstNum;
  let h = topo.hostLocation ? topo.hostLocation(macNum) : topo.host(eth.dst);
  if (h && !topo.isEdgePort(h.dpid, h.port)) h = undefined;
  const mine = s.macs.locate(macNum, now);
  found.slot = mine;
  if (h && (!mine || h.lastSeen > mine.lastSeen || (h.dpid === mine.dpid && h.port === mine.port))) {
    found.dpid = h.dpid;
    found.port = h.port;
    return true;
  }
  if (!mine) return false;
  found.dpid = mine.dpid;
  found.port = mine.port;
  return true;
}

function flood(s: L2State, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const ports = s.topo!.floodPorts(dpid, ev.inPort);
  if (ports.length === 0) return;
  s.counters.floods++;
  out.to(dpid, sendOut(ev.data, ev.inPort, ports));
}

function topologyForward(s: L2State, dpid: Dpid, ev: PacketInEvent, eth: EthernetHeader, now: number, out: Outbox): void {
  const topo = s.topo!;
  const edge = topo.isEdgePort(dpid, ev.inPort);
  // Frames crossing a link were learned where they entered; learning them here would
  // "move" every host to every switch its traffic crosses.
  const srcLearned = edge ? learnEdge(s, dpid, ev.inPort, eth, now, out) : true;
  if (isGroup(eth.dstNum) || !locate(s, eth, now)) return flood(s, dpid, ev, out);
  const toDpid = found.dpid;
  const toPort = found.port;
  const slot = found.slot;
  if (toDpid === dpid && toPort === ev.inPort) {
    s.counters.sameSegment++;
    return;
  }
  const path = toDpid === dpid ? undefined : topo.path(dpid, toDpid);
  if (toDpid !== dpid && (!path || (path.length > 0 && path[0]!.src.dpid !== dpid))) return flood(s, dpid, ev, out);

  // One hop per switch: where the frame enters it and where it leaves; the first hop's output
  // is where the frame itself goes.
  const firstOut = path && path.length > 0 ? path[0]!.src.port : toPort;
  // A source we refused to learn gets no flows (a MAC flood must not fill flow tables):
  // its frame is forwarded one hop, and the next switch takes it from there.
  if (srcLearned) {
    const src = eth.src;
    const dst = eth.dst;
    let at = dpid;
    let inPort = ev.inPort;
    const n = path ? path.length : 0;
    for (let i = 0; i <= n; i++) {
      const link = i < n ? path![i]! : undefined;
      const outPort = link ? link.src.port : toPort;
      out.to(at, i === 0 && edge ? pairFlow(s.flows, inPort, src, dst, outPort) : transitFlow(s.flows, inPort, dst, outPort));
      s.routes.recordHop(dst, at, outPort, slot, now);
      if (link) {
        at = link.dst.dpid;
        inPort = link.dst.port;
      }
    }
    s.counters.flowsInstalled += n + 1;
  }
  out.to(dpid, sendOutOne(ev.data, ev.inPort, firstOut));
}

// ---------------------------------------------------------------- standalone

function standaloneForward(s: L2State, dpid: Dpid, ev: PacketInEvent, src: string, dst: string, dstGroup: boolean, now: number, out: Outbox, srcNum: number): void {
  const r = s.macs.learn(dpid, src, ev.inPort, now, srcNum);
  if (r.kind === 'moved') {
    s.counters.moves++;
    queueDeletes(s, out, dpid, deleteTo(s.flows, src), deleteFrom(s.flows, src));
    s.routes.forget(src);
  }
  const srcLearned = counted(s, r.kind);
  const to = dstGroup ? undefined : s.macs.table(dpid).get(dst, now);
  if (!to) {
    s.counters.floods++;
    out.to(dpid, sendOut(ev.data, ev.inPort, FLOOD_PORTS));
    return;
  }
  if (to.port === ev.inPort) {
    s.counters.sameSegment++;
    return;
  }
  if (srcLearned) {
    out.to(dpid, pairFlow(s.flows, ev.inPort, src, dst, to.port));
    s.counters.flowsInstalled++;
    s.routes.recordHop(dst, dpid, to.port, to, now);
  }
  out.to(dpid, sendOutOne(ev.data, ev.inPort, to.port));
}
