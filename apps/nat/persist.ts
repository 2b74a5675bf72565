/**
 * Rules added at run time are kept in ctx.state (rules/<id>, with `seq` for their order) and
 * restored at init after the rules of the app options. Options stay configuration: a rule of
 * the options deleted at run time comes back at the next start (docs/STATE.md).
 */
import type { AppContext } from '../sdk/index.js';
import { checkConflicts, parseRule, ruleView } from './rules.js';
import type { NatRule } from './rules.js';
import type { NatState } from './state.js';

export const ruleKey = (id: string): string => `rules/${id}`;

/** The value kept for a rule: its view and its place in the order. */
export function ruleRecord(s: NatState, rule: NatRule): Record<string, unknown> {
  return { ...ruleView(rule), seq: s.nextSeq++ };
}

export function restoreRules(ctx: AppContext, s: NatState): number {
  const stored = ctx.state.entries('rules/').map(([key, v]) => ({ key, v: v as Record<string, unknown> & { seq?: number } }));
  stored.sort((a, b) => (a.v.seq ?? 0) - (b.v.seq ?? 0));
  let n = 0;
  for (const { key, v } of stored) {
    const { seq, ...body } = v;
    s.nextSeq = Math.max(s.nextSeq, (seq ?? 0) + 1);
    const id = String(body.id);
    const same = s.rules.find((r) => r.id === id);
    if (same && JSON.stringify(ruleView(same)) === JSON.stringify(body)) continue;
    try {
      if (same) throw new Error(`rule id ${id} is taken by a rule of the options`);
      const rule = parseRule(body, id);
      checkConflicts(s.rules, rule);
      s.rules.push(rule);
      if (/^\d+$/.test(id)) s.nextRuleId = Math.max(s.nextRuleId, Number(id) + 1);
      n++;
    } catch (err) {
      ctx.log.warn({ key, rule: body, err: (err as Error).message }, 'persisted nat rule skipped: it conflicts with the configuration');
    }
  }
  return n;
}

/**
 * Cluster: rules written or deleted through REST on another instance (App.stateChanged).
 * Returns whether the rules changed (the caller reinstalls the rule flows). A rule of the
 * options stays; a stored rule that does not fit is skipped with a warning, as at init.
 */
export function syncRules(ctx: AppContext, s: NatState, keys: readonly string[], optionIds: ReadonlySet<string>): boolean {
  let changed = false;
  for (const key of keys) {
    if (!key.startsWith('rules/')) continue;
    const id = key.slice('rules/'.length);
    const v = ctx.state.get(key) as (Record<string, unknown> & { seq?: number }) | undefined;
    const at = s.rules.findIndex((r) => r.id === id);
    if (v === undefined) {
      if (at < 0 || optionIds.has(id)) continue;
      s.rules.splice(at, 1);
      changed = true;
      continue;
    }
    const { seq, ...body } = v;
    s.nextSeq = Math.max(s.nextSeq, (seq ?? 0) + 1);
    if (at >= 0 && JSON.stringify(ruleView(s.rules[at]!)) === JSON.stringify(body)) continue;
    try {
      if (optionIds.has(id)) throw new Error(`rule id ${id} is taken by a rule of the options`);
      const rule = parseRule(body, id);
      const others = s.rules.filter((r) => r.id !== id);
      checkConflicts(others, rule);
      if (at >= 0) s.rules[at] = rule;
      else s.rules.push(rule);
      if (/^\d+$/.test(id)) s.nextRuleId = Math.max(s.nextRuleId, Number(id) + 1);
      changed = true;
    } catch (err) {
      ctx.log.warn({ key, rule: body, err: (err as Error).message }, 'nat rule from the store not applied');
    }
  }
  return changed;
}
