/**
 * Paths a switch still holds when it comes up (a weft restart, a reconnect): reconciliation
 * offers l2-learning every flow in its cookie range, and the ones that are path flows we could
 * have built (our table and priority, an eth_dst match, one output) are kept and recorded in
 * the route tracker, so a later topology change deletes them like paths installed by this run.
 * Anything else of ours (another priority from an older configuration, say) is deleted.
 */
import type { FlowStats } from '../../protocol/index.js';
import type { Dpid } from '../sdk/index.js';
import type { L2State } from './state.js';

export function adoptPathFlow(s: L2State, dpid: Dpid, flow: FlowStats): boolean {
  const p = s.flows;
  if (flow.cookie !== p.pairCookie && flow.cookie !== p.transitCookie) return false;
  if (flow.tableId !== p.table || flow.priority !== p.priority) return false;
  const dst = flow.match.find((e) => e.field === 'eth_dst');
  if (!dst || dst.field !== 'eth_dst' || dst.mask !== undefined) return false;
  const ins = flow.instructions;
  if (ins.length !== 1 || ins[0]!.type !== 'applyActions') return false;
  const acts = ins[0]!.actions;
  if (acts.length !== 1 || acts[0]!.type !== 'output') return false;
  s.routes.recordHop(dst.value, dpid, acts[0]!.port);
  s.counters.adoptedFlows++;
  return true;
}
