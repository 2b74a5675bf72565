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
  /** IPv6 gateway addresses and their prefixes (dual stack), possibly none. */
  readonly ipv6: readonly RouterIpv6[];
  /** fe80::/64 + the EUI-64 of the MAC: the source of router advertisements. */
  readonly linkLocal: string;
  /** Largest IPv6 packet routed out of this interface (packet too big above it); none: no check. */
  readonly mtu: number | undefined;
  readonly ra: RaConfig;
}

/** One IPv6 address of an interface: the gateway of its prefix. */
export interface RouterIpv6 {
  /** "2001:db8:1::1/64" */
  readonly address: string;
  readonly ip: string;
  readonly prefixLength: number;
  /** "2001:db8:1::/64" */
  readonly network: string;
  readonly ipBig: bigint;
  readonly netBig: bigint;
  readonly maskBig: bigint;
}

/** Router advertisements of an interface (SLAAC for its IPv6 prefixes). */
export interface RaConfig {
  readonly enabled: boolean;
  /** Unsolicited advertisements every this many seconds. */
  readonly intervalSec: number;
  readonly validLifetimeSec: number;
  readonly preferredLifetimeSec: number;
  /** How long hosts keep the router as their default router (0: not a default router). */
  readonly routerLifetimeSec: number;
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
