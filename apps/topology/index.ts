/**
 * topology: link discovery with signed LLDP, host tracking from packet-ins, and the switch
 * graph (shortest paths, a loop-free flood tree). Other apps read it through the service on
 * the app object (api.ts): `ctx.app('topology')`. Load it after table-miss and
 * before the apps that forward: it must see a packet-in before they flood it (docs/TOPOLOGY.md).
 */
import type { OfMessage } from '../../protocol/index.js';
import { ETH_TYPE, LLDP_MULTICAST_MAC } from '../../protocol/packet/index.js';
import type { AppContext, Dpid, SwitchView } from '../sdk/index.js';
import { flowAdd, output, Outbox, packetOut, toController } from '../sdk/index.js';
import type { TopologyApp } from './api.js';
import { LldpSigner } from './lldp.js';
import { parseOptions } from './options.js';
import { restorePins } from './pin-persist.js';
import { applyShared } from './shared.js';
import { pinRoutes } from './pin-routes.js';
import { isPhysical } from './ports.js';
import type { SwitchState } from './ports.js';
import { Topology } from './topology.js';

export type { HostInfo, HostLocation, Link, PortRef, TopologyApp, TopologyCounters, TopologyEvent, TopologyService, TopologyServiceExt } from './api.js';
export { Topology } from './topology.js';
export { parseOptions } from './options.js';
export type { TopologyOptions } from './options.js';

export interface TopologyAppExtras {
  /** The LLDP signing key (default: 32 random bytes per app instance). Tests only. */
  secret?: Uint8Array;
}

export const createTopologyApp = (options: Readonly<Record<string, unknown>> = {}, extras: TopologyAppExtras = {}): TopologyApp & { api: Topology } => {
  let ctx: AppContext | undefined;
  const factoryOptions = options;
  const topology = new Topology(parseOptions(factoryOptions), () => ctx?.now() ?? Date.now());
  // In a cluster every instance signs and verifies with the cluster's shared secret (init).
  let signer = new LldpSigner(extras.secret);

  const lldpOut = (sw: SwitchState, ports: readonly number[], now: number): OfMessage[] => {
    const ttl = Math.ceil(topology.options.linkTimeoutMs / 1000);
    const out: OfMessage[] = [];
    for (const no of ports) {
      const p = sw.ports.get(no);
      if (!p || !p.live || !isPhysical(no)) continue;
      out.push(packetOut({ data: signer.frame(sw.dpid, no, p.hwAddr, now, ttl), actions: [output(no)] }));
    }
    topology.count('lldpSent', out.length);
    return out;
  };

  const allPorts = (sw: SwitchState) => [...sw.ports.keys()].sort((a, b) => a - b);

  /** When the last tick ran, to size the next LLDP share. */
  let lastTickAt: number | undefined;
  const app: TopologyApp & { api: Topology } = {
    name: 'topology',
    receiveTableMiss: true,
    api: topology,

    init(c) {
      ctx = c;
      topology.configure(parseOptions({ ...factoryOptions, ...c.options }), c.log);
      const cluster = c.cluster;
      if (cluster) {
        if (!extras.secret) signer = new LldpSigner(cluster.secret);
        topology.share((key, value) => void cluster.publish(key, value));
      }
      const restored = restorePins(c, topology);
      if (restored > 0) c.log.info({ pins: restored }, 'pins restored from the state store');
    },

    switchUp(sw: SwitchView) {
      const now = ctx!.now();
      topology.switchUp(sw.dpid, sw.ports.values(), now);
      // What other instances published about this switch (kept until it was known here).
      if (ctx!.cluster) applyShared(topology, ctx!.cluster.entries(), now, sw.dpid);
      const state = topology.switchState(sw.dpid)!;
      // The LLDP trap flow comes from desiredFlows (reconciliation); probes go out at once.
      return lldpOut(state, allPorts(state), now);
    },

    desiredFlows() {
      return [
        flowAdd({
          priority: topology.options.lldpPriority,
          match: { eth_type: ETH_TYPE.LLDP, eth_dst: LLDP_MULTICAST_MAC },
          actions: [toController()],
          cookie: ctx!.cookie(1),
        }),
      ];
    },

    sharedChanged(changes) {
      applyShared(topology, changes, ctx!.now());
    },

    switchDown(sw: SwitchView) {
      topology.switchDown(sw.dpid);
      signer.forget(sw.dpid);
    },

    portStatus(sw, msg) {
      const now = ctx!.now();
      const cameUp = topology.portStatus(sw.dpid, msg.reason, msg.desc, now);
      const state = topology.switchState(sw.dpid);
      // A port that just came up is probed at once rather than at the next round.
      return cameUp && state ? lldpOut(state, [msg.desc.portNo], now) : [];
    },

    packetIn(sw, ev) {
      const now = ctx!.now();
      const frame = ev.frame;
      if (frame.eth.ethType === ETH_TYPE.LLDP) {
        if (!frame.lldp) return topology.refused('malformed');
        topology.count('lldpReceived');
        // Any frame younger than the link timeout still shows the cable: a loaded weft or switch
        // delays LLDP past one interval, and refusing those expired real links (the sequence
        // number stops replays; the slow check guards new links).
        const v = signer.verify(frame.lldp, now, topology.options.linkTimeoutMs);
        if (!v.ok) return topology.refused(v.reason);
        const reverseKnown = topology.linkSeen({ dpid: v.dpid, port: v.port }, { dpid: sw.dpid, port: ev.inPort }, now, v.sentAt);
        if (typeof reverseKnown === 'string') return [];
        // Answer at once on the receiving port so the other direction is learned in one round
        // trip instead of one interval: a new link is both ways known before it must settle.
        const state = topology.switchState(sw.dpid);
        return !reverseKnown && state ? lldpOut(state, [ev.inPort], now) : [];
      }
      if (ev.data.length < 14) return [];
      // Group-addressed frames are what floods carry round a loop: counted before anything floods them.
      if ((ev.data[0]! & 1) === 1) topology.groupFrameSeen(sw.dpid, ev.inPort, frame, ev.data, now);
      topology.hostSeen(sw.dpid, ev.inPort, frame, now);
      return [];
    },

    stats() {
      const c = topology.counters();
      return {
        switches: topology.switchCount,
        links: topology.linkCount,
        hosts: topology.hostCount,
        pins: topology.pins().length,
        version: topology.version,
        lldpSent: c.lldpSent,
        lldpReceived: c.lldpReceived,
        lldpRefused: sum(c.lldpRefused),
        linksRefusedEdgePort: c.lldpRefused['edge-port'] ?? 0,
        linksRefusedSlow: c.lldpRefused.slow ?? 0,
        linksExpired: c.linksExpired,
        hostsExpired: c.hostsExpired,
        hostsIgnored: c.hostsIgnored,
        hostsRefused: sum(c.hostsRefused),
        hostsRefusedPortCap: c.hostsRefused['port-cap'] ?? 0,
        hostsRefusedSwitchCap: c.hostsRefused['switch-cap'] ?? 0,
        hostsRefusedTableCap: c.hostsRefused['table-cap'] ?? 0,
        hostsRefusedPinned: c.hostsRefused.pinned ?? 0,
        hostMoves: c.hostMoves,
        hostMovesRefused: sum(c.hostMovesRefused),
        hostMovesRefusedPinned: c.hostMovesRefused.pinned ?? 0,
        hostMovesRefusedLimit: c.hostMovesRefused['move-limit'] ?? 0,
        loopHolds: c.loopHolds,
        logLinesSuppressed: c.logLinesSuppressed,
      };
    },

    routes(r) {
      pinRoutes(r, topology, ctx!.state);
    },

    tick(now) {
      const out = new Outbox();
      const switches = topology.allSwitches();
      // A round is due on many switches at once after a connect storm: send to at most twice
      // the average share per tick, so a tick stays short (thousands of switches would
      // otherwise make it long enough for the watchdog) and the rest follow next tick.
      const gap = lastTickAt === undefined ? 1000 : Math.max(1, now - lastTickAt);
      lastTickAt = now;
      let budget = Math.max(MIN_LLDP_SWITCHES_PER_TICK, Math.ceil((2 * switches.length * gap) / topology.options.lldpIntervalMs));
      for (const sw of switches) {
        // Signing and building a round costs real time: on a loaded machine stop at half the
        // watchdog's handler budget, whatever the share (ctx.now() is the host's clock).
        if (budget === 0 || (budget & 63) === 0 && ctx!.now() - now > LLDP_TICK_WALL_MS) break;
        if (now - sw.lastLldpAt < topology.options.lldpIntervalMs) continue;
        sw.lastLldpAt = now;
        budget--;
        const msgs = lldpOut(sw, allPorts(sw), now);
        if (msgs.length > 0) out.to(sw.dpid as Dpid, ...msgs);
      }
      topology.expire(now);
      return out;
    },
  };
  return app;
};

/** Switches given their LLDP round in one tick at least (see tick()). */
const MIN_LLDP_SWITCHES_PER_TICK = 256;
/** Wall time (ms) one tick spends on LLDP rounds at most (the watchdog's default budget is 100 ms). */
const LLDP_TICK_WALL_MS = 50;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export default createTopologyApp;
