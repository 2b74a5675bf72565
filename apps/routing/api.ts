/**
 * What routing offers other apps (nat): the router's interfaces. Another app imports this file
 * type-only and gets it with `ctx.app('routing')` from init() on (see apps/sdk/app-apis.ts).
 */
import type { ApiProvider } from '../sdk/index.js';

declare module '../sdk/app-apis.js' {
  interface AppApis {
    routing: RoutingApi;
  }
}

/** A router interface: the gateway of one subnet. */
export interface RouterInterface {
  /** "10.0.1.1/24" */
  readonly address: string;
  readonly ip: string;
  readonly ipNum: number;
  readonly prefixLength: number;
  readonly mask: number;
  readonly networkNum: number;
  /** "10.0.1.0/24" */
  readonly network: string;
  readonly broadcastNum: number;
  readonly mac: string;
}

export interface RoutingApi {
  /** The interfaces now. They change over REST: read them when needed, never keep the list. */
  interfaces(): readonly RouterInterface[];
  /** The interface whose subnet holds this IPv4 address (dotted quad). */
  connected(ip: string): RouterInterface | undefined;
}

export type RoutingProvider = ApiProvider<'routing'>;
