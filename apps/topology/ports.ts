/**
 * What the topology keeps per switch and per port, and the port rules that need nothing else:
 * liveness from a port description, a fresh port's state, and starting a loop hold
 * (docs/TOPOLOGY.md, "Loop hold").
 */
import { OFPP, OFPPC, OFPPS } from '../../protocol/index.js';
import type { Port } from '../../protocol/index.js';
import type { Dpid } from '../sdk/index.js';
import type { Graph } from './graph.js';
import type { RepeatCounter } from './repeats.js';

export interface PortState {
  readonly no: number;
  hwAddr: string;
  live: boolean;
  /** When the port (or its switch) last came up, or last lost its link: the settle clock. */
  upAt: number;
  /** A host was seen on it while it had no link: an edge port for sure. */
  confirmed: boolean;
  /** When a host last spoke on it as an established edge (settled, no link): no new link here for a while. */
  edgeSeenAt: number;
  /** When a refused host on it was last logged, and the refusals since (not logged). */
  refusalLogAt: number;
  refusalsUnlogged: number;
  /** Loop hold (the same broadcast kept arriving here): not flooded, no host learned, until then. */
  loopHoldUntil: number;
  /** Holds in a row (each one twice as long), until a link shows on the port or it comes up again. */
  loopHoldCount: number;
  /** Recent group-addressed frames that arrived here (repeats.ts), made on the first one. */
  repeats?: RepeatCounter;
}

export interface SwitchState {
  readonly dpid: Dpid;
  readonly ports: Map<number, PortState>;
  lastLldpAt: number;
  /** floodPorts' answers per in-port, valid for one graph, one #floodEpoch and until a time. */
  flood?: { graph: Graph; epoch: number; until: number; byInPort: Map<number, readonly number[]> };
}

/** A port held again and again waits at most 2^this times loopHoldMs. */
const LOOP_HOLD_MAX_DOUBLINGS = 5;

export const isPhysical = (port: number) => port >= 1 && port <= OFPP.MAX;

export const isLive = (p: Port) => (p.state & OFPPS.LINK_DOWN) === 0 && (p.config & OFPPC.PORT_DOWN) === 0;

export const newPort = (p: Port, now: number): PortState => ({
  no: p.portNo,
  hwAddr: p.hwAddr,
  live: isLive(p),
  upAt: now,
  confirmed: false,
  edgeSeenAt: -Infinity,
  refusalLogAt: -Infinity,
  refusalsUnlogged: 0,
  loopHoldUntil: -Infinity,
  loopHoldCount: 0,
});

/**
 * Hold `port` (not flooded, no host learned) for `baseMs`, doubled for each hold in a row: it is
 * no known edge any more, and LLDP may make a link on it at once. Returns the hold's length (0:
 * holds are off).
 */
export function startLoopHold(port: PortState, baseMs: number, now: number): number {
  if (baseMs === 0) return 0;
  const ms = baseMs * 2 ** Math.min(port.loopHoldCount, LOOP_HOLD_MAX_DOUBLINGS);
  port.loopHoldCount++;
  port.loopHoldUntil = now + ms;
  port.confirmed = false;
  port.edgeSeenAt = -Infinity;
  port.repeats?.clear();
  return ms;
}

/** The port carries a link now, or came up again: no hold, and the next one starts at baseMs. */
export function endLoopHold(port: PortState): void {
  port.loopHoldUntil = -Infinity;
  port.loopHoldCount = 0;
}
