/**
 * REST writes of flows, groups and meters into the state store (docs/STATE.md). A write is sent
 * to the switch and confirmed by a barrier first; only what the switch accepted is stored, and
 * the 2xx follows the store's fsync. `"persistent": false` makes an add or modify one-off: an add
 * then also drops a stored flow (group, meter) of the same identity, which the one-off replaces
 * on the switch. Flows with an idle or hard timeout are never stored (they are meant to expire).
 * Deletes always delete from the store, as selected by OpenFlow's rules (src/store/flow-identity.ts).
 */
import { OFPFC, OFPG_ALL, OFPGC, OFPM_ALL, OFPMC, OFPTT_ALL } from '../../protocol/index.js';
import type { FlowMod, GroupMod, MeterMod } from '../../protocol/index.js';
import { flowKey, groupKey, meterKey, switchPrefix } from '../store/desired-flows.js';
import type { DesiredFlows } from '../store/desired-flows.js';
import { flat } from '../store/flat-string.js';
import { fieldTexts, selects, usesGroup, usesMeter } from '../store/flow-identity.js';
import type { StateStore, TxnOp } from '../store/store.js';
import type { PreparedPuts } from '../store/prepared-puts.js';
import { HttpError } from './errors.js';
import { flowModToFriendly } from './flow-json.js';
import { groupToFriendly, meterToFriendly } from './group-meter-json.js';

export interface RestState {
  store: StateStore;
  desired: DesiredFlows;
}

/** The `persistent` flag of a body (default true), taken out so the converters never see it. */
export function takePersistent(body: unknown): { body: unknown; persistent: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('persistent' in body)) return { body, persistent: true };
  const { persistent, ...rest } = body as Record<string, unknown>;
  if (typeof persistent !== 'boolean') throw new HttpError(400, 'bad_request', 'persistent: expected a boolean', 'persistent');
  return { body: rest, persistent };
}

export async function commit(state: RestState, ops: TxnOp[], prepared?: PreparedPuts): Promise<void> {
  if (ops.length === 0) return;
  try {
    await state.store.txn([], ops, prepared);
  } catch (e) {
    throw new HttpError(503, 'state_write_failed', `applied to the switch, but not saved in the state store: ${(e as Error).message}`);
  }
}

const storable = (fm: FlowMod) => fm.idleTimeout === 0 && fm.hardTimeout === 0;

/**
 * Whether flowOps could return anything for these FLOW_MODs: not when they are one-off ADDs
 * and the switch has no stored flow they could replace. Then the caller need not keep the
 * messages (a bulk call of 100k flows otherwise kept them all alive for the store, and hashed
 * every match for a delete that finds nothing).
 */
export function flowOpsNeeded(state: RestState, dpid: string, command: 'add' | 'modify' | 'delete', persistent: boolean): boolean {
  return persistent || command !== 'add' || state.desired.mirror.any(switchPrefix(dpid, 'flows'));
}

/**
 * A persistent ADD's store operation when it is one that needs no look at the store: the put of
 * a storable flow (undefined otherwise: flowOps decides, it may delete a stored flow). The bulk
 * route prepares these while the switch is still busy (src/rest/bulk-store-prep.ts).
 */
export function persistentAddPut(dpid: string, fm: FlowMod): TxnOp | undefined {
  if (fm.command !== OFPFC.ADD || !storable(fm)) return undefined;
  // The value is built here and never touched again: the store keeps it instead of a copy, and
  // takes its JSON text from here (made while the switch is busy, for a bulk).
  const value = flowModToFriendly(fm);
  return { type: 'put', key: flat(flowKey(dpid, fm)), value, owned: true, json: JSON.stringify(value) };
}

/**
 * The stored flows of one switch, read once for a run of flowOps calls (a bulk's slices: the
 * store does not change before its one transaction), with an index by match field: a filter
 * selects only flows that hold every one of its match fields, so the flows holding its rarest
 * one are the only candidates. A bulk of exact deletes is then linear, not deletes x stored
 * (1,501 deletes against 3,000 stored flows: 16 s, each slice one event-loop turn of seconds).
 */
export class StoredFlows {
  #all: [string, FlowMod][] | undefined;
  #byField: Map<string, [string, FlowMod][]> | undefined;

  constructor(
    private readonly state: RestState,
    private readonly dpid: string,
  ) {}

  all(): [string, FlowMod][] {
    return (this.#all ??= this.state.desired.storedFlows(this.dpid));
  }

  /** The stored flows `filter` may select (a superset; selects() decides). */
  candidates(filter: FlowMod): [string, FlowMod][] {
    const want = fieldTexts(filter.match);
    if (want.length === 0) return this.all();
    if (!this.#byField) {
      const by = new Map<string, [string, FlowMod][]>();
      for (const entry of this.all()) {
        for (const t of fieldTexts(entry[1].match)) {
          const list = by.get(t);
          if (list) list.push(entry);
          else by.set(t, [entry]);
        }
      }
      this.#byField = by;
    }
    let best: [string, FlowMod][] | undefined;
    for (const t of want) {
      const list = this.#byField.get(t);
      if (!list) return [];
      if (!best || list.length < best.length) best = list;
    }
    return best!;
  }
}

/** The store operations for FLOW_MODs the switch accepted (one switch). */
export function flowOps(state: RestState, dpid: string, mods: readonly FlowMod[], persistent: boolean, stored = new StoredFlows(state, dpid)): TxnOp[] {
  const ops: TxnOp[] = [];
  const storedFlows = (fm: FlowMod) => stored.candidates(fm);
  for (const fm of mods) {
    const strict = fm.command === OFPFC.MODIFY_STRICT || fm.command === OFPFC.DELETE_STRICT;
    if (fm.command === OFPFC.ADD) {
      const put = persistent ? persistentAddPut(dpid, fm) : undefined;
      if (put) ops.push(put);
      else {
        // A one-off add drops a stored flow of its identity; none stored, nothing to do (a bulk
        // of 100k one-off flows then makes no 100k no-op deletes).
        const key = flowKey(dpid, fm);
        if (state.desired.mirror.get(key) !== undefined) ops.push({ type: 'delete', key });
      }
    } else if (fm.command === OFPFC.MODIFY || fm.command === OFPFC.MODIFY_STRICT) {
      if (!persistent) continue;
      for (const [key, f] of strict && fm.tableId !== OFPTT_ALL ? exact(state, dpid, fm) : storedFlows(fm)) {
        if (selects(fm, f, strict, false)) ops.push({ type: 'put', key, value: flowModToFriendly({ ...f, instructions: fm.instructions }), owned: true });
      }
    } else {
      for (const [key, f] of strict && fm.tableId !== OFPTT_ALL ? exact(state, dpid, fm) : storedFlows(fm)) if (selects(fm, f, strict, true)) ops.push({ type: 'delete', key });
    }
  }
  return ops;
}

/** The stored flow with a strict command's identity in one table (a direct lookup: bulk strict writes that name the table stay linear). */
function exact(state: RestState, dpid: string, fm: FlowMod): [string, FlowMod][] {
  const key = flowKey(dpid, fm);
  const v = state.desired.mirror.get(key);
  return v === undefined ? [] : [[key, state.desired.codec.flow(v)]];
}

export async function persistFlows(state: RestState | undefined, dpid: string, mods: readonly FlowMod[], persistent: boolean): Promise<void> {
  if (state) await commit(state, flowOps(state, dpid, mods, persistent));
}

/** Stored flows that use a deleted group or meter go too, as on the switch. */
function dependentFlows(state: RestState, dpid: string, uses: (fm: FlowMod) => boolean): TxnOp[] {
  return state.desired.storedFlows(dpid).filter(([, f]) => uses(f)).map(([key]) => ({ type: 'delete', key }));
}

export async function persistGroup(state: RestState | undefined, dpid: string, gm: GroupMod, persistent: boolean): Promise<void> {
  if (!state) return;
  if (gm.command === OFPGC.DELETE) {
    const keys: TxnOp[] = gm.groupId === OFPG_ALL ? [{ type: 'deletePrefix', prefix: switchPrefix(dpid, 'groups') }] : [{ type: 'delete', key: groupKey(dpid, gm.groupId) }];
    return commit(state, [...keys, ...dependentFlows(state, dpid, (f) => usesGroup(f, gm.groupId))]);
  }
  const key = groupKey(dpid, gm.groupId);
  const value = groupToFriendly(gm, undefined);
  return commit(state, [persistent ? { type: 'put', key, value } : { type: 'delete', key }]);
}

export async function persistMeter(state: RestState | undefined, dpid: string, mm: MeterMod, persistent: boolean): Promise<void> {
  if (!state) return;
  if (mm.command === OFPMC.DELETE) {
    const keys: TxnOp[] = mm.meterId === OFPM_ALL ? [{ type: 'deletePrefix', prefix: switchPrefix(dpid, 'meters') }] : [{ type: 'delete', key: meterKey(dpid, mm.meterId) }];
    return commit(state, [...keys, ...dependentFlows(state, dpid, (f) => usesMeter(f, mm.meterId))]);
  }
  const key = meterKey(dpid, mm.meterId);
  return commit(state, [persistent ? { type: 'put', key, value: meterToFriendly(mm, undefined) } : { type: 'delete', key }]);
}
