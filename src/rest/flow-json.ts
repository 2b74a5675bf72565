/**
 * The native API's flow JSON <-> FlowMod / flow stats. One flow:
 *   { "table": 0, "priority": 100, "cookie": "0x2a", "idleTimeout": 0, "hardTimeout": 0,
 *     "flags": ["send_flow_rem"], "match": { ... }, "actions": [ ... ] | "instructions": [ ... ] }
 * `actions` is shorthand for [applyActions]; given with `instructions` it becomes a leading
 * applyActions. Read back, a flow whose only instruction is applyActions shows `actions`.
 * Conversion is hand-written (no ajv per flow) because the bulk route converts 100k at a time.
 */
import { OFP_NO_BUFFER, OFPFC, OFPFF, OFPG_ANY, OFPP, OFPTT_ALL } from '../../protocol/index.js';
import type { FlowMod, FlowStats, Instruction } from '../../protocol/index.js';
import { actionsFromFriendly, actionToFriendly, instructionsFromFriendly, instructionToFriendly } from './actions-json.js';
import { HttpError, prefixField } from './errors.js';
import { matchFromFriendly, matchToFriendly } from './match-json.js';
import { formatFlags, hex64, parseFlags, parsePort, parseU64, parseUint } from './values.js';

export const FLOW_FLAG_NAMES: Readonly<Record<string, number>> = {
  send_flow_rem: OFPFF.SEND_FLOW_REM,
  check_overlap: OFPFF.CHECK_OVERLAP,
  reset_counts: OFPFF.RESET_COUNTS,
  no_pkt_counts: OFPFF.NO_PKT_COUNTS,
  no_byt_counts: OFPFF.NO_BYT_COUNTS,
};

/** Priority when none is given: the same as ovs-ofctl's. */
export const DEFAULT_PRIORITY = 0x8000;

const WRITE_KEYS = new Set(['table', 'priority', 'cookie', 'cookieMask', 'idleTimeout', 'hardTimeout', 'flags', 'match', 'actions', 'instructions', 'bufferId', 'outPort', 'outGroup', 'strict']);

// Field names are relative to the flow; flowModFromFriendly prefixes them on failure only.
const join = (_path: string, key: string) => key;

export type FlowCommand = 'add' | 'modify' | 'delete';

/**
 * A friendly flow -> FlowMod. add: ADD; modify: MODIFY (MODIFY_STRICT with strict: true);
 * delete: DELETE / DELETE_STRICT (table defaults to all). `path` prefixes field names in errors.
 */
export function flowModFromFriendly(body: unknown, command: FlowCommand, path = ''): FlowMod {
  if (path === '') return convert(body, command);
  try {
    return convert(body, command);
  } catch (e) {
    return prefixField(e, path);
  }
}

function convert(body: unknown, command: FlowCommand): FlowMod {
  const path = '';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad_request', 'expected a flow object', '');
  }
  const o = body as Record<string, unknown>;
  for (const k in o) if (!WRITE_KEYS.has(k)) throw new HttpError(400, 'bad_request', `${join(path, k)}: unknown field`, join(path, k));
  const strict = o.strict === true;
  if (o.strict !== undefined && typeof o.strict !== 'boolean') throw new HttpError(400, 'bad_request', `${join(path, 'strict')}: expected a boolean`, join(path, 'strict'));
  const int = (key: string, max: number, dflt: number) => (o[key] === undefined ? dflt : parseUint(o[key], max, join(path, key)));
  let instructions: Instruction[] = [];
  if (command !== 'delete') {
    if (o.actions !== undefined) {
      const actions = actionsFromFriendly(o.actions, join(path, 'actions'));
      if (actions.length > 0) instructions.push({ type: 'applyActions', actions });
    }
    if (o.instructions !== undefined) instructions = instructions.concat(instructionsFromFriendly(o.instructions, join(path, 'instructions')));
  } else if (o.actions !== undefined || o.instructions !== undefined) {
    const k = o.actions !== undefined ? 'actions' : 'instructions';
    throw new HttpError(400, 'bad_request', `${join(path, k)}: a delete takes no ${k} (filter with outPort/outGroup)`, join(path, k));
  }
  const cmd =
    command === 'add' ? OFPFC.ADD
    : command === 'modify' ? (strict ? OFPFC.MODIFY_STRICT : OFPFC.MODIFY)
    : strict ? OFPFC.DELETE_STRICT : OFPFC.DELETE;
  return {
    type: 'flowMod',
    xid: 0,
    cookie: o.cookie === undefined ? 0n : parseU64(o.cookie, join(path, 'cookie')),
    cookieMask: o.cookieMask === undefined ? 0n : parseU64(o.cookieMask, join(path, 'cookieMask')),
    tableId: int('table', command === 'delete' ? OFPTT_ALL : 0xfe, command === 'delete' ? OFPTT_ALL : 0),
    command: cmd,
    idleTimeout: int('idleTimeout', 0xffff, 0),
    hardTimeout: int('hardTimeout', 0xffff, 0),
    priority: int('priority', 0xffff, command === 'delete' && !strict ? 0 : DEFAULT_PRIORITY),
    bufferId: int('bufferId', 0xffffffff, OFP_NO_BUFFER),
    outPort: o.outPort === undefined ? OFPP.ANY : parsePort(o.outPort, join(path, 'outPort')),
    outGroup: int('outGroup', 0xffffffff, OFPG_ANY),
    flags: o.flags === undefined ? 0 : parseFlags(o.flags, FLOW_FLAG_NAMES, 0xffff, join(path, 'flags')),
    match: matchFromFriendly(o.match, join(path, 'match')),
    instructions,
  };
}

function instructionsOut(list: readonly Instruction[]): Record<string, unknown> {
  if (list.length === 0) return { actions: [] };
  if (list.length === 1 && list[0]!.type === 'applyActions') return { actions: list[0]!.actions.map(actionToFriendly) };
  return { instructions: list.map(instructionToFriendly) };
}

/** A flow from flow stats, in the friendly form plus its counters. */
export function flowStatsToFriendly(f: FlowStats): Record<string, unknown> {
  return {
    table: f.tableId,
    priority: f.priority,
    cookie: hex64(f.cookie),
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    flags: formatFlags(f.flags, FLOW_FLAG_NAMES),
    match: matchToFriendly(f.match),
    ...instructionsOut(f.instructions),
    packetCount: Number(f.packetCount),
    byteCount: Number(f.byteCount),
    durationSec: f.durationSec,
    durationNsec: f.durationNsec,
  };
}

/** The flow a FlowMod describes, in the friendly form (the answer to a write). */
export function flowModToFriendly(m: FlowMod): Record<string, unknown> {
  const out: Record<string, unknown> = {
    table: m.tableId,
    priority: m.priority,
    cookie: hex64(m.cookie),
    idleTimeout: m.idleTimeout,
    hardTimeout: m.hardTimeout,
    flags: formatFlags(m.flags, FLOW_FLAG_NAMES),
    match: matchToFriendly(m.match),
    ...instructionsOut(m.instructions),
  };
  return out;
}

const intOrHex = { type: ['integer', 'string'] };

/** Request schema of one flow (add/modify/delete); values are checked in depth by flowModFromFriendly. */
export const FLOW_SCHEMA = {
  $id: 'Flow',
  type: 'object',
  additionalProperties: false,
  properties: {
    table: { type: 'integer', minimum: 0, maximum: 255, description: 'table id (default 0; a delete defaults to all tables)' },
    priority: { type: 'integer', minimum: 0, maximum: 65535, description: `default ${DEFAULT_PRIORITY}` },
    cookie: { ...intOrHex, description: 'number, decimal or 0x-hex string' },
    cookieMask: { ...intOrHex, description: 'modify/delete: only flows whose cookie matches under this mask' },
    idleTimeout: { type: 'integer', minimum: 0, maximum: 65535 },
    hardTimeout: { type: 'integer', minimum: 0, maximum: 65535 },
    flags: {
      anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'string', enum: Object.keys(FLOW_FLAG_NAMES) } }],
    },
    match: { $ref: 'Match#' },
    actions: { type: 'array', items: { $ref: 'Action#' }, description: 'shorthand for instructions: [{ type: applyActions, actions }]' },
    instructions: { type: 'array', items: { $ref: 'Instruction#' } },
    bufferId: { type: 'integer' },
    outPort: { type: ['integer', 'string'], description: 'delete: only flows that output to this port' },
    outGroup: { type: 'integer', description: 'delete: only flows that output to this group' },
    strict: { type: 'boolean', description: 'modify/delete: only the flow with exactly this match and priority' },
    persistent: { type: 'boolean', description: 'keep it in the state store across restarts (default true; docs/STATE.md)' },
  },
  examples: [{ table: 0, priority: 100, match: { in_port: 1, eth_type: '0x800', ipv4_dst: '10.0.0.0/24' }, actions: [{ type: 'output', port: 2 }] }],
} as const;

const anyList = { type: 'array', items: { type: 'object', additionalProperties: true } };

/** Response schema of a flow (read back or echoed). */
export const FLOW_OUT_SCHEMA = {
  $id: 'FlowOut',
  type: 'object',
  properties: {
    table: { type: 'integer' },
    priority: { type: 'integer' },
    cookie: { type: 'string' },
    idleTimeout: { type: 'integer' },
    hardTimeout: { type: 'integer' },
    flags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    match: { type: 'object', additionalProperties: true },
    actions: anyList,
    instructions: anyList,
    packetCount: { type: 'integer' },
    byteCount: { type: 'integer' },
    durationSec: { type: 'integer' },
    durationNsec: { type: 'integer' },
  },
} as const;
