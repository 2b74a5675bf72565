/**
 * Participants of reconciliation: every loaded app (its cookie range, desiredFlows and
 * adoptFlow) and every desired-state source registered with the host.
 */
import type { App, AppContext, SwitchView } from '../../apps/sdk/index.js';
import type { DesiredStateSource, Participant } from './reconcile-types.js';

/** An app as a participant; `onFail` counts a handler that threw (the error is rethrown). */
export function appParticipant(app: App, ctx: AppContext, onFail: (handler: 'desiredFlows' | 'adoptFlow', err: unknown) => void): Participant {
  const guard = <A extends unknown[], R>(handler: 'desiredFlows' | 'adoptFlow', fn: (...a: A) => R) => (...a: A): R => {
    try {
      return fn(...a);
    } catch (err) {
      onFail(handler, err);
      throw err;
    }
  };
  return {
    name: app.name,
    owns: ctx.owns,
    desiredFlows: app.desiredFlows ? guard('desiredFlows', (sw: SwitchView) => app.desiredFlows!(sw)) : undefined,
    adoptFlow: app.adoptFlow ? guard('adoptFlow', (sw: SwitchView, f) => app.adoptFlow!(sw, f)) : undefined,
  };
}

export function sourceParticipant(src: DesiredStateSource): Participant {
  return {
    name: src.name,
    owns: (cookie) => src.owns?.(cookie) === true,
    desiredFlows: src.flows ? (sw) => src.flows!(sw.dpid) : undefined,
    desiredGroups: src.groups ? (sw) => src.groups!(sw.dpid) : undefined,
    desiredMeters: src.meters ? (sw) => src.meters!(sw.dpid) : undefined,
  };
}
