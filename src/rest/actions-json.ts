/**
 * Friendly actions and instructions of the native API. Same type names as the codec
 * (output, group, setField, pushVlan, applyActions, gotoTable ...), with friendlier fields:
 * ports by number or reserved name ("CONTROLLER"), setField flattened to { field, value },
 * sensible defaults (output maxLen: whole frame to the controller, 0 elsewhere; pushVlan 0x8100).
 */
import { formatActions, OFPCML_NO_BUFFER, OFPP } from '../../protocol/index.js';
import type { Action, Instruction, OxmBasic } from '../../protocol/index.js';
import { oxmField } from '../../protocol/openflow/oxm.js';
import { bad, prefixField } from './errors.js';
import { entryOf, formatEntry } from './match-json.js';
import { formatPort, hex64, parsePort, parseU64, parseUint } from './values.js';

type J = Record<string, unknown>;

function need(o: J, key: string): unknown {
  if (o[key] === undefined) bad(key, 'missing');
  return o[key];
}

const ETHERTYPE_DEFAULTS: Record<string, number> = { pushVlan: 0x8100, pushMpls: 0x8847, popMpls: 0x0800, pushPbb: 0x88e7 };

export const ACTION_TYPES = [
  'output', 'group', 'setQueue', 'setField', 'pushVlan', 'popVlan', 'pushMpls', 'popMpls', 'pushPbb', 'popPbb',
  'setMplsTtl', 'decMplsTtl', 'setNwTtl', 'decNwTtl', 'copyTtlOut', 'copyTtlIn',
] as const;

/**
 * Open vSwitch's Nicira extension actions (the nat app's conntrack backend installs them): read
 * back from a switch they are shown as `{ type, text }`, `text` written the way `ovs-ofctl
 * dump-flows` writes it (`ct(commit,zone=7,nat(src=203.0.113.100:1024-65535),table=2)`). They
 * cannot be written through REST: apps install them (protocol/openflow/nicira).
 */
export const NX_ACTION_TYPES = ['nxCt', 'nxNat', 'nxResubmit', 'nxCtClear'] as const;

/** One action; fields in errors are relative to the action (the list prefixes them). */
export function actionFromFriendly(a: unknown): Action {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return bad('', 'expected an action object');
  const o = a as J;
  const t = o.type;
  switch (t) {
    case 'output': {
      const port = parsePort(need(o, 'port'), 'port');
      const maxLen = o.maxLen === undefined ? (port === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0) : parseUint(o.maxLen, 0xffff, 'maxLen');
      return { type: 'output', port, maxLen };
    }
    case 'group':
      return { type: 'group', groupId: parseUint(need(o, 'groupId'), 0xffffffff, 'groupId') };
    case 'setQueue':
      return { type: 'setQueue', queueId: parseUint(need(o, 'queueId'), 0xffffffff, 'queueId') };
    case 'setField': {
      const name = need(o, 'field');
      const def = typeof name === 'string' ? oxmField(name) : undefined;
      if (!def) return bad('field', `unknown OXM field ${JSON.stringify(name)}`);
      const v = need(o, 'value');
      if (typeof v === 'string' && v.includes('/')) bad('value', 'set_field takes no mask');
      return { type: 'setField', field: entryOf(def, v, 'value') };
    }
    case 'pushVlan':
    case 'pushMpls':
    case 'popMpls':
    case 'pushPbb':
      return { type: t, ethertype: o.ethertype === undefined ? ETHERTYPE_DEFAULTS[t]! : parseUint(o.ethertype, 0xffff, 'ethertype') };
    case 'setMplsTtl':
      return { type: t, mplsTtl: parseUint(need(o, 'mplsTtl'), 0xff, 'mplsTtl') };
    case 'setNwTtl':
      return { type: t, nwTtl: parseUint(need(o, 'nwTtl'), 0xff, 'nwTtl') };
    case 'popVlan':
    case 'popPbb':
    case 'decMplsTtl':
    case 'decNwTtl':
    case 'copyTtlOut':
    case 'copyTtlIn':
      return { type: t };
    default:
      if ((NX_ACTION_TYPES as readonly unknown[]).includes(t)) return bad('type', `${String(t)}: Nicira actions are shown when flows are read, but cannot be written through REST`);
      return bad('type', `unknown action type ${JSON.stringify(t)} (one of ${ACTION_TYPES.join(', ')})`);
  }
}

export function actionsFromFriendly(list: unknown, path: string): Action[] {
  if (!Array.isArray(list)) return bad(path, 'expected a list of actions');
  const out = new Array<Action>(list.length);
  let i = 0;
  try {
    for (; i < list.length; i++) out[i] = actionFromFriendly(list[i]);
  } catch (e) {
    prefixField(e, `${path}[${i}]`);
  }
  return out;
}

export function actionToFriendly(a: Action): Record<string, unknown> {
  switch (a.type) {
    case 'output':
      return { type: 'output', port: formatPort(a.port), maxLen: a.maxLen };
    case 'setField':
      return a.field.field === 'opaque'
        ? { type: 'setField', field: 'opaque', value: Buffer.from(a.field.body).toString('hex') }
        : { type: 'setField', field: a.field.field, value: formatEntry(a.field as OxmBasic) };
    case 'experimenter':
      return { type: 'experimenter', experimenter: a.experimenter, data: Buffer.from(a.data).toString('hex') };
    case 'unknown':
      return { type: 'unknown', actionType: a.actionType, body: Buffer.from(a.body).toString('hex') };
    case 'nxCt':
    case 'nxNat':
    case 'nxResubmit':
    case 'nxCtClear':
      return { type: a.type, text: formatActions([a]) };
    default:
      return { ...a };
  }
}

export const INSTRUCTION_TYPES = ['applyActions', 'writeActions', 'clearActions', 'gotoTable', 'meter', 'writeMetadata'] as const;

export function instructionFromFriendly(x: unknown): Instruction {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return bad('', 'expected an instruction object');
  const o = x as J;
  switch (o.type) {
    case 'applyActions':
    case 'writeActions':
      return { type: o.type, actions: actionsFromFriendly(need(o, 'actions'), 'actions') };
    case 'clearActions':
      return { type: 'clearActions' };
    case 'gotoTable':
      return { type: 'gotoTable', tableId: parseUint(need(o, 'tableId'), 0xfe, 'tableId') };
    case 'meter':
      return { type: 'meter', meterId: parseUint(need(o, 'meterId'), 0xffffffff, 'meterId') };
    case 'writeMetadata':
      return {
        type: 'writeMetadata',
        metadata: parseU64(need(o, 'metadata'), 'metadata'),
        metadataMask: o.metadataMask === undefined ? (1n << 64n) - 1n : parseU64(o.metadataMask, 'metadataMask'),
      };
    default:
      return bad('type', `unknown instruction type ${JSON.stringify(o.type)} (one of ${INSTRUCTION_TYPES.join(', ')})`);
  }
}

export function instructionsFromFriendly(list: unknown, path: string): Instruction[] {
  if (!Array.isArray(list)) return bad(path, 'expected a list of instructions');
  return list.map((x, i) => {
    try {
      return instructionFromFriendly(x);
    } catch (e) {
      return prefixField(e, `${path}[${i}]`);
    }
  });
}

export function instructionToFriendly(i: Instruction): Record<string, unknown> {
  switch (i.type) {
    case 'applyActions':
    case 'writeActions':
      return { type: i.type, actions: i.actions.map(actionToFriendly) };
    case 'writeMetadata':
      return { type: 'writeMetadata', metadata: hex64(i.metadata), metadataMask: hex64(i.metadataMask) };
    case 'experimenter':
      return { type: 'experimenter', experimenter: i.experimenter, data: Buffer.from(i.data).toString('hex') };
    case 'unknown':
      return { type: 'unknown', instructionType: i.instructionType, body: Buffer.from(i.body).toString('hex') };
    default:
      return { ...i };
  }
}

const portOrName = { type: ['integer', 'string'], description: 'port number or IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, ANY' };
const intOrHex = { type: ['integer', 'string'] };

export const ACTION_SCHEMA = {
  $id: 'Action',
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...ACTION_TYPES, 'experimenter', 'unknown', ...NX_ACTION_TYPES] },
    port: portOrName,
    maxLen: { type: 'integer' },
    groupId: intOrHex,
    queueId: intOrHex,
    field: { type: 'string' },
    value: intOrHex,
    ethertype: intOrHex,
    mplsTtl: { type: 'integer' },
    nwTtl: { type: 'integer' },
    experimenter: { type: 'integer' },
    actionType: { type: 'integer' },
    data: { type: 'string' },
    body: { type: 'string' },
    text: { type: 'string', description: 'Nicira actions (read only): the action as ovs-ofctl writes it' },
  },
  examples: [{ type: 'output', port: 2 }, { type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:02' }, { type: 'group', groupId: 7 }],
} as const;

export const INSTRUCTION_SCHEMA = {
  $id: 'Instruction',
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...INSTRUCTION_TYPES, 'experimenter', 'unknown'] },
    actions: { type: 'array', items: { $ref: 'Action#' } },
    tableId: { type: 'integer' },
    meterId: intOrHex,
    metadata: intOrHex,
    metadataMask: intOrHex,
    experimenter: { type: 'integer' },
    instructionType: { type: 'integer' },
    data: { type: 'string' },
    body: { type: 'string' },
  },
} as const;
