/**
 * Semantic keys for reconciliation: two flows that mean the same thing get the same key,
 * whether they come from an app's FlowMod or from the switch's flow stats. Open vSwitch
 * reports a match in its own field order, drops all-ones masks, clears value bits outside a
 * mask and reports instructions in its fixed order, so keys are built from wire bytes
 * normalized the same way:
 * - identity (OpenFlow's strict match): table, priority, the sorted normalized OXM entries;
 * - body (what MODIFY/ADD change): cookie, timeouts, state flags, the instructions in OVS's
 *   order with an empty apply-actions dropped (OVS reports none).
 */
import type { Bucket, FlowMod, GroupDesc, GroupMod, Instruction, Match, MeterConfig, MeterMod } from '../../protocol/index.js';
import { Writer } from '../../protocol/index.js';
import { encodeOxm } from '../../protocol/openflow/oxm.js';
import { encodeInstruction } from '../../protocol/openflow/instructions.js';
import { encodeActions } from '../../protocol/openflow/actions.js';
import { encodeMeterBands } from '../../protocol/openflow/meter-band.js';

/** Flow flags that are part of a flow's state as the switch reports it (OFPFF_SEND_FLOW_REM, NO_PKT_COUNTS, NO_BYT_COUNTS). */
export const STATE_FLAGS = 0x1 | 0x8 | 0x10;

const w = new Writer(1024);

function hex(from: number, to: number): string {
  return w.buf.toString('hex', from, to);
}

/** One OXM entry as normalized hex: header without mask bit when the mask is all ones; '' when all zeros. */
function oxmKey(e: Match[number]): string {
  w.pos = 0;
  encodeOxm(w, e);
  const header = w.dv.getUint32(0);
  if ((header & 0x100) === 0) return hex(0, w.pos);
  const half = (header & 0xff) >> 1;
  const v = 4;
  const m = 4 + half;
  let ones = true;
  let zeros = true;
  for (let i = 0; i < half; i++) {
    const mb = w.buf[m + i]!;
    if (mb !== 0xff) ones = false;
    if (mb !== 0) zeros = false;
    w.buf[v + i] = w.buf[v + i]! & mb;
  }
  if (zeros) return '';
  if (ones) return (((header & ~0x1ff) | half) >>> 0).toString(16).padStart(8, '0') + hex(v, v + half);
  return hex(0, w.pos);
}

/** The match as a canonical string (entry order and mask forms do not matter). */
export function matchKey(match: Match): string {
  if (match.length === 0) return '';
  if (match.length === 1) return oxmKey(match[0]!);
  const keys: string[] = [];
  for (const e of match) {
    const k = oxmKey(e);
    if (k) keys.push(k);
  }
  return keys.sort().join(',');
}

/** OVS's instruction order: meter, apply-actions, clear-actions, write-actions, write-metadata, goto-table. */
const INSTRUCTION_RANK: Record<string, number> = { meter: 0, applyActions: 1, clearActions: 2, writeActions: 3, writeMetadata: 4, gotoTable: 5, experimenter: 6, unknown: 7 };

export function instructionsKey(instructions: readonly Instruction[]): string {
  const list = instructions.filter((i) => !(i.type === 'applyActions' && i.actions.length === 0));
  if (list.length > 1) list.sort((a, b) => (INSTRUCTION_RANK[a.type] ?? 9) - (INSTRUCTION_RANK[b.type] ?? 9));
  w.pos = 0;
  for (const ins of list) encodeInstruction(w, ins);
  return hex(0, w.pos);
}

type FlowLike = Pick<FlowMod, 'priority' | 'match' | 'cookie' | 'idleTimeout' | 'hardTimeout' | 'flags' | 'instructions'>;

/** A flow's identity on a switch: table, priority, normalized match. */
export function flowId(tableId: number, f: Pick<FlowMod, 'priority' | 'match'>): string {
  return `${tableId}/${f.priority}/${matchKey(f.match)}`;
}

/** What MODIFY_STRICT changes: the instructions. */
export function flowActionsKey(f: Pick<FlowMod, 'instructions'>): string {
  return instructionsKey(f.instructions);
}

/** What only a replacing ADD changes: cookie, timeouts and state flags. */
export function flowAttrsKey(f: FlowLike): string {
  return `${f.cookie.toString(16)}/${f.idleTimeout}/${f.hardTimeout}/${f.flags & STATE_FLAGS}`;
}

function bucketsKey(buckets: readonly Bucket[]): string {
  const parts: string[] = [];
  for (const b of buckets) {
    w.pos = 0;
    encodeActions(w, b.actions);
    parts.push(`${b.weight}/${b.watchPort}/${b.watchGroup}/${hex(0, w.pos)}`);
  }
  return parts.join(';');
}

/** A group's content (type and buckets). */
export function groupKey(g: Pick<GroupMod | GroupDesc, 'groupType' | 'buckets'>): string {
  return `${g.groupType}|${bucketsKey(g.buckets)}`;
}

/** A meter's content (flags and bands). */
export function meterKey(m: Pick<MeterMod | MeterConfig, 'flags' | 'bands'>): string {
  w.pos = 0;
  encodeMeterBands(w, m.bands);
  return `${m.flags}|${hex(0, w.pos)}`;
}
