/**
 * The dhcp app's table-0 flows, as pure builders (priority P = option `priority`):
 *
 *   P+2  in_port=X, udp 68 -> 67: drop, hard timeout (a port over the DHCP rate, for a while)
 *   P+1  udp 68 -> 67: controller (client messages: broadcast, and renewals unicast to a gateway)
 *   P+1  udp 67 -> 68: drop (server replies from any port: weft's own replies are PACKET_OUTs
 *        straight to the client's port and never meet the table, so every one here is a rogue's)
 *   P+1  arp, arp_tpa=<server address of a flat pool>: controller (weft answers for it)
 */
import type { FlowMod } from '../../protocol/index.js';
import { ETH_TYPE, IP_PROTO } from '../../protocol/packet/index.js';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from './wire.js';
import { flowAdd, toController } from '../sdk/index.js';
import type { Pool } from './pools.js';

export const KIND = { base: 1, block: 2 } as const;

export interface FlowEnv {
  priority: number;
  cookie: (low: number) => bigint;
}

const fromClients = { eth_type: ETH_TYPE.IPV4, ip_proto: IP_PROTO.UDP, udp_src: DHCP_CLIENT_PORT, udp_dst: DHCP_SERVER_PORT };

export function baseFlows(env: FlowEnv, pools: readonly Pool[]): FlowMod[] {
  const cookie = env.cookie(KIND.base);
  const priority = env.priority + 1;
  const servers = [...new Set(pools.filter((p) => p.answersArp).map((p) => p.serverIp))];
  return [
    flowAdd({ priority, cookie, match: fromClients, actions: [toController()] }),
    flowAdd({ priority, cookie, match: { eth_type: ETH_TYPE.IPV4, ip_proto: IP_PROTO.UDP, udp_src: DHCP_SERVER_PORT, udp_dst: DHCP_CLIENT_PORT } }),
    ...servers.map((ip) => flowAdd({ priority, cookie, match: { eth_type: ETH_TYPE.ARP, arp_tpa: ip }, actions: [toController()] })),
  ];
}

/** Drop one port's DHCP requests for `sec` seconds: its packet-ins stop at the switch. */
export function blockFlow(env: FlowEnv, port: number, sec: number): FlowMod {
  return flowAdd({ priority: env.priority + 2, cookie: env.cookie(KIND.block), hard: sec, match: { in_port: port, ...fromClients } });
}
