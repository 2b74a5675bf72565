/**
 * The group and meter tables of the fake datapath: GROUP_MOD and METER_MOD applied with
 * OpenFlow 1.3's errors (an add of an existing id, a modify of a missing one), and the
 * GROUP_DESC and METER_CONFIG multipart answers that reconciliation reads.
 */
import { OFPET, OFPG_ALL, OFPGC, OFPGMFC, OFPM_ALL, OFPMC, OFPMMFC } from '../../protocol/index.js';
import type { GroupDesc, GroupMod, MeterConfig, MeterMod } from '../../protocol/index.js';

export type ModRefusal = { errType: number; code: number };

export class GroupMeterTables {
  readonly groups = new Map<number, GroupDesc>();
  readonly meters = new Map<number, MeterConfig>();

  group(m: GroupMod): ModRefusal | undefined {
    const fail = (code: number) => ({ errType: OFPET.GROUP_MOD_FAILED, code });
    const desc: GroupDesc = { groupType: m.groupType, groupId: m.groupId, buckets: m.buckets };
    switch (m.command) {
      case OFPGC.ADD:
        if (this.groups.has(m.groupId)) return fail(OFPGMFC.GROUP_EXISTS);
        this.groups.set(m.groupId, desc);
        return undefined;
      case OFPGC.MODIFY:
        if (!this.groups.has(m.groupId)) return fail(OFPGMFC.UNKNOWN_GROUP);
        this.groups.set(m.groupId, desc);
        return undefined;
      case OFPGC.DELETE:
        if (m.groupId === OFPG_ALL) this.groups.clear();
        else this.groups.delete(m.groupId);
        return undefined;
      default:
        return fail(OFPGMFC.BAD_COMMAND);
    }
  }

  meter(m: MeterMod): ModRefusal | undefined {
    const fail = (code: number) => ({ errType: OFPET.METER_MOD_FAILED, code });
    const config: MeterConfig = { flags: m.flags, meterId: m.meterId, bands: m.bands };
    switch (m.command) {
      case OFPMC.ADD:
        if (this.meters.has(m.meterId)) return fail(OFPMMFC.METER_EXISTS);
        this.meters.set(m.meterId, config);
        return undefined;
      case OFPMC.MODIFY:
        if (!this.meters.has(m.meterId)) return fail(OFPMMFC.UNKNOWN_METER);
        this.meters.set(m.meterId, config);
        return undefined;
      case OFPMC.DELETE:
        if (m.meterId === OFPM_ALL) this.meters.clear();
        else this.meters.delete(m.meterId);
        return undefined;
      default:
        return fail(OFPMMFC.BAD_COMMAND);
    }
  }

  groupDesc(): GroupDesc[] {
    return [...this.groups.values()].sort((a, b) => a.groupId - b.groupId);
  }

  meterConfig(meterId: number): MeterConfig[] {
    const all = [...this.meters.values()].sort((a, b) => a.meterId - b.meterId);
    return meterId === OFPM_ALL ? all : all.filter((m) => m.meterId === meterId);
  }
}
