/**
 * "Where does this packet go?": run a packet through the flow tables with OpenFlow 1.3
 * pipeline semantics (5.7-5.10): apply-actions run at once and may rewrite fields seen by
 * later tables, write-actions/clear-actions build the action set, goto-table continues, and the
 * action set runs at the end (a group in the set wins over an output). A table miss with no
 * table-miss flow drops the packet. Given the packet's IPv4 TTL (`nwTtl`), dec_nw_ttl is
 * modelled as Open vSwitch does it: TTL <= 1 sends the packet to the controller (reason
 * INVALID_TTL) and stops the pipeline; otherwise outputs record the decremented TTL.
 */
import { OFPP } from '../../protocol/index.js';
import type { Action, OxmFieldName } from '../../protocol/index.js';
import type { FlowEntry, FlowTables, PacketFields } from './flow-table.js';

export interface TraceOutput {
  port: number;
  maxLen: number;
  /** The packet's fields when it was output (after any set-field). */
  fields: PacketFields;
  /** The IPv4 TTL when it was output (after any dec_nw_ttl), if the trace was given one. */
  nwTtl?: number;
}

export interface TraceResult {
  /** Flows hit, one per table visited. */
  flows: FlowEntry[];
  /** Every action executed, in order. */
  actions: Action[];
  outputs: TraceOutput[];
  groups: number[];
  /** Physical ports the packet leaves on, with FLOOD/ALL/IN_PORT resolved, sorted. */
  ports: number[];
  toController: boolean;
  /** The table where no flow matched, if the packet was dropped by a miss. */
  missedTable?: number;
  /** dec_nw_ttl met TTL <= 1: the packet went to the controller (INVALID_TTL), processing stopped. */
  invalidTtl?: boolean;
}

export interface TraceOptions {
  table?: number;
  /** Every port of the switch (for FLOOD and ALL). */
  switchPorts?: readonly number[];
  bytes?: number;
  /** Count the hits on flows (default true). */
  count?: boolean;
  /** The packet's IPv4 TTL: enables dec_nw_ttl (without it the action changes nothing). */
  nwTtl?: number;
}

/** The TTL as actions change it; `stop` once dec_nw_ttl found it expired. */
interface TtlState {
  ttl: number | undefined;
  stop: boolean;
}

function applyAction(a: Action, fields: PacketFields, res: TraceResult, st: TtlState): void {
  res.actions.push(a);
  switch (a.type) {
    case 'output':
      res.outputs.push({ port: a.port, maxLen: a.maxLen, fields: { ...fields }, ...(st.ttl !== undefined ? { nwTtl: st.ttl } : {}) });
      break;
    case 'decNwTtl':
      if (st.ttl === undefined || (fields.eth_type !== 0x0800 && fields.eth_type !== 0x86dd)) break;
      if (st.ttl <= 1) {
        res.invalidTtl = true;
        st.stop = true;
      } else st.ttl--;
      break;
    case 'group':
      res.groups.push(a.groupId);
      break;
    case 'setField':
      if (a.field.field !== 'opaque') (fields as Record<OxmFieldName, unknown>)[a.field.field] = a.field.value;
      break;
    case 'popVlan':
      delete fields.vlan_vid;
      delete fields.vlan_pcp;
      break;
    case 'pushVlan':
      fields.vlan_vid = fields.vlan_vid ?? 0x1000;
      break;
    default:
      break;
  }
}

/** Action-set execution order (5.10); anything unlisted runs before output. */
const SET_ORDER: Record<string, number> = { copyTtlIn: 0, popVlan: 1, popMpls: 1, popPbb: 1, pushMpls: 2, pushPbb: 3, pushVlan: 4, copyTtlOut: 5, decMplsTtl: 6, decNwTtl: 6, setField: 7, setQueue: 8, group: 9, output: 10 };

function setKey(a: Action): string {
  return a.type === 'setField' && a.field.field !== 'opaque' ? `setField:${a.field.field}` : a.type;
}

export function trace(tables: FlowTables, packet: PacketFields, opts: TraceOptions = {}): TraceResult {
  const fields: PacketFields = { ...packet };
  const res: TraceResult = { flows: [], actions: [], outputs: [], groups: [], ports: [], toController: false };
  const actionSet = new Map<string, Action>();
  const st: TtlState = { ttl: opts.nwTtl, stop: false };
  let table: number | undefined = opts.table ?? 0;
  while (table !== undefined) {
    const flow = tables.lookup(table, fields);
    if (!flow) {
      res.missedTable = table;
      actionSet.clear();
      break;
    }
    if (opts.count !== false) tables.hit(flow, opts.bytes ?? 64);
    res.flows.push(flow);
    let next: number | undefined;
    // Instructions run in the spec's order whatever their order in the list (5.9).
    const byType = new Map(flow.instructions.map((i) => [i.type, i]));
    const apply = byType.get('applyActions');
    if (apply?.type === 'applyActions') for (const a of apply.actions) if (!st.stop) applyAction(a, fields, res, st);
    if (st.stop) {
      actionSet.clear();
      break;
    }
    if (byType.has('clearActions')) actionSet.clear();
    const write = byType.get('writeActions');
    if (write?.type === 'writeActions') for (const a of write.actions) actionSet.set(setKey(a), a);
    const goto = byType.get('gotoTable');
    if (goto?.type === 'gotoTable') next = goto.tableId;
    table = next;
  }
  const set = [...actionSet.values()].sort((a, b) => (SET_ORDER[a.type] ?? 7) - (SET_ORDER[b.type] ?? 7));
  const hasGroup = set.some((a) => a.type === 'group');
  for (const a of set) if (!(hasGroup && a.type === 'output') && !st.stop) applyAction(a, fields, res, st);

  resolvePorts(res, packet.in_port, opts.switchPorts);
  return res;
}

function resolvePorts(res: TraceResult, inPort: number | undefined, switchPorts: readonly number[] = []): void {
  const ports = new Set<number>();
  if (res.invalidTtl) res.toController = true;
  for (const o of res.outputs) {
    if (o.port === OFPP.CONTROLLER) res.toController = true;
    else if (o.port === OFPP.FLOOD || o.port === OFPP.ALL) for (const p of switchPorts) (p !== inPort ? ports.add(p) : undefined);
    else if (o.port === OFPP.IN_PORT) inPort !== undefined && ports.add(inPort);
    // A plain output to the ingress port is dropped; only IN_PORT sends it back (OVS does the same).
    else if (o.port <= OFPP.MAX && o.port !== inPort) ports.add(o.port);
  }
  res.ports = [...ports].sort((a, b) => a - b);
}

/** Run an action list (a packet-out's) on a packet; output:TABLE is recorded, not followed. */
export function runActions(actions: readonly Action[], packet: PacketFields, switchPorts: readonly number[] = [], nwTtl?: number): TraceResult {
  const fields: PacketFields = { ...packet };
  const res: TraceResult = { flows: [], actions: [], outputs: [], groups: [], ports: [], toController: false };
  const st: TtlState = { ttl: nwTtl, stop: false };
  for (const a of actions) if (!st.stop) applyAction(a, fields, res, st);
  resolvePorts(res, packet.in_port, switchPorts);
  return res;
}
