/**
 * Which persisted flows a FLOW_MOD concerns, by OpenFlow's rules on the decoded message: a flow
 * is identified by table, priority and match (an ADD of the same three replaces it); MODIFY and
 * DELETE select by table, cookie under its mask, and match (strict: the same match and priority;
 * otherwise every field of the filter present in the flow with the same value and mask);
 * DELETE also by output port and group. A masked filter field selects only flows with that same
 * value and mask (OpenFlow would also take narrower masks: documented in docs/STATE.md).
 */
import { createHash } from 'node:crypto';
import { OFPG_ALL, OFPG_ANY, OFPM_ALL, OFPP, OFPTT_ALL } from '../../protocol/index.js';
import type { Action, FlowMod, Instruction, Match } from '../../protocol/index.js';

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v);

/** One canonical text per OXM entry: field order does not matter, values and masks do. */
function fieldTexts(m: Match): string[] {
  return m.map((f) => JSON.stringify(f, replacer)).sort();
}

/** The key part naming a flow: table, priority and a digest of the match. */
export function flowIdOf(fm: Pick<FlowMod, 'tableId' | 'priority' | 'match'>): string {
  const digest = createHash('sha256').update(fieldTexts(fm.match).join('\n')).digest('hex').slice(0, 24);
  return `${fm.tableId}/${fm.priority}/${digest}`;
}

function actionsOf(ins: readonly Instruction[]): Action[] {
  const out: Action[] = [];
  for (const i of ins) if (i.type === 'applyActions' || i.type === 'writeActions') out.push(...i.actions);
  return out;
}

export const usesGroup = (fm: FlowMod, groupId: number): boolean => actionsOf(fm.instructions).some((a) => a.type === 'group' && (groupId === OFPG_ALL || a.groupId === groupId));

export const usesMeter = (fm: FlowMod, meterId: number): boolean => fm.instructions.some((i) => i.type === 'meter' && (meterId === OFPM_ALL || i.meterId === meterId));

/** Whether `filter` (a MODIFY or DELETE, strict or not) selects the stored flow `flow`. */
export function selects(filter: FlowMod, flow: FlowMod, strict: boolean, isDelete: boolean): boolean {
  if (filter.tableId !== OFPTT_ALL && filter.tableId !== flow.tableId) return false;
  if (filter.cookieMask !== 0n && (filter.cookie & filter.cookieMask) !== (flow.cookie & filter.cookieMask)) return false;
  const want = fieldTexts(filter.match);
  const have = fieldTexts(flow.match);
  if (strict) {
    if (filter.priority !== flow.priority || want.length !== have.length || want.some((t, i) => t !== have[i])) return false;
  } else {
    const set = new Set(have);
    if (!want.every((t) => set.has(t))) return false;
  }
  if (isDelete) {
    const acts = actionsOf(flow.instructions);
    if (filter.outPort !== OFPP.ANY && !acts.some((a) => a.type === 'output' && a.port === filter.outPort)) return false;
    if (filter.outGroup !== OFPG_ANY && !acts.some((a) => a.type === 'group' && a.groupId === filter.outGroup)) return false;
  }
  return true;
}
