import { toHex } from '../wire/reader.js';
import { OFPG_ALL, OFPG_ANY, OFPM_ALL, OFPM_CONTROLLER, OFPM_SLOWPATH, OFPP, OFPPF, OFPTT_ALL, OFP_NO_BUFFER } from './constants.js';
import type { Action, Bucket, Instruction, Match, MeterBand, OxmEntry, Port } from './types.js';
import { formatCtState, formatNxAction } from './nicira/format.js';

/**
 * One-line text of the structures messages share (match, actions, instructions, ports), in the
 * spirit of `ovs-ofctl` syntax. Only pure string building: nothing here may throw on a
 * well-typed value, and nothing may produce a line break (strings from a switch are escaped).
 */

export function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}

/** Fixed-width hex, for ethertypes and datapath ids (0x0800, 0x0000000000000001). */
export function hexPad(v: number | bigint, digits: number): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}

export function bytesHex(b: Uint8Array): string {
  return toHex(b);
}

/** A string from the wire, quoted, with control characters and line separators escaped. */
export function quote(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

/** A name for a known number, or the number itself. */
export function named(names: Record<number, string>, v: number): string {
  return names[v] ?? String(v);
}

/** Bit flags as NAME|NAME, unknown bits as a trailing hex number; 0 prints as 0. */
export function flagNames(v: number, bits: Record<string, number>): string {
  if (v === 0) return '0';
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [name, bit] of Object.entries(bits)) {
    if ((rest & bit) !== 0) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) out.push(hex(rest));
  return out.join('|');
}

const PORT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(OFPP)
    .filter(([k]) => k !== 'MAX')
    .map(([k, v]) => [v, k]),
);

/** A port number, reserved ports by name (CONTROLLER, IN_PORT, ANY, LOCAL, FLOOD...). */
export function portName(p: number): string {
  return named(PORT_NAMES, p);
}

export function groupName(g: number): string {
  return named({ [OFPG_ALL]: 'ALL', [OFPG_ANY]: 'ANY' }, g);
}

export function meterName(m: number): string {
  return named({ [OFPM_SLOWPATH]: 'SLOWPATH', [OFPM_CONTROLLER]: 'CONTROLLER', [OFPM_ALL]: 'ALL' }, m);
}

export function tableName(t: number): string {
  return t === OFPTT_ALL ? 'all' : String(t);
}

export function bufferName(b: number): string {
  return b === OFP_NO_BUFFER ? 'none' : hex(b);
}

export function duration(sec: number, nsec: number): string {
  return `${sec}.${String(Math.floor(nsec / 1e6)).padStart(3, '0')}s`;
}

/** Fields whose values read better in hex (ethertypes, vlan ids with OFPVID_PRESENT, labels). */
const HEX_FIELDS = new Set(['eth_type', 'vlan_vid', 'ipv6_flabel', 'pbb_isid', 'ipv6_exthdr', 'ct_mark']);
const OXM_CLASS_NAMES: Record<number, string> = { 0: 'NXM_0', 1: 'NXM_1', 0x8000: 'OPENFLOW_BASIC', 0xffff: 'EXPERIMENTER' };

function oxmValue(field: string, v: unknown, isMask: boolean): string {
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'number') {
    if (!isMask && (field === 'in_port' || field === 'in_phy_port')) return portName(v);
    if (field === 'eth_type' && !isMask) return hexPad(v, 4);
    return isMask || HEX_FIELDS.has(field) ? hex(v) : String(v);
  }
  return typeof v === 'string' ? v.replace(/[\s,]/g, '?') : String(v);
}

/** The name and value of one OXM entry: ["ipv4_src", "10.0.0.0/255.255.255.0"]. */
export function oxmParts(e: OxmEntry): [string, string] {
  if (e.field === 'opaque') {
    const name = `${OXM_CLASS_NAMES[e.oxmClass] ?? hexPad(e.oxmClass, 4)}:${e.oxmField}`;
    const h = bytesHex(e.body);
    if (!e.hasMask || e.body.length % 2 !== 0) return [name, h];
    return [name, `${h.slice(0, h.length / 2)}/${h.slice(h.length / 2)}`];
  }
  if (e.field === 'ct_state') return ['ct_state', formatCtState(e.value, e.mask)];
  const value = oxmValue(e.field, e.value, false);
  return [e.field, e.mask === undefined ? value : `${value}/${oxmValue(e.field, e.mask, true)}`];
}

/** in_port=1,eth_type=0x0800,ipv4_src=10.0.0.0/255.255.255.0 (empty for match-all). */
export function formatMatch(match: Match): string {
  return match
    .map((e) => {
      const [k, v] = oxmParts(e);
      return `${k}=${v}`;
    })
    .join(',');
}

function formatAction(a: Action): string {
  switch (a.type) {
    case 'output':
      return a.port === OFPP.CONTROLLER ? `output:CONTROLLER:${a.maxLen}` : `output:${portName(a.port)}`;
    case 'copyTtlOut':
      return 'copy_ttl_out';
    case 'copyTtlIn':
      return 'copy_ttl_in';
    case 'setMplsTtl':
      return `set_mpls_ttl:${a.mplsTtl}`;
    case 'decMplsTtl':
      return 'dec_mpls_ttl';
    case 'pushVlan':
      return `push_vlan:${hexPad(a.ethertype, 4)}`;
    case 'popVlan':
      return 'pop_vlan';
    case 'pushMpls':
      return `push_mpls:${hexPad(a.ethertype, 4)}`;
    case 'popMpls':
      return `pop_mpls:${hexPad(a.ethertype, 4)}`;
    case 'setQueue':
      return `set_queue:${a.queueId}`;
    case 'group':
      return `group:${groupName(a.groupId)}`;
    case 'setNwTtl':
      return `set_nw_ttl:${a.nwTtl}`;
    case 'decNwTtl':
      return 'dec_ttl';
    case 'setField': {
      const [k, v] = oxmParts(a.field);
      return `set_field:${v}->${k}`;
    }
    case 'pushPbb':
      return `push_pbb:${hexPad(a.ethertype, 4)}`;
    case 'popPbb':
      return 'pop_pbb';
    case 'experimenter':
      return `experimenter(${hexPad(a.experimenter, 8)},data=${bytesHex(a.data)})`;
    case 'unknown':
      return `unknown_action(type=${a.actionType},body=${bytesHex(a.body)})`;
    case 'nxCt':
    case 'nxNat':
    case 'nxResubmit':
    case 'nxCtClear':
      return formatNxAction(a, (list) => list.map(formatAction).join(','));
    default:
      return `action(${quote(String((a as { type: unknown }).type))})`;
  }
}

/** output:2,set_field:aa:bb:cc:dd:ee:ff->eth_dst; an empty list is "drop". */
export function formatActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'drop' : actions.map(formatAction).join(',');
}

function formatInstruction(i: Instruction): string {
  switch (i.type) {
    case 'gotoTable':
      return `goto_table:${i.tableId}`;
    case 'writeMetadata':
      return `write_metadata:${hex(i.metadata)}/${hex(i.metadataMask)}`;
    case 'writeActions':
      return `write_actions(${i.actions.map(formatAction).join(',')})`;
    case 'applyActions':
      // As in ovs-ofctl, the apply-actions list is written bare.
      return i.actions.length === 0 ? 'apply_actions()' : formatActions(i.actions);
    case 'clearActions':
      return 'clear_actions';
    case 'meter':
      return `meter:${meterName(i.meterId)}`;
    case 'experimenter':
      return `experimenter_instruction(${hexPad(i.experimenter, 8)},data=${bytesHex(i.data)})`;
    case 'unknown':
      return `unknown_instruction(type=${i.instructionType},body=${bytesHex(i.body)})`;
    default:
      return `instruction(${quote(String((i as { type: unknown }).type))})`;
  }
}

/** meter:1,output:2,write_actions(group:5),goto_table:3; an empty list is "drop". */
export function formatInstructions(list: readonly Instruction[]): string {
  return list.length === 0 ? 'drop' : list.map(formatInstruction).join(',');
}

export function formatBucket(b: Bucket): string {
  const parts = [`weight=${b.weight}`];
  if (b.watchPort !== OFPP.ANY) parts.push(`watch_port=${portName(b.watchPort)}`);
  if (b.watchGroup !== OFPG_ANY) parts.push(`watch_group=${groupName(b.watchGroup)}`);
  parts.push(`actions=${formatActions(b.actions)}`);
  return `bucket(${parts.join(',')})`;
}

export function formatBand(b: MeterBand): string {
  switch (b.type) {
    case 'drop':
      return `drop(rate=${b.rate},burst=${b.burstSize})`;
    case 'dscpRemark':
      return `dscp_remark(rate=${b.rate},burst=${b.burstSize},prec_level=${b.precLevel})`;
    case 'experimenter':
      return `experimenter(rate=${b.rate},burst=${b.burstSize},experimenter=${hexPad(b.experimenter, 8)},data=${bytesHex(b.data)})`;
    default:
      return `band(type=${b.bandType},rate=${b.rate},burst=${b.burstSize},data=${bytesHex(b.data)})`;
  }
}

export const GROUP_TYPES = { 0: 'all', 1: 'select', 2: 'indirect', 3: 'ff' };
export const METER_FLAGS = { KBPS: 1, PKTPS: 2, BURST: 4, STATS: 8 };

const PORT_CONFIG = { PORT_DOWN: 1, NO_RECV: 4, NO_FWD: 32, NO_PACKET_IN: 64 };
const PORT_STATE = { LINK_DOWN: 1, BLOCKED: 2, LIVE: 4 };

export const portConfig = (v: number): string => flagNames(v, PORT_CONFIG);
export const portFeatures = (v: number): string => flagNames(v, OFPPF);

export function formatPort(p: Port): string {
  return [
    `port=${portName(p.portNo)}`,
    `name=${quote(p.name)}`,
    `addr=${p.hwAddr}`,
    `config=${portConfig(p.config)}`,
    `state=${flagNames(p.state, PORT_STATE)}`,
    `curr=${portFeatures(p.curr)}`,
    `advertised=${portFeatures(p.advertised)}`,
    `supported=${portFeatures(p.supported)}`,
    `peer=${portFeatures(p.peer)}`,
    `curr_speed=${p.currSpeed}`,
    `max_speed=${p.maxSpeed}`,
  ].join(' ');
}
