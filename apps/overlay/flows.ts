/**
 * The overlay's flows on one host's integration bridge, all in one table:
 *   400  ARP for any cluster address -> controller (weft answers as the gateway: proxy ARP)
 *   300  IPv4 to a workload of this host -> MACs rewritten, out of its port (learned pods)
 *   200  IPv4 to another host's subnet -> VXLAN (tun_id = VNI, tun_dst = its underlay address)
 *        or, routed, MACs rewritten to that host's gateway MAC and out of the uplink
 *   100  IPv4 to this host's subnet, workload not known yet -> controller (weft ARPs for it)
 * The cookie's low part says which kind a flow is (KIND), so changes delete one kind at once.
 */
import { decNwTtl, flowAdd, flowDelete, output, setField, toController } from '../sdk/index.js';
import type { FlowMod, FlowStats } from '../../protocol/index.js';
import type { AppContext, SwitchView } from '../sdk/index.js';
import type { Host, Hosts } from './hosts.js';
import { maskText } from './ipam.js';
import type { OverlayOptions } from './options.js';

export const KIND = { base: 1, remote: 2, pod: 3 } as const;
export const PRIORITY = { arp: 400, pod: 300, remote: 200, subnet: 100 } as const;

/** A workload learned on a host: where its address lives. */
export interface Pod {
  readonly ip: string;
  readonly mac: string;
  readonly port: number;
}

export interface FlowEnv {
  readonly ctx: AppContext;
  readonly opts: OverlayOptions;
  readonly hosts: Hosts;
}

/** The port of the bridge with this name, or undefined while it is absent. */
export function portNamed(sw: Pick<SwitchView, 'ports'>, name: string): number | undefined {
  for (const p of sw.ports.values()) if (p.name === name) return p.portNo;
  return undefined;
}

/** The port towards the other hosts: the VXLAN port, or the uplink in routed mode. */
export const exitPortName = (o: OverlayOptions): string => (o.mode === 'vxlan' ? o.tunnelPort : o.uplinkPort);

export function podFlow(env: FlowEnv, host: Host, pod: Pod): FlowMod {
  return flowAdd({
    table: env.opts.table,
    priority: PRIORITY.pod,
    cookie: env.ctx.cookie(KIND.pod),
    match: { eth_type: 0x0800, ipv4_dst: pod.ip },
    actions: [setField('eth_src', host.gatewayMac), setField('eth_dst', pod.mac), output(pod.port)],
  });
}

/** Base and remote flows of `host`'s bridge (no pods); none when its exit port is missing. */
export function hostFlows(env: FlowEnv, sw: Pick<SwitchView, 'ports'>, host: Host): FlowMod[] {
  const { opts, ctx } = env;
  const table = opts.table;
  const base = ctx.cookie(KIND.base);
  const flows: FlowMod[] = [
    flowAdd({ table, priority: PRIORITY.arp, cookie: base, match: { eth_type: 0x0806, arp_tpa: { value: opts.cluster.text.split('/')[0]!, mask: maskText(opts.cluster) } }, actions: [toController()] }),
    flowAdd({ table, priority: PRIORITY.subnet, cookie: base, match: { eth_type: 0x0800, ipv4_dst: { value: host.subnet.text.split('/')[0]!, mask: maskText(host.subnet) } }, actions: [toController()] }),
  ];
  const exit = portNamed(sw, exitPortName(opts));
  if (exit === undefined) return flows;
  for (const r of env.hosts.list()) {
    if (r === host) continue;
    const actions = opts.mode === 'vxlan'
      ? [decNwTtl(), setField('eth_src', host.gatewayMac), setField('eth_dst', r.gatewayMac), setField('tunnel_id', BigInt(opts.vni)), setField('tun_dst', r.underlay), output(exit)]
      : [decNwTtl(), setField('eth_src', host.gatewayMac), setField('eth_dst', r.gatewayMac), output(exit)];
    flows.push(flowAdd({
      table,
      priority: PRIORITY.remote,
      cookie: ctx.cookie(KIND.remote),
      match: { eth_type: 0x0800, ipv4_dst: { value: r.subnet.text.split('/')[0]!, mask: maskText(r.subnet) } },
      actions,
    }));
  }
  return flows;
}

/** Deletes of the base and remote flows in this app's table (pods stay). */
export function clearHostFlows(env: FlowEnv): FlowMod[] {
  const all = 0xffff_ffff_ffff_ffffn;
  return [KIND.base, KIND.remote].map((k) => flowDelete({ table: env.opts.table, cookie: env.ctx.cookie(k), cookieMask: all }));
}

/** A pod flow read back from a switch (adoption): the pod it forwards to, or undefined. */
export function podOfFlow(flow: FlowStats): Pod | undefined {
  const ip = flow.match.find((e) => e.field === 'ipv4_dst');
  const apply = flow.instructions.find((i) => i.type === 'applyActions');
  if (!ip || ip.field !== 'ipv4_dst' || ip.mask !== undefined || !apply || apply.type !== 'applyActions') return undefined;
  let mac: string | undefined;
  let port: number | undefined;
  for (const a of apply.actions) {
    if (a.type === 'setField' && a.field.field === 'eth_dst') mac = a.field.value;
    if (a.type === 'output') port = a.port;
  }
  if (mac === undefined || port === undefined) return undefined;
  return { ip: ip.value, mac, port };
}

