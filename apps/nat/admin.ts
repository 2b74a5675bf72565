/** The nat app's REST routes and commands: rules (list, add, delete) and sessions. */
import { HttpError, Outbox, saved } from '../sdk/index.js';
import { ruleKey, ruleRecord } from './persist.js';
import type { AppRoutes } from '../sdk/index.js';
import { conntrackFlows, deleteBase, openflowBaseFlows } from './flows.js';
import { checkConflicts, parseRule, ruleView } from './rules.js';
import type { NatRule } from './rules.js';
import type { NatState } from './state.js';

/** The rule-derived flows of the configured backend. */
export function baseFlows(s: NatState) {
  return s.opts.backend === 'conntrack' ? conntrackFlows(s.env, s.rules) : openflowBaseFlows(s.env, s.rules);
}

/** Replace the rule-derived flows on every switch (sessions stay). */
export function reinstall(s: NatState): Outbox {
  const out = new Outbox();
  for (const sw of s.ctx.switches()) out.to(sw.dpid, deleteBase(s.env), ...baseFlows(s));
  return out;
}

export function addRule(s: NatState, body: unknown) {
  const id = body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : String(s.nextRuleId);
  if (s.rules.some((r) => r.id === id)) throw HttpError.conflict(`rule ${id} exists`);
  const rule: NatRule = parseRule(body, id);
  checkConflicts(s.rules, rule);
  if (id === String(s.nextRuleId)) s.nextRuleId++;
  s.rules.push(rule);
  s.ctx.log.info(ruleView(rule), 'nat rule added');
  s.ctx.emit(reinstall(s));
  return saved(ruleView(rule), s.ctx.state.put(ruleKey(id), ruleRecord(s, rule)));
}

export function deleteRule(s: NatState, id: string): Promise<void> {
  const i = s.rules.findIndex((r) => r.id === id);
  if (i < 0) throw HttpError.notFound(`no rule ${id}`);
  const [rule] = s.rules.splice(i, 1);
  s.ctx.log.info(ruleView(rule!), 'nat rule deleted');
  s.ctx.emit(reinstall(s));
  return saved(undefined, s.ctx.state.delete(ruleKey(id)));
}

export function listSessions(s: NatState) {
  if (s.opts.backend === 'conntrack') {
    // Translations live in Open vSwitch's connection tracker, which OpenFlow does not expose.
    return { backend: 'conntrack', zone: s.opts.zone, sessions: [], note: `see ovs-appctl dpctl/dump-conntrack zone=${s.opts.zone}` };
  }
  const now = s.ctx.now();
  return {
    backend: 'openflow',
    sessions: s.sessions.list().map((x) => ({
      id: x.id, protocol: x.proto, dpid: x.dpid,
      inside: `${x.insideIp}:${x.insidePort}`, outside: `${x.outsideIp}:${x.outsidePort}`, remote: `${x.remoteIp}:${x.remotePort}`,
      ageMs: now - x.createdAt,
    })),
  };
}

const RULE_BODY = {
  type: 'object',
  required: ['type'],
  properties: {
    id: { type: 'string' },
    type: { enum: ['masquerade', 'static', 'forward'] },
    protocol: { enum: ['tcp', 'udp'] },
    inside: { type: 'string' },
    outside: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export function mountRoutes(s: NatState, r: AppRoutes): void {
  r.get('/rules', () => s.rules.map(ruleView), { summary: 'NAT rules (masquerade, static, forward)' });
  r.post('/rules', ({ body }) => addRule(s, body), { body: RULE_BODY, status: 201, summary: 'Add a NAT rule' });
  r.delete('/rules/:id', ({ params }) => deleteRule(s, params.id!), { summary: 'Delete a NAT rule' });
  r.get('/sessions', () => listSessions(s), { summary: 'Active translations (portable backend)' });
}

export function runCommand(s: NatState, name: string, args: unknown): unknown {
  switch (name) {
    case 'rules':
      return s.rules.map(ruleView);
    case 'addRule':
      return addRule(s, args);
    case 'deleteRule':
      return deleteRule(s, String(args));
    case 'sessions':
      return listSessions(s);
    default:
      throw HttpError.notFound(`unknown command ${name} (known: rules, addRule, deleteRule, sessions)`);
  }
}
