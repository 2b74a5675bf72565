/**
 * The AppContext the host gives one app: its cookie range and logger, the injected clock, and
 * the host's services bound to that app.
 */
import type { App, AppCluster, AppContext, AppLogger, AppState, Outbox, SwitchView } from '../../apps/sdk/index.js';
import { apiOf, flowDelete, toDpid } from '../../apps/sdk/index.js';
import { APP_COOKIE_MASK, cookieAppId, makeCookie, NO_FLOW_COOKIE } from '../../apps/sdk/cookies.js';
import type { DeferredOut } from './deferred.js';

/** What a context asks the host for. */
export interface HostServices {
  now(): number;
  switches(): SwitchView[];
  /** A connected switch by canonical dpid. */
  switch(dpid: string): SwitchView | undefined;
  /** A loaded app by name. */
  app(name: string): App | undefined;
  emit(out: Outbox): void;
  defer(out: DeferredOut): void;
}

export function appContext(app: App, appId: number, log: AppLogger, options: Readonly<Record<string, unknown>>, state: AppState, host: HostServices, cluster?: AppCluster): AppContext {
  const base = makeCookie(appId);
  const ctx: AppContext = {
    name: app.name,
    appId,
    cookieBase: base,
    cookieMask: APP_COOKIE_MASK,
    cookie: (low = 0n) => makeCookie(appId, low),
    owns: (cookie) => cookie !== NO_FLOW_COOKIE && cookieAppId(cookie) === appId,
    deleteOwnFlows: (table) => flowDelete({ table, cookie: base, cookieMask: APP_COOKIE_MASK }),
    now: host.now,
    log,
    options,
    state,
    ...(cluster ? { cluster } : {}),
    switches: host.switches,
    switch: (dpid) => host.switch(toDpid(dpid)),
    app: (name) => apiOf(host.app(name), name),
    emit: host.emit,
    defer: host.defer,
  };
  return Object.freeze(ctx);
}
