/**
 * What l2-learning does with one packet-in: learn the source (edge ports only, within the
 * caps), then either install the path to a known destination and send the frame along its
 * first hop, or flood it. With the topology app the path spans every switch to the host and
 * flooding uses the loop-free flood tree; without it each switch learns on its own and floods
 * with OFPP_FLOOD (loop-unsafe on looped topologies: docs/L2.md).
 */
import { OFPP } from '../../protocol/index.js';
import type { Dpid, Outbox, PacketInEvent, SwitchView } from '../sdk/index.js';
import { deleteFrom, deleteTo, pairFlow, sendOut, transitFlow } from './flows.js';
import { invalidateMac } from './invalidate.js';
import type { Hop } from './routes.js';
import { queueDeletes } from './state.js';
import type { L2State } from './state.js';

const LLDP = 0x88cc;
const TWO_40 = 2 ** 40;

/** The group bit (multicast and broadcast) of a MAC given as a 48-bit number. */
const isGroup = (macNum: number) => (Math.floor(macNum / TWO_40) & 1) === 1;
/** 01:80:c2:00:00:0X: 802.1D link-local (STP, LACP, 802.1X...), never forwarded by a bridge. */
const isLinkLocal = (macNum: number) => macNum >= 0x0180c2000000 && macNum <= 0x0180c200000f;

interface Frame {
  src: string;
  dst: string;
  dstGroup: boolean;
}

/** The frame's addresses, or undefined for what we never learn from nor forward. */
function accept(s: L2State, ev: PacketInEvent): Frame | undefined {
  if (ev.data.length < 14) return void s.counters.ignored++;
  const eth = ev.frame.eth;
  if (eth.ethType === LLDP || isGroup(eth.srcNum) || isLinkLocal(eth.dstNum)) return void s.counters.ignored++;
  return { src: eth.src, dst: eth.dst, dstGroup: isGroup(eth.dstNum) };
}

export function handlePacketIn(s: L2State, sw: SwitchView, ev: PacketInEvent, out: Outbox): void {
  const f = accept(s, ev);
  if (!f) return;
  if (s.topo) topologyForward(s, sw.dpid, ev, f, out);
  else standaloneForward(s, sw.dpid, ev, f, out);
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

/** Learn a source seen on an edge port; a MAC known elsewhere has moved. */
function learnEdge(s: L2State, dpid: Dpid, port: number, mac: string, out: Outbox): boolean {
  const prev = s.macs.locate(mac);
  if (prev && prev.dpid !== dpid) {
    s.counters.moves++;
    s.macs.forget(mac);
    invalidateMac(s, out, mac, prev.dpid);
  }
  const r = s.macs.learn(dpid, mac, port);
  if (r.kind === 'moved') {
    s.counters.moves++;
    invalidateMac(s, out, mac, dpid);
  }
  return counted(s, r.kind);
}

/**
 * Where a destination attaches: the topology's host table or ours, whichever saw it last (the
 * topology ignores sightings on ports it has not settled yet, a host moving to a new port say;
 * we refuse some it accepts, past our caps). Both come from the same packet-ins, the
 * topology's handler first: at the same time and a different place, it ignored the sighting
 * we took, so ours is the newer news.
 */
function locate(s: L2State, mac: string): { dpid: Dpid; port: number } | undefined {
  const h = s.topo!.host(mac);
  const topo = h && s.topo!.isEdgePort(h.dpid, h.port) ? h : undefined;
  const mine = s.macs.locate(mac);
  if (topo && (!mine || topo.lastSeen > mine.lastSeen || (topo.dpid === mine.dpid && topo.port === mine.port))) return { dpid: topo.dpid, port: topo.port };
  return mine;
}

function flood(s: L2State, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const ports = s.topo!.floodPorts(dpid, ev.inPort);
  if (ports.length === 0) return;
  s.counters.floods++;
  out.to(dpid, sendOut(ev.data, ev.inPort, ports));
}

function topologyForward(s: L2State, dpid: Dpid, ev: PacketInEvent, f: Frame, out: Outbox): void {
  const topo = s.topo!;
  const edge = topo.isEdgePort(dpid, ev.inPort);
  // Frames crossing a link were learned where they entered; learning them here would
  // "move" every host to every switch its traffic crosses.
  const srcLearned = edge ? learnEdge(s, dpid, ev.inPort, f.src, out) : true;
  const to = f.dstGroup ? undefined : locate(s, f.dst);
  if (!to) return flood(s, dpid, ev, out);
  if (to.dpid === dpid && to.port === ev.inPort) {
    s.counters.sameSegment++;
    return;
  }
  const path = to.dpid === dpid ? [] : topo.path(dpid, to.dpid);
  if (!path || (path.length > 0 && path[0]!.src.dpid !== dpid)) return flood(s, dpid, ev, out);

  // One hop per switch: where the frame enters it and where it leaves.
  const hops: (Hop & { inPort: number })[] = [];
  let at = dpid;
  let inPort = ev.inPort;
  for (const link of path) {
    hops.push({ dpid: at, inPort, outPort: link.src.port });
    at = link.dst.dpid;
    inPort = link.dst.port;
  }
  hops.push({ dpid: at, inPort, outPort: to.port });

  // A source we refused to learn gets no flows (a MAC flood must not fill flow tables):
  // its frame is forwarded one hop, and the next switch takes it from there.
  if (srcLearned) {
    hops.forEach((h, i) => {
      const fm = i === 0 && edge ? pairFlow(s.flows, h.inPort, f.src, f.dst, h.outPort) : transitFlow(s.flows, h.inPort, f.dst, h.outPort);
      out.to(h.dpid, fm);
    });
    s.counters.flowsInstalled += hops.length;
    s.routes.record(f.dst, hops);
  }
  out.to(dpid, sendOut(ev.data, ev.inPort, [hops[0]!.outPort]));
}

// ---------------------------------------------------------------- standalone

function standaloneForward(s: L2State, dpid: Dpid, ev: PacketInEvent, f: Frame, out: Outbox): void {
  const r = s.macs.learn(dpid, f.src, ev.inPort);
  if (r.kind === 'moved') {
    s.counters.moves++;
    queueDeletes(s, out, dpid, deleteTo(s.flows, f.src), deleteFrom(s.flows, f.src));
    s.routes.forget(f.src);
  }
  const srcLearned = counted(s, r.kind);
  const to = f.dstGroup ? undefined : s.macs.table(dpid).get(f.dst);
  if (!to) {
    s.counters.floods++;
    out.to(dpid, sendOut(ev.data, ev.inPort, [OFPP.FLOOD]));
    return;
  }
  if (to.port === ev.inPort) {
    s.counters.sameSegment++;
    return;
  }
  if (srcLearned) {
    out.to(dpid, pairFlow(s.flows, ev.inPort, f.src, f.dst, to.port));
    s.counters.flowsInstalled++;
    s.routes.record(f.dst, [{ dpid, outPort: to.port }]);
  }
  out.to(dpid, sendOut(ev.data, ev.inPort, [to.port]));
}
