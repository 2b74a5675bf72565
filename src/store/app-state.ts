/** ctx.state of one app: its keys live under apps/<name>/ in the store, read from a mirror. */
import type { AppState } from '../../apps/sdk/index.js';
import type { Mirror } from './mirror.js';
import type { StateStore } from './store.js';

export const APPS_PREFIX = 'apps/';

export function appStateOf(store: StateStore, mirror: Mirror, appName: string): AppState {
  const base = `${APPS_PREFIX}${appName}/`;
  return {
    get: (key) => mirror.get(base + key),
    entries: (prefix = '') => mirror.entries(base + prefix).map(([k, v]) => [k.slice(base.length), v]),
    put: async (key, value) => {
      const rev = await store.put(base + key, value);
      mirror.note(base + key, JSON.parse(JSON.stringify(value)) as unknown, rev);
    },
    delete: async (key) => {
      const rev = await store.delete(base + key);
      mirror.note(base + key, undefined, rev);
    },
  };
}
