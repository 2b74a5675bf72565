/**
 * How apps use each other, checked by the compiler. An app that others use describes what it
 * offers in its own api.ts, registers that under its name by augmenting AppApis there:
 *
 *   declare module '../sdk/app-apis.js' {
 *     interface AppApis { topology: TopologyService }
 *   }
 *
 * and sets `api` on its App object (typed as ApiProvider<'topology'>). Another app imports that
 * api.ts type-only and calls `ctx.app('topology')`, which is typed TopologyService | undefined:
 * renaming the app or changing its API fails every user's type check, not its run.
 */
import type { App } from './app.js';

/** The API each app offers, by app name (filled in by the apps' api.ts files). */
export interface AppApis {}

export type AppName = keyof AppApis;

/** An app that offers AppApis[K] to the others. */
export type ApiProvider<K extends AppName> = App & { readonly name: K; readonly api: AppApis[K] };

/**
 * The API `app` offers under `name`, if it is that app and offers one. The one lookup behind
 * ctx.app() and weft's own (REST, metrics): the only place an api is cast to its type.
 */
export function apiOf<K extends AppName>(app: App | undefined, name: K): AppApis[K] | undefined {
  if (app === undefined || app.name !== name || app.api === undefined || app.api === null) return undefined;
  return app.api as AppApis[K];
}
