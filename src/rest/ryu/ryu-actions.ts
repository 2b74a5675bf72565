/**
 * Ryu's action spellings (ofctl_utils.to_action, ofctl_v1_3.to_actions / actions_to_str).
 * A request's "actions" list mixes actions ({"type": "OUTPUT", "port": 2}) and instructions
 * ({"type": "GOTO_TABLE", "table_id": 1}, WRITE_METADATA, METER, WRITE_ACTIONS, CLEAR_ACTIONS);
 * instructions keep their order and the plain actions become one APPLY_ACTIONS at the end, as
 * Ryu builds them. Read back, actions print as "OUTPUT:2", "SET_FIELD: {eth_dst:...}" ...
 */
import type { Action, Instruction, OxmBasic } from '../../../protocol/index.js';
import { oxmField } from '../../../protocol/openflow/oxm.js';
import { entryOf } from '../match-json.js';
import { nxActionToRyu } from './ryu-nx-actions.js';
import { opaqueToRyu } from './ryu-nxm.js';
import { bad, CML, GROUPS, METERS, PORTS, QUEUES, ryuU64, ryuUint, TABLES } from './ryu-values.js';

type J = Record<string, unknown>;

const SIMPLE: Readonly<Record<string, Action['type']>> = {
  COPY_TTL_OUT: 'copyTtlOut',
  COPY_TTL_IN: 'copyTtlIn',
  DEC_MPLS_TTL: 'decMplsTtl',
  POP_VLAN: 'popVlan',
  DEC_NW_TTL: 'decNwTtl',
  POP_PBB: 'popPbb',
};
const WITH_ETHERTYPE: Readonly<Record<string, 'pushVlan' | 'pushMpls' | 'popMpls' | 'pushPbb'>> = {
  PUSH_VLAN: 'pushVlan',
  PUSH_MPLS: 'pushMpls',
  POP_MPLS: 'popMpls',
  PUSH_PBB: 'pushPbb',
};
const INSTRUCTION_TYPES = new Set(['WRITE_ACTIONS', 'CLEAR_ACTIONS', 'GOTO_TABLE', 'WRITE_METADATA', 'METER']);

function need(o: J, key: string, path: string): unknown {
  if (o[key] === undefined || o[key] === null) bad(`${path}.${key}`, 'missing');
  return o[key];
}

/** SET_FIELD value: OXM names only; vlan_vid is the raw OXM value (4102 = VLAN 6 | OFPVID_PRESENT). */
function setFieldFromRyu(o: J, path: string): Action {
  const name = need(o, 'field', path);
  const def = typeof name === 'string' ? oxmField(name) : undefined;
  if (!def) return bad(`${path}.field`, `unknown field ${JSON.stringify(name)} (OXM names such as eth_dst, vlan_vid, ipv4_src)`);
  const v = need(o, 'value', path);
  if (typeof v === 'string' && v.includes('/')) bad(`${path}.value`, 'SET_FIELD takes no mask');
  if (def.name === 'vlan_vid') return { type: 'setField', field: { field: 'vlan_vid', value: ryuUint(v, 0x1fff, `${path}.value`) } };
  if (def.name === 'in_port') return { type: 'setField', field: { field: 'in_port', value: PORTS.fromUser(v, `${path}.value`) } };
  const value = typeof v === 'string' && /^0[oObB]/.test(v) ? ryuU64(v, `${path}.value`).toString(10) : v;
  return { type: 'setField', field: entryOf(def, value, `${path}.value`) };
}

/** One Ryu action dict -> an action, or undefined when it is an instruction type. */
export function actionFromRyu(a: unknown, path: string): Action | undefined {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return bad(path, 'expected an action object');
  const o = a as J;
  const t = o.type;
  if (typeof t !== 'string') return bad(`${path}.type`, 'missing');
  if (SIMPLE[t]) return { type: SIMPLE[t] } as Action;
  if (WITH_ETHERTYPE[t]) return { type: WITH_ETHERTYPE[t], ethertype: ryuUint(need(o, 'ethertype', path), 0xffff, `${path}.ethertype`) };
  switch (t) {
    case 'OUTPUT':
      // Ryu's defaults: port OFPP_ANY (the switch refuses it), max_len OFPCML_MAX.
      return {
        type: 'output',
        port: o.port === undefined ? 0xffffffff : PORTS.fromUser(o.port, `${path}.port`),
        maxLen: o.max_len === undefined ? CML.fromUser('MAX', 'max_len') : CML.fromUser(o.max_len, `${path}.max_len`),
      };
    case 'SET_MPLS_TTL':
      return { type: 'setMplsTtl', mplsTtl: ryuUint(need(o, 'mpls_ttl', path), 0xff, `${path}.mpls_ttl`) };
    case 'SET_QUEUE':
      return { type: 'setQueue', queueId: QUEUES.fromUser(need(o, 'queue_id', path), `${path}.queue_id`) };
    case 'GROUP':
      return { type: 'group', groupId: GROUPS.fromUser(need(o, 'group_id', path), `${path}.group_id`) };
    case 'SET_NW_TTL':
      return { type: 'setNwTtl', nwTtl: ryuUint(need(o, 'nw_ttl', path), 0xff, `${path}.nw_ttl`) };
    case 'SET_FIELD':
      return setFieldFromRyu(o, path);
    case 'EXPERIMENTER': {
      const dataType = o.data_type ?? 'ascii';
      if (dataType !== 'ascii' && dataType !== 'base64') bad(`${path}.data_type`, 'expected "ascii" or "base64"');
      const text = typeof o.data === 'string' ? o.data : '';
      const data = dataType === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'ascii');
      return { type: 'experimenter', experimenter: ryuUint(need(o, 'experimenter', path), 0xffffffff, `${path}.experimenter`), data: new Uint8Array(data) };
    }
    default:
      if (INSTRUCTION_TYPES.has(t)) return undefined;
      return bad(`${path}.type`, `unknown action type ${JSON.stringify(t)}`);
  }
}

/** Ryu's "actions" list -> instructions (instruction entries in order, then APPLY_ACTIONS). */
export function instructionsFromRyu(list: unknown, path = 'actions'): Instruction[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return bad(path, 'expected a list of actions');
  const out: Instruction[] = [];
  const apply: Action[] = [];
  list.forEach((a, i) => {
    const p = `${path}[${i}]`;
    const action = actionFromRyu(a, p);
    if (action) {
      apply.push(action);
      return;
    }
    const o = a as J;
    switch (o.type) {
      case 'WRITE_ACTIONS': {
        const inner = need(o, 'actions', p);
        if (!Array.isArray(inner)) bad(`${p}.actions`, 'expected a list of actions');
        const acts = (inner as unknown[]).map((x, j) => actionFromRyu(x, `${p}.actions[${j}]`) ?? bad(`${p}.actions[${j}].type`, 'not an action'));
        if (acts.length > 0) out.push({ type: 'writeActions', actions: acts });
        return;
      }
      case 'CLEAR_ACTIONS':
        out.push({ type: 'clearActions' });
        return;
      case 'GOTO_TABLE':
        out.push({ type: 'gotoTable', tableId: TABLES.fromUser(need(o, 'table_id', p), `${p}.table_id`) });
        return;
      case 'WRITE_METADATA':
        out.push({
          type: 'writeMetadata',
          metadata: ryuU64(need(o, 'metadata', p), `${p}.metadata`),
          metadataMask: o.metadata_mask === undefined ? (1n << 64n) - 1n : ryuU64(o.metadata_mask, `${p}.metadata_mask`),
        });
        return;
      case 'METER':
        out.push({ type: 'meter', meterId: METERS.fromUser(need(o, 'meter_id', p), `${p}.meter_id`) });
        return;
    }
  });
  if (apply.length > 0) out.push({ type: 'applyActions', actions: apply });
  return out;
}

/** Bucket actions: plain actions only (Ryu's to_action). */
export function actionsFromRyu(list: unknown, path: string): Action[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return bad(path, 'expected a list of actions');
  return list.map((a, i) => actionFromRyu(a, `${path}[${i}]`) ?? bad(`${path}[${i}].type`, 'an instruction is not allowed here'));
}

function setFieldValue(e: OxmBasic): string {
  const v = (e as { value: unknown }).value;
  return typeof v === 'bigint' ? v.toString(10) : String(v);
}

/** Ryu's action_to_str. */
export function actionToRyu(a: Action): string {
  switch (a.type) {
    case 'output':
      return `OUTPUT:${PORTS.toUser(a.port)}`;
    case 'copyTtlOut':
      return 'COPY_TTL_OUT';
    case 'copyTtlIn':
      return 'COPY_TTL_IN';
    case 'setMplsTtl':
      return `SET_MPLS_TTL:${a.mplsTtl}`;
    case 'decMplsTtl':
      return 'DEC_MPLS_TTL';
    case 'pushVlan':
      return `PUSH_VLAN:${a.ethertype}`;
    case 'popVlan':
      return 'POP_VLAN';
    case 'pushMpls':
      return `PUSH_MPLS:${a.ethertype}`;
    case 'popMpls':
      return `POP_MPLS:${a.ethertype}`;
    case 'setQueue':
      return `SET_QUEUE:${QUEUES.toUser(a.queueId)}`;
    case 'group':
      return `GROUP:${GROUPS.toUser(a.groupId)}`;
    case 'setNwTtl':
      return `SET_NW_TTL:${a.nwTtl}`;
    case 'decNwTtl':
      return 'DEC_NW_TTL';
    case 'setField': {
      if (a.field.field !== 'opaque') return `SET_FIELD: {${a.field.field}:${setFieldValue(a.field)}}`;
      const nx = opaqueToRyu(a.field);
      return nx ? `SET_FIELD: {${nx[0]}:${String(nx[1])}}` : 'UNKNOWN';
    }
    case 'pushPbb':
      return `PUSH_PBB:${a.ethertype}`;
    case 'popPbb':
      return 'POP_PBB';
    case 'experimenter':
      return nxActionToRyu(a, actionToRyu) ?? `EXPERIMENTER: {experimenter:${a.experimenter}, data:${Buffer.from(a.data).toString('base64')}}`;
    default:
      return nxActionToRyu(a, actionToRyu) ?? 'UNKNOWN';
  }
}

/** Ryu's actions_to_str over a flow's instructions. */
export function instructionsToRyu(list: readonly Instruction[]): (string | Record<string, string[]>)[] {
  const out: (string | Record<string, string[]>)[] = [];
  for (const i of list) {
    switch (i.type) {
      case 'applyActions':
        for (const a of i.actions) out.push(actionToRyu(a));
        break;
      case 'writeActions':
        if (i.actions.length > 0) out.push({ WRITE_ACTIONS: i.actions.map(actionToRyu) });
        break;
      case 'clearActions':
        out.push('CLEAR_ACTIONS');
        break;
      case 'gotoTable':
        out.push(`GOTO_TABLE:${TABLES.toUser(i.tableId)}`);
        break;
      case 'writeMetadata':
        out.push(i.metadataMask !== 0n ? `WRITE_METADATA:0x${i.metadata.toString(16)}/0x${i.metadataMask.toString(16)}` : `WRITE_METADATA:0x${i.metadata.toString(16)}`);
        break;
      case 'meter':
        out.push(`METER:${METERS.toUser(i.meterId)}`);
        break;
      default:
        // Ryu skips instructions it cannot print.
        break;
    }
  }
  return out;
}

