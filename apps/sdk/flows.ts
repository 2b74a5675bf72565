/**
 * Pure builders for the messages apps emit. They fill every field the codec needs with the
 * spec's defaults so app code states only what it means: `flowAdd({ priority: 10, match:
 * { eth_dst: mac }, actions: [output(3)] })`. None of them touches a switch.
 */
import {
  OFP_NO_BUFFER,
  OFPCML_MAX,
  OFPCML_NO_BUFFER,
  OFPFC,
  OFPG_ANY,
  OFPP,
  OFPTT_ALL,
} from '../../protocol/index.js';
import type { Action, FlowMod, Instruction, Match, OxmFieldName, OxmValueTypes, PacketOut } from '../../protocol/index.js';
import { buildMatch, OXM_FIELD_NUMBERS } from '../../protocol/openflow/match.js';
import { applyActions } from '../../protocol/openflow/instructions.js';
import { oxmField } from '../../protocol/openflow/oxm.js';

// The codec's own builders, re-exported so apps import one module.
export { setField, group, setQueue, pushVlan, popVlan, decNwTtl } from '../../protocol/openflow/actions.js';
export { applyActions, writeActions, clearActions, gotoTable, writeMetadata, meter } from '../../protocol/openflow/instructions.js';

/** A match written as an object: a value, or `{ value, mask }` for a masked field. */
export type MatchFields = {
  [K in OxmFieldName]?: OxmValueTypes[K] | { value: OxmValueTypes[K]; mask?: OxmValueTypes[K] };
};

/**
 * A Match from an object or an OXM list. Object fields are put in OXM field-number order, which
 * puts every prerequisite (eth_type, ip_proto, icmpv6_type...) before the fields needing it.
 */
export function match(m: Match | MatchFields = []): Match {
  if (Array.isArray(m)) return m;
  return sortByField(buildMatch(m));
}

/**
 * A stable sort by field number, in place: an insertion sort, which for the few fields of a
 * match (often given in order already) is much cheaper than Array.prototype.sort with a
 * comparator, and gives the same order.
 */
function sortByField(list: Match): Match {
  for (let i = 1; i < list.length; i++) {
    const e = list[i]!;
    const n = fieldNum(e);
    let j = i - 1;
    if (fieldNum(list[j]!) <= n) continue;
    while (j >= 0 && fieldNum(list[j]!) > n) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = e;
  }
  return list;
}

// NXM_1 fields (ct_*, tun_dst) sort after the basic ones, by their id (protocol/openflow/oxm.ts).
const fieldNum = (e: Match[number]) => (e.field === 'opaque' ? 0x10000 : (OXM_FIELD_NUMBERS[e.field] ?? oxmField(e.field)?.id ?? 0xffff));

// ---------------------------------------------------------------- actions and instructions

/** Output to a port; to the controller the whole frame is sent unless maxLen says otherwise. */
export function output(port: number, maxLen: number = port === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0): Action {
  return { type: 'output', port, maxLen };
}

/** Output to the controller (whole frame by default: Open vSwitch does not buffer). */
export function toController(maxLen: number = OFPCML_NO_BUFFER): Action {
  if (maxLen !== OFPCML_NO_BUFFER && maxLen > OFPCML_MAX) throw new RangeError(`controller max_len ${maxLen} is above OFPCML_MAX`);
  return { type: 'output', port: OFPP.CONTROLLER, maxLen };
}

// ---------------------------------------------------------------- flow mods

export interface FlowAddOptions {
  table?: number;
  priority: number;
  match?: Match | MatchFields;
  /** Shorthand for instructions: [applyActions(actions)]. An empty list means drop. */
  actions?: Action[];
  /** Used when given; `actions`, if also given, becomes a leading apply-actions. */
  instructions?: Instruction[];
  idle?: number;
  hard?: number;
  cookie?: bigint;
  /** OFPFF_* bits. */
  flags?: number;
  bufferId?: number;
}

function instructionsOf(o: { actions?: Action[]; instructions?: Instruction[] }): Instruction[] {
  const out: Instruction[] = [];
  if (o.actions && o.actions.length > 0) out.push(applyActions(o.actions));
  if (o.instructions) for (let i = 0; i < o.instructions.length; i++) out.push(o.instructions[i]!);
  return out;
}

function baseFlowMod(command: number): FlowMod {
  return {
    type: 'flowMod',
    xid: 0,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match: [],
    instructions: [],
  };
}

function checkU16(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} ${v} is not in 0-65535`);
  return v;
}

export function flowAdd(o: FlowAddOptions): FlowMod {
  // Written out rather than spread over baseFlowMod(): apps build one per packet-in. Same keys
  // in the same order, checks in the same order.
  const priority = checkU16('priority', o.priority);
  const m = match(o.match);
  const instructions = instructionsOf(o);
  const idleTimeout = checkU16('idle timeout', o.idle ?? 0);
  const hardTimeout = checkU16('hard timeout', o.hard ?? 0);
  return {
    type: 'flowMod',
    xid: 0,
    cookie: o.cookie ?? 0n,
    cookieMask: 0n,
    tableId: o.table ?? 0,
    command: OFPFC.ADD,
    idleTimeout,
    hardTimeout,
    priority,
    bufferId: o.bufferId ?? OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: o.flags ?? 0,
    match: m,
    instructions,
  };
}

export interface FlowModifyOptions {
  table?: number;
  match?: Match | MatchFields;
  actions?: Action[];
  instructions?: Instruction[];
  /** Strict: only the flow with exactly this match and priority. */
  strict?: boolean;
  priority?: number;
  cookie?: bigint;
  cookieMask?: bigint;
}

/** Replace the instructions of existing flows (OpenFlow 1.3 modify never adds a flow). */
export function flowModify(o: FlowModifyOptions): FlowMod {
  return {
    ...baseFlowMod(o.strict ? OFPFC.MODIFY_STRICT : OFPFC.MODIFY),
    tableId: o.table ?? 0,
    priority: checkU16('priority', o.priority ?? 0),
    match: match(o.match),
    instructions: instructionsOf(o),
    cookie: o.cookie ?? 0n,
    cookieMask: o.cookieMask ?? 0n,
  };
}

export interface FlowDeleteOptions {
  /** Default: every table (OFPTT_ALL). */
  table?: number;
  match?: Match | MatchFields;
  /** Strict: only the flow with exactly this match and priority. */
  strict?: boolean;
  priority?: number;
  cookie?: bigint;
  cookieMask?: bigint;
  /** Only flows that output to this port (default: any). */
  outPort?: number;
  outGroup?: number;
}

export function flowDelete(o: FlowDeleteOptions = {}): FlowMod {
  return {
    ...baseFlowMod(o.strict ? OFPFC.DELETE_STRICT : OFPFC.DELETE),
    tableId: o.table ?? OFPTT_ALL,
    priority: checkU16('priority', o.priority ?? 0),
    match: match(o.match),
    cookie: o.cookie ?? 0n,
    cookieMask: o.cookieMask ?? 0n,
    outPort: o.outPort ?? OFPP.ANY,
    outGroup: o.outGroup ?? OFPG_ANY,
  };
}

export interface TableMissOptions {
  table?: number;
  cookie?: bigint;
  /** Default: the whole frame to the controller. */
  actions?: Action[];
}

/** The table-miss flow: priority 0, empty match, to the controller unless told otherwise. */
export function tableMiss(o: TableMissOptions = {}): FlowMod {
  return flowAdd({ table: o.table ?? 0, priority: 0, cookie: o.cookie ?? 0n, actions: o.actions ?? [toController()] });
}

// ---------------------------------------------------------------- packet out

export interface PacketOutOptions {
  /** The frame; required unless bufferId names a buffered packet (Open vSwitch never buffers). */
  data?: Uint8Array;
  actions: Action[];
  /** The port the packet is treated as having arrived on (default: CONTROLLER). */
  inPort?: number;
  bufferId?: number;
}

export function packetOut(o: PacketOutOptions): PacketOut {
  const bufferId = o.bufferId ?? OFP_NO_BUFFER;
  if (bufferId === OFP_NO_BUFFER && !o.data) throw new TypeError('packetOut: data is required without a buffer id');
  return {
    type: 'packetOut',
    xid: 0,
    bufferId,
    inPort: o.inPort ?? OFPP.CONTROLLER,
    actions: o.actions,
    data: bufferId === OFP_NO_BUFFER ? o.data! : new Uint8Array(0),
  };
}
