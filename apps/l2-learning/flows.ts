/**
 * Pure builders for the flows and packet-outs of l2-learning. Match keys (see docs/L2.md):
 * - where a host's frame enters the network (its edge port): in_port + eth_src + eth_dst, so a
 *   new source, or a known one on a new port (a move), still misses and is learned;
 * - every later hop (reached over a switch-to-switch link): in_port + eth_dst, shared by every
 *   source, and never matching frames that enter on an edge port of that switch.
 * Every flow carries the app's cookie, so deletes by cookie touch only ours.
 */
import type { Action, FlowMod, Instruction, Match, PacketOut } from '../../protocol/index.js';
import { applyActions, flowAdd, flowDelete, output, packetOut } from '../sdk/index.js';

/**
 * Output actions, the apply-actions instruction around one, and in_port match entries, per
 * port: every packet-in that installs a path needs them, and they are never changed once built
 * (the host and the codec only read messages), so one frozen copy per port serves them all.
 * Ports past MAX_CACHED (the reserved ones, say) are built each time rather than grow the
 * cache without bound.
 */
const MAX_CACHED = 4096;
const cached = (port: number) => Number.isInteger(port) && port >= 0 && port < MAX_CACHED;
const outputs: (readonly Action[] | undefined)[] = [];
const inPorts: (Match[number] | undefined)[] = [];
const applies: (readonly Instruction[] | undefined)[] = [];

/** [output(port)], shared and frozen. */
export function outputList(port: number): Action[] {
  if (!cached(port)) return [output(port)];
  return (outputs[port] ??= Object.freeze([Object.freeze(output(port))])) as Action[];
}

/** The in_port match entry, shared and frozen like the actions. */
function inPortIs(port: number): Match[number] {
  if (!cached(port)) return { field: 'in_port', value: port };
  return (inPorts[port] ??= Object.freeze({ field: 'in_port', value: port }));
}

function applyOutput(port: number): Instruction[] {
  if (!cached(port)) return [applyActions([output(port)])];
  return (applies[port] ??= Object.freeze([Object.freeze(applyActions(outputList(port)))])) as Instruction[];
}

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

// The matches below are written as OXM lists, in field-number order (in_port 0, eth_dst 3,
// eth_src 4): what match({ in_port, eth_dst, eth_src }) would sort them into, without the sort.

/** A flow at the switch where a host's frame enters, per (in_port, source, destination). */
export function pairFlow(p: FlowParams, inPort: number, src: string, dst: string, outPort: number): FlowMod {
  const match: Match = [inPortIs(inPort), { field: 'eth_dst', value: dst }, { field: 'eth_src', value: src }];
  return flowAdd({ table: p.table, priority: p.priority, match, instructions: applyOutput(outPort), idle: p.idleTimeoutSec, cookie: p.pairCookie });
}

/** A flow at a switch reached over a link, per (in_port, destination). */
export function transitFlow(p: FlowParams, inPort: number, dst: string, outPort: number): FlowMod {
  const match: Match = [inPortIs(inPort), { field: 'eth_dst', value: dst }];
  return flowAdd({ table: p.table, priority: p.priority, match, instructions: applyOutput(outPort), idle: p.idleTimeoutSec, cookie: p.transitCookie });
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

/**
 * The output actions for a frozen list of ports (the topology's floodPorts answers, which it
 * keeps until a port or the graph changes): a flood asks for the same list on every packet-in,
 * and building an action per port each time was a good part of a MAC flood's garbage. Weakly
 * held: a list the topology dropped takes its actions with it.
 */
const floodActions = new WeakMap<readonly number[], readonly Action[]>();

function outputsFor(ports: readonly number[]): Action[] {
  if (ports.length === 1) return outputList(ports[0]!);
  if (!Object.isFrozen(ports)) return ports.map((port) => output(port));
  let actions = floodActions.get(ports);
  if (actions === undefined) floodActions.set(ports, (actions = Object.freeze(ports.map((port) => Object.freeze(output(port))))));
  return actions as Action[];
}

/** Send a frame out of explicit ports (Open vSwitch does not buffer: the frame goes along). */
export function sendOut(data: Uint8Array, inPort: number, ports: readonly number[]): PacketOut {
  return packetOut({ data, inPort, actions: outputsFor(ports) });
}

/** Send a frame out of one port. */
export function sendOutOne(data: Uint8Array, inPort: number, port: number): PacketOut {
  return packetOut({ data, inPort, actions: outputList(port) });
}
