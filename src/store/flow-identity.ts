/**
 * Which persisted flows a FLOW_MOD concerns, by OpenFlow's rules on the decoded message: a flow
 * is identified by table, priority and match (an ADD of the same three replaces it); MODIFY and
 * DELETE select by table, cookie under its mask, and match (strict: the same match and priority;
 * otherwise every field of the filter present in the flow with the same value and mask);
 * DELETE also by output port and group. A masked filter field selects only flows with that same
 * value and mask (OpenFlow would also take narrower masks: documented in docs/STATE.md).
 */
import * as crypto from 'node:crypto';
import { OFPG_ALL, OFPG_ANY, OFPM_ALL, OFPP, OFPTT_ALL } from '../../protocol/index.js';
import type { Action, FlowMod, Instruction, Match } from '../../protocol/index.js';

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v);

/**
 * One canonical text per OXM entry: field order does not matter, values and masks do. An entry
 * with a number or string value and mask (most of them) has no bigint or bytes for the replacer
 * to rewrite: JSON.stringify without it gives the same text several times faster
 * (test/store/flow-identity-fast.test.ts compares the two).
 */
export function fieldTexts(m: Match): string[] {
  const out = new Array<string>(m.length);
  for (let i = 0; i < m.length; i++) {
    const f = m[i]!;
    const plain = f.field !== 'opaque' && typeof f.value !== 'bigint' && typeof f.value !== 'object' && typeof f.mask !== 'bigint' && typeof f.mask !== 'object';
    out[i] = plain ? JSON.stringify(f) : JSON.stringify(f, replacer);
  }
  return out.length > 1 ? out.sort() : out;
}

// One-shot hashing (Node >= 20.12) skips the Hash object per flow; the digest is the same.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const sha256Hex = oneShot ? (text: string) => oneShot('sha256', text, 'hex') : (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** The key part naming a flow: table, priority and a digest of the match. */
export function flowIdOf(fm: Pick<FlowMod, 'tableId' | 'priority' | 'match'>): string {
  return flowIdFromTexts(fm.tableId, fm.priority, fieldTexts(fm.match));
}

/**
 * flowIdOf from the match's OXM entry texts (JSON.stringify of each entry, any order; sorted
 * here, in place): for src/rest/flow-store-fast.ts, which writes them from the bytes.
 */
export function flowIdFromTexts(tableId: number, priority: number, texts: string[]): string {
  if (texts.length > 1) texts.sort();
  return `${tableId}/${priority}/${sha256Hex(texts.join('\n')).slice(0, 24)}`;
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
