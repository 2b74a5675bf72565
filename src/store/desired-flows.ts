/**
 * Flows, groups and meters persisted through REST, as the desired state of each switch: what the
 * reconciliation engine diffs a switch against, and what is installed at switch up until it does.
 * Keys: switches/<dpid>/flows/<table>/<priority>/<match digest>, switches/<dpid>/groups/<id>,
 * switches/<dpid>/meters/<id>; values in the native REST API's JSON form (docs/REST.md), which
 * is also how they are shown. The conversion to messages is given by the REST layer (codec).
 */
import type { FlowMod, GroupMod, MeterMod } from '../../protocol/index.js';
import type { Mirror } from './mirror.js';
import { flowIdOf } from './flow-identity.js';

export const SWITCHES_PREFIX = 'switches/';

export type SwitchObject = 'flows' | 'groups' | 'meters';

export const switchPrefix = (dpid: string, kind?: SwitchObject): string => `${SWITCHES_PREFIX}${dpid}/${kind ? `${kind}/` : ''}`;
export const flowKey = (dpid: string, fm: Pick<FlowMod, 'tableId' | 'priority' | 'match'>): string => switchPrefix(dpid, 'flows') + flowIdOf(fm);
export const groupKey = (dpid: string, id: number): string => switchPrefix(dpid, 'groups') + id;
export const meterKey = (dpid: string, id: number): string => switchPrefix(dpid, 'meters') + id;

/** JSON value <-> message, as the REST layer writes them (ADD commands). */
export interface SwitchObjectCodec {
  flow(value: unknown): FlowMod;
  group(value: unknown): GroupMod;
  meter(value: unknown): MeterMod;
}

/** One switch's desired state: messages with ADD commands and xid 0. */
export interface DesiredSwitchState {
  readonly groups: readonly GroupMod[];
  readonly meters: readonly MeterMod[];
  readonly flows: readonly FlowMod[];
}

/**
 * Shaped as the reconciliation's desired-state source (src/host/reconcile-types.ts,
 * DesiredStateSource: name, flows, groups, meters per dpid), so it is registered as it is.
 */
export class DesiredFlows {
  readonly name = 'rest';
  constructor(readonly mirror: Mirror, readonly codec: SwitchObjectCodec) {}

  flows(dpid: string): FlowMod[] {
    return this.flowsFor(dpid);
  }

  groups(dpid: string): GroupMod[] {
    return this.groupsFor(dpid);
  }

  meters(dpid: string): MeterMod[] {
    return this.metersFor(dpid);
  }

  flowsFor(dpid: string): FlowMod[] {
    return this.mirror.entries(switchPrefix(dpid, 'flows')).map(([, v]) => this.codec.flow(v));
  }

  groupsFor(dpid: string): GroupMod[] {
    return this.mirror.entries(switchPrefix(dpid, 'groups')).map(([, v]) => this.codec.group(v));
  }

  metersFor(dpid: string): MeterMod[] {
    return this.mirror.entries(switchPrefix(dpid, 'meters')).map(([, v]) => this.codec.meter(v));
  }

  stateFor(dpid: string): DesiredSwitchState {
    return { groups: this.groupsFor(dpid), meters: this.metersFor(dpid), flows: this.flowsFor(dpid) };
  }

  /** Switches with anything persisted. */
  dpids(): string[] {
    const out = new Set<string>();
    for (const [k] of this.mirror.entries()) out.add(k.slice(SWITCHES_PREFIX.length).split('/')[0]!);
    return [...out];
  }

  /** Stored flows of a switch with their keys (for REST writes that select among them). */
  storedFlows(dpid: string): [string, FlowMod][] {
    return this.mirror.entries(switchPrefix(dpid, 'flows')).map(([k, v]) => [k, this.codec.flow(v)]);
  }

  /** Called with the dpid after each change of its desired state. */
  onChange(listener: (dpid: string) => void): () => void {
    return this.mirror.onChange((events) => {
      const dpids = new Set(events.map((e) => e.key.slice(SWITCHES_PREFIX.length).split('/')[0]!));
      for (const d of dpids) listener(d);
    });
  }

  /** Check every stored entry converts (at start: a bad one stops weft). Returns [key, problem] of the first bad one. */
  firstBad(): [string, string] | undefined {
    for (const [k, v] of this.mirror.entries()) {
      const kind = k.split('/')[2];
      try {
        if (kind === 'flows') this.codec.flow(v);
        else if (kind === 'groups') this.codec.group(v);
        else if (kind === 'meters') this.codec.meter(v);
        else return [k, 'unknown kind of switch object'];
      } catch (e) {
        return [k, (e as Error).message];
      }
    }
    return undefined;
  }
}
