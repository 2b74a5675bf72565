/**
 * Cookie range (app id) assignment. An id derived from the app's name keeps an app's cookies the
 * same across restarts and config changes, so flows a previous run installed are still
 * recognized (and deletable) as the app's own. Collisions are resolved in load order by taking
 * the next free id; an app can also ask for a fixed id (App.cookie).
 */
import { APP_ID_MAX } from '../../apps/sdk/cookies.js';

/** FNV-1a over the name's UTF-16 code units, folded to 16 bits. */
export function nameHash16(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ((h >>> 16) ^ h) & 0xffff;
}

export function assignAppIds(apps: readonly { name: string; cookie?: number }[]): number[] {
  const taken = new Map<number, string>();
  const ids: number[] = new Array(apps.length).fill(0);
  apps.forEach((a, i) => {
    if (a.cookie === undefined) return;
    if (!Number.isInteger(a.cookie) || a.cookie < 1 || a.cookie > APP_ID_MAX) {
      throw new Error(`app ${a.name}: cookie (app id) ${String(a.cookie)} is not an integer 1-${APP_ID_MAX}`);
    }
    const other = taken.get(a.cookie);
    if (other !== undefined) throw new Error(`apps ${other} and ${a.name} both ask for app id ${a.cookie}`);
    taken.set(a.cookie, a.name);
    ids[i] = a.cookie;
  });
  apps.forEach((a, i) => {
    if (a.cookie !== undefined) return;
    let id = nameHash16(a.name) || 1;
    while (taken.has(id)) id = id >= APP_ID_MAX ? 1 : id + 1;
    taken.set(id, a.name);
    ids[i] = id;
  });
  return ids;
}
