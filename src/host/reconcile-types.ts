/** Types and defaults of reconciliation (docs/STATE.md): options, participants, results. */
import type { FlowMod, FlowStats, GroupMod, MeterMod } from '../../protocol/index.js';
import type { SwitchView } from '../../apps/sdk/index.js';

export interface ReconcileOptions {
  /** Interval of the drift audit (every switch reconciled again); 0 turns it off. */
  auditIntervalMs: number;
  /** Flows whose cookie is no app's or source's: 'keep' (default) or 'delete'. */
  foreignFlows: 'keep' | 'delete';
  /** Attempts at a flow the switch refuses, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles after each refusal, up to maxRetryBackoffMs. */
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

export const RECONCILE_DEFAULTS: ReconcileOptions = {
  auditIntervalMs: 30_000,
  foreignFlows: 'keep',
  maxAttempts: 5,
  retryBackoffMs: 1_000,
  maxRetryBackoffMs: 60_000,
};

/** Whoever states desired state for switches: an app (through the host) or a source. */
export interface Participant {
  readonly name: string;
  /** Whether a flow cookie is this participant's (extraneous flows it owns are deleted unless adopted). */
  owns(cookie: bigint): boolean;
  desiredFlows?(sw: SwitchView): readonly FlowMod[] | undefined;
  desiredGroups?(sw: SwitchView): readonly GroupMod[] | undefined;
  desiredMeters?(sw: SwitchView): readonly MeterMod[] | undefined;
  adoptFlow?(sw: SwitchView, flow: FlowStats): boolean;
}

/**
 * Desired state from outside the apps: the state store's persisted REST flows, groups and
 * meters, say. Registered with AppHost.addDesiredSource(). Without `owns`, the source's flows
 * are installed and repaired but flows it no longer wants are not recognized as its own (so
 * they are deleted only through its own REST delete, or with foreignFlows 'delete').
 */
export interface DesiredStateSource {
  readonly name: string;
  flows?(dpid: string): readonly FlowMod[];
  groups?(dpid: string): readonly GroupMod[];
  meters?(dpid: string): readonly MeterMod[];
  owns?(cookie: bigint): boolean;
}

/** 'mastership': this cluster instance just became the switch's master (docs/CLUSTER.md). */
export type ReconcileTrigger = 'switchUp' | 'audit' | 'retry' | 'request' | 'mastership';

export interface ReconcileResult {
  dpid: string;
  trigger: ReconcileTrigger;
  /** When the run started (ISO 8601). */
  at: string;
  durationMs: number;
  flows: {
    /** Flows the switch held when read. */
    onSwitch: number;
    desired: number;
    added: number;
    modified: number;
    deleted: number;
    /** Desired flows found as they should be: not touched. */
    kept: number;
    /** Flows of ours no one names as desired, kept by their owner (learned paths, NAT sessions). */
    adopted: number;
    /** Flows with cookies that are not weft's, left alone. */
    foreign: number;
    /** Refused by the switch in this run, or held back waiting for their retry. */
    failed: number;
  };
  groups: { added: number; modified: number; kept: number; failed: number };
  meters: { added: number; modified: number; kept: number; failed: number };
  /** Desired flows with the identity of another owner's desired flow. */
  conflicts: number;
  /** Why the run could not finish (switch gone, request timed out), or null. */
  error: string | null;
}

export interface ReconcileTotals {
  runs: Record<ReconcileTrigger, number>;
  errors: number;
  flows: { added: number; modified: number; deleted: number; kept: number; adopted: number; failed: number };
}

export const emptyTotals = (): ReconcileTotals => ({
  runs: { switchUp: 0, audit: 0, retry: 0, request: 0, mastership: 0 },
  errors: 0,
  flows: { added: 0, modified: 0, deleted: 0, kept: 0, adopted: 0, failed: 0 },
});
