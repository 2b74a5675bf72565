/**
 * Configuration an app keeps across restarts (`ctx.state`): operator changes made at run time,
 * such as routing interfaces or NAT rules, under keys of the app's own (weft stores them under
 * apps/<app name>/ in its state store, docs/STATE.md). Reads are synchronous: weft loads the
 * store before init(), so an app restores itself there. A write resolves once it is durable;
 * a REST route handler awaits it so that its 2xx means "saved".
 * Learned state (MAC tables, neighbours, sessions) does not belong here.
 */
export interface AppState {
  get(key: string): unknown;
  /** [key, value] pairs under a key prefix, sorted by key. */
  entries(prefix?: string): [string, unknown][];
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** An AppState kept in memory (app tests; a host without a state store). */
export function memoryAppState(): AppState {
  const m = new Map<string, unknown>();
  return {
    get: (key) => m.get(key),
    entries: (prefix = '') => [...m].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    put: async (key, value) => void m.set(key, JSON.parse(JSON.stringify(value)) as unknown),
    delete: async (key) => void m.delete(key),
  };
}
