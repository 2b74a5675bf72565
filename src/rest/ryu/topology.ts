/**
 * Ryu's rest_topology: GET /v1.0/topology/switches[/<dpid>], /links[/<dpid>], /hosts[/<dpid>].
 * Shapes as ryu.topology: a port is {"dpid": 16 hex digits, "port_no": 8 hex digits, "hw_addr",
 * "name"}, a switch {"dpid", "ports": [port...]} (reserved ports such as LOCAL left out), a link
 * {"src": port, "dst": port}, a host {"mac", "ipv4": [], "ipv6": [], "port": port}. With <dpid>
 * (16 hex digits), only that switch / links leaving it / hosts attached to it.
 */
import type { FastifyInstance } from 'fastify';
import type { TopologyService } from '../../../apps/topology/api.js';
import { OFPP } from '../../../protocol/index.js';
import { topologyOf } from '../../metrics.js';
import type { RestDeps } from '../deps.js';
import { requireDpid } from '../dpid.js';
import { HttpError } from '../errors.js';

export interface RyuPort {
  dpid: string;
  port_no: string;
  hw_addr: string;
  name: string;
}

function service(deps: RestDeps): TopologyService {
  const t = topologyOf((n) => deps.app(n));
  if (!t) throw new HttpError(503, 'service_unavailable', 'the topology app is not loaded (start weft with --apps including topology)');
  return t;
}

/** A port as ryu.topology.switches.Port.to_dict prints it; name and address from the switch's port table. */
function portJson(deps: RestDeps, dpid: string, portNo: number): RyuPort {
  const p = deps.switches().get(dpid)?.info.ports.get(portNo);
  return { dpid, port_no: portNo.toString(16).padStart(8, '0'), hw_addr: p?.hwAddr ?? '00:00:00:00:00:00', name: p?.name ?? '' };
}

function switchJson(deps: RestDeps, dpid: string): { dpid: string; ports: RyuPort[] } {
  const ports = [...(deps.switches().get(dpid)?.info.ports.keys() ?? [])].filter((n) => n <= OFPP.MAX).sort((a, b) => a - b);
  return { dpid, ports: ports.map((n) => portJson(deps, dpid, n)) };
}

const PORT = {
  type: 'object',
  properties: { dpid: { type: 'string' }, port_no: { type: 'string' }, hw_addr: { type: 'string' }, name: { type: 'string' } },
} as const;
const SWITCH = { type: 'object', properties: { dpid: { type: 'string' }, ports: { type: 'array', items: PORT } } } as const;
const LINK = { type: 'object', properties: { src: PORT, dst: PORT } } as const;
const HOST = {
  type: 'object',
  properties: { mac: { type: 'string' }, ipv4: { type: 'array', items: { type: 'string' } }, ipv6: { type: 'array', items: { type: 'string' } }, port: PORT },
} as const;
const ERR = { $ref: 'Error#' } as const;
const listOf = (items: object) => ({ 200: { type: 'array', items }, '4xx': ERR, '5xx': ERR });
const DPID = { type: 'object', required: ['dpid'], properties: { dpid: { type: 'string', description: 'datapath id, 16 hex digits' } } } as const;

export async function ryuTopologyPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu rest_topology'];
  const one = (raw: string | undefined) => (raw === undefined ? undefined : requireDpid(raw));

  for (const withDpid of [false, true]) {
    const suffix = withDpid ? '/:dpid' : '';
    app.get<{ Params: { dpid?: string } }>(`/v1.0/topology/switches${suffix}`, {
      schema: { tags, summary: 'Switches and their ports', ...(withDpid ? { params: DPID } : {}), response: listOf(SWITCH) },
      handler: async (req) => {
        const want = one(req.params.dpid);
        // The topology app's switches when it is loaded; otherwise the connected switches.
        const t = topologyOf((n) => deps.app(n));
        const all = t ? t.switches() : [...deps.switches().keys()];
        return [...all].sort().filter((d) => want === undefined || d === want).map((d) => switchJson(deps, d));
      },
    });

    app.get<{ Params: { dpid?: string } }>(`/v1.0/topology/links${suffix}`, {
      schema: { tags, summary: 'Directed switch-to-switch links (with <dpid>: the links leaving that switch)', ...(withDpid ? { params: DPID } : {}), response: listOf(LINK) },
      handler: async (req) => {
        const want = one(req.params.dpid);
        return service(deps)
          .links()
          .filter((l) => want === undefined || l.src.dpid === want)
          .map((l) => ({ src: portJson(deps, l.src.dpid, l.src.port), dst: portJson(deps, l.dst.dpid, l.dst.port) }));
      },
    });

    app.get<{ Params: { dpid?: string } }>(`/v1.0/topology/hosts${suffix}`, {
      schema: { tags, summary: 'Hosts (with <dpid>: the hosts attached to that switch)', ...(withDpid ? { params: DPID } : {}), response: listOf(HOST) },
      handler: async (req) => {
        const want = one(req.params.dpid);
        return service(deps)
          .hosts()
          .filter((h) => want === undefined || h.dpid === want)
          .map((h) => ({ mac: h.mac, ipv4: [...h.ipv4], ipv6: [...h.ipv6], port: portJson(deps, h.dpid, h.port) }));
      },
    });
  }
}
