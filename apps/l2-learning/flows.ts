/**
 * Pure builders for the flows and packet-outs of l2-learning. Match keys (see docs/L2.md):
 * - where a host's frame enters the network (its edge port): in_port + eth_src + eth_dst, so a
 *   new source, or a known one on a new port (a move), still misses and is learned;
 * - every later hop (reached over a switch-to-switch link): in_port + eth_dst, shared by every
 *   source, and never matching frames that enter on an edge port of that switch.
 * Every flow carries the app's cookie, so deletes by cookie touch only ours.
 */
import type { FlowMod, PacketOut } from '../../protocol/index.js';
import { flowAdd, flowDelete, output, packetOut } from '../sdk/index.js';

export interface FlowParams {
  table: number;
  priority: number;
  idleTimeoutSec: number;
  /** Cookie of flows entered from an edge port (per source/destination pair). */
  pairCookie: bigint;
  /** Cookie of flows entered over a link (per destination). */
  transitCookie: bigint;
  /** The app's cookie and mask, for deletes of any of our flows. */
  cookieBase: bigint;
  cookieMask: bigint;
}

/** A flow at the switch where a host's frame enters, per (in_port, source, destination). */
export function pairFlow(p: FlowParams, inPort: number, src: string, dst: string, outPort: number): FlowMod {
  return flowAdd({
    table: p.table,
    priority: p.priority,
    match: { in_port: inPort, eth_dst: dst, eth_src: src },
    actions: [output(outPort)],
    idle: p.idleTimeoutSec,
    cookie: p.pairCookie,
  });
}

/** A flow at a switch reached over a link, per (in_port, destination). */
export function transitFlow(p: FlowParams, inPort: number, dst: string, outPort: number): FlowMod {
  return flowAdd({
    table: p.table,
    priority: p.priority,
    match: { in_port: inPort, eth_dst: dst },
    actions: [output(outPort)],
    idle: p.idleTimeoutSec,
    cookie: p.transitCookie,
  });
}

const own = (p: FlowParams) => ({ table: p.table, cookie: p.cookieBase, cookieMask: p.cookieMask });

/** Every flow of ours towards a MAC (non-strict: covers the more specific matches too). */
export function deleteTo(p: FlowParams, mac: string): FlowMod {
  return flowDelete({ ...own(p), match: { eth_dst: mac } });
}

/** Every flow of ours for frames from a MAC. */
export function deleteFrom(p: FlowParams, mac: string): FlowMod {
  return flowDelete({ ...own(p), match: { eth_src: mac } });
}

/** Every flow of ours that outputs to a port. */
export function deleteOutPort(p: FlowParams, port: number): FlowMod {
  return flowDelete({ ...own(p), outPort: port });
}

/** Every flow of ours matching frames that arrive on a port. */
export function deleteInPort(p: FlowParams, port: number): FlowMod {
  return flowDelete({ ...own(p), match: { in_port: port } });
}

/** Send a frame out of explicit ports (Open vSwitch does not buffer: the frame goes along). */
export function sendOut(data: Uint8Array, inPort: number, ports: readonly number[]): PacketOut {
  return packetOut({ data, inPort, actions: ports.map((port) => output(port)) });
}
