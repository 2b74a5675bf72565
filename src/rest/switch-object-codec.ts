/** Persisted flows, groups and meters (REST JSON form) back to ADD messages: the store's codec. */
import { OFPGC, OFPMC } from '../../protocol/index.js';
import type { SwitchObjectCodec } from '../store/desired-flows.js';
import { flowModFromFriendly } from './flow-json.js';
import { groupMod } from './plugins/groups.js';
import { meterMod } from './plugins/meters.js';

const idOf = (v: unknown, field: string): number => {
  const id = (v as Record<string, unknown> | null)?.[field];
  if (typeof id !== 'number') throw new Error(`${field}: missing`);
  return id;
};

export const switchObjectCodec: SwitchObjectCodec = {
  flow: (v) => flowModFromFriendly(v, 'add'),
  group: (v) => groupMod(OFPGC.ADD, idOf(v, 'groupId'), v as Parameters<typeof groupMod>[2]),
  meter: (v) => meterMod(OFPMC.ADD, idOf(v, 'meterId'), v as Parameters<typeof meterMod>[2]),
};
