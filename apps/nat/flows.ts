/**
 * The nat app's flows, as pure builders. Everything happens in table 0 before the routing app's
 * FIB (routingTable): a translated packet continues there with its new addresses, so routing
 * forwards it like any other. Priorities are above routing's table-0 traps (400/401).
 *
 *   base+30  ARP for an extra outside address (static NAT) -> controller (we answer for it)
 *   base+25  openflow sessions: exact 5-tuples, both directions -> set-field, goto routing
 *   base+20  to a router address from inside: no NAT -> goto routing
 *   base+16  forward rules (stateless pair)        base+15  static rules (stateless pair)
 *   base+12  openflow: ICMP echo replies and ICMP errors to a masquerade address -> controller
 *   base+11  openflow: TCP/UDP to a masquerade address (a reply where its session has no flow yet) -> controller
 *   base+10  openflow: from a masqueraded prefix -> controller; conntrack: -> ct(nat, table=ctTable)
 */
import type { FlowMod, Instruction } from '../../protocol/index.js';
import { ct, ctState, nat, resubmit } from '../../protocol/openflow/nicira/index.js';
import { ETH_TYPE, ICMP_TYPE, IP_PROTO, numberToIpv4 } from '../../protocol/packet/index.js';
import type { Action } from '../../protocol/index.js';
import { applyActions, flowAdd, flowDelete, gotoTable, match, setField, toController } from '../sdk/index.js';
import type { MatchFields } from '../sdk/index.js';
import type { NatOptions } from './options.js';
import type { ForwardRule, MasqueradeRule, NatRule, StaticRule } from './rules.js';
import { ICMP_ERROR_TYPES } from './icmp-error.js';
import type { Direction, Session } from './sessions.js';

/** Cookie low parts: the kind in bits 40-47, a session id below. */
export const KIND = { base: 1, session: 2 } as const;
export const kindCookie = (kind: number, id = 0) => (BigInt(kind) << 40n) | BigInt(id);
export const ALL_BITS = 0xffff_ffff_ffff_ffffn;
export const OFPFF_SEND_FLOW_REM = 1;

/** What the builders need from the app: options, cookies, and the router's interfaces. */
export interface FlowEnv {
  opts: NatOptions;
  cookie: (low: bigint) => bigint;
  /** The router MAC an address's subnet uses as its gateway (undefined: not on a router subnet). */
  gatewayMac: (ip: string) => string | undefined;
  /** Every router interface address. */
  routerIps: readonly string[];
}

const IPV4 = ETH_TYPE.IPV4;
const protoNum = (p: 'tcp' | 'udp') => (p === 'tcp' ? IP_PROTO.TCP : IP_PROTO.UDP);
const portFields = (p: 'tcp' | 'udp') => (p === 'tcp' ? (['tcp_src', 'tcp_dst'] as const) : (['udp_src', 'udp_dst'] as const));
const maskOf = (len: number) => numberToIpv4(len === 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0);

function thenRoute(env: FlowEnv, actions: Action[]): Instruction[] {
  return actions.length ? [applyActions(actions), gotoTable(env.opts.routingTable)] : [gotoTable(env.opts.routingTable)];
}

function add(env: FlowEnv, priority: number, match: MatchFields, instructions: Instruction[]): FlowMod {
  return flowAdd({ priority: env.opts.priority + priority, cookie: env.cookie(kindCookie(KIND.base)), match, instructions });
}

/** `eth_dst` of the gateway of `ip` when known (frames from that side are addressed to it). */
function viaGateway(env: FlowEnv, ip: string): MatchFields {
  const mac = env.gatewayMac(ip);
  return mac ? { eth_dst: mac } : {};
}

/** Outside addresses that are not router interface addresses: we answer ARP for them. */
export function extraAddresses(env: FlowEnv, rules: readonly NatRule[]): string[] {
  const all = rules.map((r) => (r.type === 'forward' ? r.outsideIp : r.outside));
  return [...new Set(all)].filter((ip) => !env.routerIps.includes(ip) && env.gatewayMac(ip) !== undefined);
}

function insideSources(rules: readonly NatRule[]): MatchFields[] {
  return rules.flatMap((r): MatchFields[] => {
    if (r.type === 'masquerade') return [{ ipv4_src: r.len === 32 ? r.inside.split('/')[0]! : { value: r.inside.split('/')[0]!, mask: maskOf(r.len) } }];
    if (r.type === 'static') return [{ ipv4_src: r.inside }];
    return [];
  });
}

function staticFlows(env: FlowEnv, r: StaticRule, conntrack: boolean): FlowMod[] {
  if (conntrack) return [];
  return [
    add(env, 15, { ...viaGateway(env, r.inside), eth_type: IPV4, ipv4_src: r.inside }, thenRoute(env, [setField('ipv4_src', r.outside)])),
    add(env, 15, { eth_type: IPV4, ipv4_dst: r.outside }, thenRoute(env, [setField('ipv4_dst', r.inside)])),
  ];
}

function forwardFlows(env: FlowEnv, r: ForwardRule): FlowMod[] {
  const [src, dst] = portFields(r.protocol);
  const ip_proto = protoNum(r.protocol);
  return [
    add(env, 16, { eth_type: IPV4, ip_proto, ipv4_dst: r.outsideIp, [dst]: r.outsidePort }, thenRoute(env, [setField('ipv4_dst', r.insideIp), setField(dst, r.insidePort)])),
    add(env, 16, { ...viaGateway(env, r.insideIp), eth_type: IPV4, ip_proto, ipv4_src: r.insideIp, [src]: r.insidePort }, thenRoute(env, [setField('ipv4_src', r.outsideIp), setField(src, r.outsidePort)])),
  ];
}

function masqueradeFlows(env: FlowEnv, r: MasqueradeRule): FlowMod[] {
  const [net] = r.inside.split('/');
  const src = r.len === 32 ? net! : { value: net!, mask: maskOf(r.len) };
  const gw = viaGateway(env, net!);
  return [
    ...env.routerIps.map((ip) => add(env, 20, { ...gw, eth_type: IPV4, ipv4_src: src, ipv4_dst: ip }, thenRoute(env, []))),
    add(env, 12, { eth_type: IPV4, ip_proto: IP_PROTO.ICMP, ipv4_dst: r.outside, icmpv4_type: ICMP_TYPE.ECHO_REPLY }, [applyActions([toController()])]),
    // Errors quoting our translated packets (traceroute, path MTU discovery): icmp-error.ts.
    ...ICMP_ERROR_TYPES.map((type) => add(env, 12, { eth_type: IPV4, ip_proto: IP_PROTO.ICMP, ipv4_dst: r.outside, icmpv4_type: type }, [applyActions([toController()])])),
    add(env, 10, { ...gw, eth_type: IPV4, ipv4_src: src }, [applyActions([toController()])]),
    // Replies entering at a switch without the session's inbound flow (translate.ts installs it there).
    add(env, 11, { eth_type: IPV4, ip_proto: IP_PROTO.TCP, ipv4_dst: r.outside }, [applyActions([toController()])]),
    add(env, 11, { eth_type: IPV4, ip_proto: IP_PROTO.UDP, ipv4_dst: r.outside }, [applyActions([toController()])]),
  ];
}

/** The table-0 flows every switch gets for the portable backend. */
export function openflowBaseFlows(env: FlowEnv, rules: readonly NatRule[]): FlowMod[] {
  const out: FlowMod[] = extraAddresses(env, rules).map((ip) => add(env, 30, { eth_type: ETH_TYPE.ARP, arp_tpa: ip }, [applyActions([toController()])]));
  for (const r of rules) {
    if (r.type === 'static') out.push(...staticFlows(env, r, false));
    else if (r.type === 'forward') out.push(...forwardFlows(env, r));
    else out.push(...masqueradeFlows(env, r));
  }
  return out;
}

/**
 * The conntrack backend: table 0 sends traffic from NATed inside sources and to outside
 * addresses through ct(zone, nat, table=ctTable), which undoes/applies the translation of
 * known connections; ctTable commits new ones with the rule's nat() and sends everything on to
 * the routing table. No per-connection packet-in.
 */
export function conntrackFlows(env: FlowEnv, rules: readonly NatRule[]): FlowMod[] {
  const { zone, ctTable } = env.opts;
  const P = env.opts.priority;
  const cookie = env.cookie(kindCookie(KIND.base));
  const route = gotoTable(env.opts.routingTable);
  const out: FlowMod[] = extraAddresses(env, rules).map((ip) => add(env, 30, { eth_type: ETH_TYPE.ARP, arp_tpa: ip }, [applyActions([toController()])]));
  const track = [applyActions([ct({ zone, table: ctTable, actions: [nat()] })])];
  const outsides = new Set<string>();
  for (const src of insideSources(rules)) {
    const ip = typeof src.ipv4_src === 'string' ? src.ipv4_src : (src.ipv4_src as { value: string }).value;
    const gw = viaGateway(env, ip);
    for (const rip of env.routerIps) out.push(add(env, 20, { ...gw, eth_type: IPV4, ...src, ipv4_dst: rip }, [route]));
    out.push(add(env, 10, { ...gw, eth_type: IPV4, ...src }, track));
  }
  for (const r of rules) {
    if (r.type === 'forward') {
      outsides.add(r.outsideIp);
      out.push(add(env, 11, { ...viaGateway(env, r.insideIp), eth_type: IPV4, ip_proto: protoNum(r.protocol), ipv4_src: r.insideIp, [portFields(r.protocol)[0]]: r.insidePort }, track));
    } else outsides.add(r.outside);
  }
  for (const ip of outsides) out.push(add(env, 10, { eth_type: IPV4, ipv4_dst: ip }, track));

  // ct_state goes after the basic fields (sdk match() orders basic fields only).
  const isNew = ctState('+trk+new');
  const inCt = (priority: number, m: MatchFields, actions: Action[], onlyNew = true) =>
    flowAdd({
      table: ctTable,
      priority: P + priority,
      cookie,
      match: [...match({ eth_type: IPV4, ...m }), ...(onlyNew ? [isNew] : [])],
      // goto_table may only go forward; Open vSwitch's resubmit may go back to the routing table.
      instructions: [applyActions([...actions, resubmit(env.opts.routingTable)])],
    });
  // Established and related packets were translated by ct(nat) in table 0 already.
  out.push(inCt(0, {}, [], false));
  for (const r of rules) {
    if (r.type === 'static') {
      out.push(
        inCt(15, { ipv4_src: r.inside }, [ct({ commit: true, zone, actions: [nat({ kind: 'src', addr: r.outside })] })]),
        inCt(15, { ipv4_dst: r.outside }, [ct({ commit: true, zone, actions: [nat({ kind: 'dst', addr: r.inside })] })]),
      );
    } else if (r.type === 'forward') {
      const [, dst] = portFields(r.protocol);
      out.push(inCt(16, { ip_proto: protoNum(r.protocol), ipv4_dst: r.outsideIp, [dst]: r.outsidePort }, [
        ct({ commit: true, zone, actions: [nat({ kind: 'dst', addr: r.insideIp, ports: r.insidePort })] }),
      ]));
    } else {
      const [net] = r.inside.split('/');
      const src = r.len === 32 ? net! : { value: net!, mask: maskOf(r.len) };
      out.push(inCt(10, { ipv4_src: src }, [
        ct({ commit: true, zone, actions: [nat({ kind: 'src', addr: r.outside, ports: [env.opts.portMin, env.opts.portMax] })] }),
      ]));
    }
  }
  return out;
}

/**
 * One direction's flow of a TCP/UDP session (portable backend), idle-timed, reporting its
 * removal. Each goes to the switches where that direction's packets enter the router.
 */
export function sessionFlow(env: FlowEnv, s: Session, dir: Direction): FlowMod {
  const proto = s.proto === 'udp' ? 'udp' : 'tcp';
  const [src, dst] = portFields(proto);
  const ip_proto = protoNum(proto);
  const idle = proto === 'tcp' ? env.opts.tcpIdleSec : env.opts.udpIdleSec;
  const cookie = env.cookie(kindCookie(KIND.session, s.id));
  const common = { priority: env.opts.priority + 25, cookie, idle, flags: OFPFF_SEND_FLOW_REM };
  if (dir === 'out') {
    return flowAdd({
      ...common,
      match: { eth_type: IPV4, ip_proto, ipv4_src: s.insideIp, ipv4_dst: s.remoteIp, [src]: s.insidePort, [dst]: s.remotePort },
      instructions: thenRoute(env, [setField('ipv4_src', s.outsideIp), setField(src, s.outsidePort)]),
    });
  }
  return flowAdd({
    ...common,
    match: { eth_type: IPV4, ip_proto, ipv4_src: s.remoteIp, ipv4_dst: s.outsideIp, [src]: s.remotePort, [dst]: s.outsidePort },
    instructions: thenRoute(env, [setField('ipv4_dst', s.insideIp), setField(dst, s.insidePort)]),
  });
}

/** Delete a session's flows (both directions) by their exact cookie. */
export const deleteSession = (env: FlowEnv, id: number): FlowMod => flowDelete({ cookie: env.cookie(kindCookie(KIND.session, id)), cookieMask: ALL_BITS });
/** Delete the rule-derived flows (every table). */
export const deleteBase = (env: FlowEnv): FlowMod => flowDelete({ cookie: env.cookie(kindCookie(KIND.base)), cookieMask: ALL_BITS });
