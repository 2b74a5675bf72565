/**
 * What reaches the controller from an overlay bridge: ARP for cluster addresses (answered with
 * the host gateway's MAC, and the asker learned as a workload of the host) and IPv4 to a
 * workload not learned yet (weft ARPs for it as the gateway, at most once a second per address;
 * the answer teaches where it lives and installs its flow).
 */
import { arpReplyFrame, arpRequestFrame, ipv4ToNumber } from '../../protocol/packet/index.js';
import { OFPP } from '../../protocol/index.js';
import type { FlowMod, OfMessage } from '../../protocol/index.js';
import { output, packetOut } from '../sdk/index.js';
import type { PacketInEvent, SwitchView } from '../sdk/index.js';
import type { Host } from './hosts.js';
import { contains } from './ipam.js';
import { exitPortName, podFlow, portNamed } from './flows.js';
import type { FlowEnv, Pod } from './flows.js';

const ARP_REQUEST = 1;
const PROBE_EVERY_MS = 1000;

export interface OverlayCounters {
  arpAnswered: number;
  podsLearned: number;
  probesSent: number;
}

export interface PodEnv extends FlowEnv {
  /** Pods per bridge dpid, by address. */
  readonly pods: Map<string, Map<string, Pod>>;
  /** When each (dpid ip) was last probed. */
  readonly probedAt: Map<string, number>;
  readonly counters: OverlayCounters;
}

export function podsOf(env: PodEnv, dpid: string): Map<string, Pod> {
  let m = env.pods.get(dpid);
  if (!m) env.pods.set(dpid, (m = new Map()));
  return m;
}

/** Record a workload; the flow to install when it is new or moved. */
export function learn(env: PodEnv, host: Host, pod: Pod): FlowMod | undefined {
  const pods = podsOf(env, host.dpid);
  const old = pods.get(pod.ip);
  if (old && old.mac === pod.mac && old.port === pod.port) return undefined;
  pods.set(pod.ip, pod);
  env.counters.podsLearned++;
  return podFlow(env, host, pod);
}

export function handlePacketIn(env: PodEnv, sw: SwitchView, host: Host, ev: PacketInEvent): OfMessage[] {
  const f = ev.frame;
  const exit = portNamed(sw, exitPortName(env.opts));
  const fromWorkload = ev.inPort !== exit && ev.inPort !== OFPP.LOCAL;
  const out: OfMessage[] = [];
  if (f.arp) {
    const a = f.arp;
    if (fromWorkload && a.spaNum !== 0 && a.spaNum !== host.gatewayNum && contains(host.subnet, a.spaNum)) {
      const flow = learn(env, host, { ip: a.spa, mac: a.sha, port: ev.inPort });
      if (flow) out.push(flow);
    }
    // Every cluster address but the asker's own is answered with the gateway's MAC: all traffic
    // of a workload reaches the bridge addressed to it and is routed there.
    if (a.op === ARP_REQUEST && fromWorkload && a.tpaNum !== a.spaNum && contains(env.opts.cluster, a.tpaNum)) {
      env.counters.arpAnswered++;
      const reply = arpReplyFrame({ sha: host.gatewayMac, spa: a.tpa, tha: a.sha, tpa: a.spa, pad: true });
      out.push(packetOut({ data: reply, actions: [output(ev.inPort)] }));
    }
    return out;
  }
  const ip = f.ipv4;
  if (!ip || !contains(host.subnet, ipv4ToNumber(ip.dst)) || podsOf(env, host.dpid).has(ip.dst)) return out;
  const key = `${host.dpid} ${ip.dst}`;
  const now = env.ctx.now();
  if (now - (env.probedAt.get(key) ?? -Infinity) < PROBE_EVERY_MS) return out;
  env.probedAt.set(key, now);
  if (env.probedAt.size > 4096) env.probedAt.delete(env.probedAt.keys().next().value!);
  env.counters.probesSent++;
  const probe = arpRequestFrame({ sha: host.gatewayMac, spa: host.gateway, tpa: ip.dst, pad: true });
  const ports = [...sw.ports.keys()].filter((p) => p !== exit && p < OFPP.MAX);
  if (ports.length > 0) out.push(packetOut({ data: probe, actions: ports.map((p) => output(p)) }));
  return out;
}
