/**
 * overlay: workloads on several hosts in one IPv4 cluster range, Flannel or Calico style. Each
 * host (an integration bridge weft controls, and an underlay address) gets a subnet of the range,
 * allocated by weft and kept in the state store; weft is the gateway of every host subnet (proxy
 * ARP, routing in the bridge) and joins the hosts either with flow-based VXLAN (mode "vxlan":
 * tun_id = VNI, tun_dst = the remote host's underlay address) or with plain routing over the
 * underlay (mode "routed": MACs rewritten, no encapsulation). Hosts join and leave over REST
 * (/api/v1/apps/overlay/hosts). See docs/OVERLAY.md.
 */
import type { FlowMod } from '../../protocol/index.js';
import { HttpError, Outbox, saved } from '../sdk/index.js';
import type { App, AppContext, AppFactory, AppRoutes, SwitchView } from '../sdk/index.js';
import { clearHostFlows, hostFlows, KIND, podFlow, podOfFlow } from './flows.js';
import { hostRecord, Hosts } from './hosts.js';
import type { Host } from './hosts.js';
import { handlePacketIn, podsOf } from './packet-in.js';
import type { PodEnv } from './packet-in.js';
import { parseOptions } from './options.js';

const hostKey = (name: string): string => `hosts/${name}`;

export const createOverlayApp = (options: Readonly<Record<string, unknown>> = {}): App => {
  let env!: PodEnv;

  const view = (h: Host) => ({
    ...hostRecord(h),
    gateway: h.gateway,
    gatewayMac: h.gatewayMac,
    connected: env.ctx.switch(h.dpid) !== undefined,
    pods: [...podsOf(env, h.dpid).values()].map((p) => ({ ip: p.ip, mac: p.mac, port: p.port })),
  });

  const desired = (sw: Pick<SwitchView, 'dpid' | 'ports'>): FlowMod[] => {
    const host = env.hosts.byDpid(sw.dpid);
    if (!host) return [];
    return [...hostFlows(env, sw, host), ...[...podsOf(env, host.dpid).values()].map((p) => podFlow(env, host, p))];
  };

  /** Every connected host bridge gets its base and remote flows again; a former host loses all. */
  const refresh = (removed?: Host): void => {
    const out = new Outbox();
    for (const sw of env.ctx.switches()) {
      if (removed && sw.dpid === removed.dpid) out.to(sw.dpid, env.ctx.deleteOwnFlows(env.opts.table));
      else if (env.hosts.byDpid(sw.dpid)) out.to(sw.dpid, ...clearHostFlows(env), ...desired(sw));
    }
    env.ctx.emit(out);
  };

  const addHost = (spec: unknown) => {
    const h = env.hosts.add(spec);
    env.ctx.log.info(hostRecord(h), 'overlay host joined');
    refresh();
    return saved(view(h), env.ctx.state.put(hostKey(h.name), hostRecord(h)));
  };

  const removeHost = (name: string) => {
    const h = env.hosts.remove(name);
    env.pods.delete(h.dpid);
    env.ctx.log.info(hostRecord(h), 'overlay host left');
    refresh(h);
    return saved(view(h), env.ctx.state.delete(hostKey(h.name)));
  };

  return {
    name: 'overlay',

    init(ctx: AppContext) {
      const opts = parseOptions({ ...options, ...ctx.options });
      env = { ctx, opts, hosts: new Hosts(opts), pods: new Map(), probedAt: new Map(), counters: { arpAnswered: 0, podsLearned: 0, probesSent: 0 } };
      // Hosts from the state store first: their subnets were allocated by an earlier run.
      for (const [key, rec] of ctx.state.entries('hosts/')) {
        try {
          env.hosts.add(rec);
        } catch (e) {
          ctx.log.warn({ key, rec, err: (e as Error).message }, 'persisted overlay host skipped');
        }
      }
      opts.hosts.forEach((spec, i) => {
        if (env.hosts.get((spec as { name?: string }).name ?? '')) return;
        try {
          env.hosts.add(spec);
        } catch (e) {
          throw new RangeError(`overlay option hosts[${i}]: ${e instanceof HttpError ? e.message : String(e)}`);
        }
      });
      ctx.log.info({ mode: opts.mode, cluster: opts.cluster.text, subnetPrefix: opts.subnetPrefix, vni: opts.vni, hosts: env.hosts.list().map(hostRecord) }, 'overlay');
    },

    desiredFlows: (sw) => desired(sw),

    adoptFlow(sw, flow) {
      // Pod flows of a previous run: keep them and learn the pod back.
      const host = env.hosts.byDpid(sw.dpid);
      if (!host || flow.cookie !== env.ctx.cookie(KIND.pod)) return false;
      const pod = podOfFlow(flow);
      if (!pod) return false;
      podsOf(env, host.dpid).set(pod.ip, pod);
      return true;
    },

    portStatus(sw) {
      // The tunnel or uplink port may appear after the bridge connected.
      const host = env.hosts.byDpid(sw.dpid);
      return host ? [...clearHostFlows(env), ...desired(sw)] : [];
    },

    packetIn(sw, ev) {
      const host = env.hosts.byDpid(sw.dpid);
      if (!host || !env.ctx.owns(ev.cookie)) return [];
      return handlePacketIn(env, sw, host, ev);
    },

    routes(r: AppRoutes) {
      r.get('/config', () => ({ mode: env.opts.mode, clusterCidr: env.opts.cluster.text, subnetPrefix: env.opts.subnetPrefix, vni: env.opts.vni, table: env.opts.table, tunnelPort: env.opts.tunnelPort, uplinkPort: env.opts.uplinkPort }), { summary: 'the overlay configuration' });
      r.get('/hosts', () => env.hosts.list().map(view), { summary: 'hosts, their subnets and learned workloads' });
      r.get('/hosts/:name', ({ params }) => {
        const h = env.hosts.get(params.name!);
        if (!h) throw HttpError.notFound(`no host ${params.name}`);
        return view(h);
      });
      r.post('/hosts', ({ body }) => addHost(body), { status: 201, summary: 'a host joins: { name, dpid, underlay, subnet? }' });
      r.delete('/hosts/:name', ({ params }) => removeHost(params.name!), { summary: 'a host leaves' });
    },

    stats: () => ({ hosts: env.hosts.list().length, pods: [...env.pods.values()].reduce((n, m) => n + m.size, 0), ...env.counters }),
  };
};

const factory: AppFactory = createOverlayApp;
export default factory;
