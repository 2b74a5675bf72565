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
  /**
   * A host with this MAC at (dpid, port) holds this address now (a DHCP server just gave it):
   * learned as a neighbour at once, and flows to a previous holder of the address deleted, so
   * traffic does not follow the address's old MAC until that entry ages out.
   */
  hostAddress(ip: string, mac: string, dpid: string, port: number): void;
  /** No one holds this address any more (released, expired): its neighbour entry and flows go. */
  forgetAddress(ip: string): void;
}

export type RoutingProvider = ApiProvider<'routing'>;
