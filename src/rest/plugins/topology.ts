/** GET /topology/links, /topology/hosts, /topology/path: from the topology app, 503 without it. */
import type { FastifyInstance } from 'fastify';
import type { HostInfo, Link, TopologyService } from '../../../apps/topology/api.js';
import { topologyOf } from '../../metrics.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { responses } from '../schemas.js';

function service(deps: RestDeps): TopologyService {
  const t = topologyOf((n) => deps.app(n));
  if (!t) throw new HttpError(503, 'service_unavailable', 'the topology app is not loaded (start weft with --apps including topology)');
  return t;
}

const linkJson = (l: Link) => ({ src: { dpid: l.src.dpid, port: l.src.port }, dst: { dpid: l.dst.dpid, port: l.dst.port } });
const hostJson = (h: HostInfo) => ({
  mac: h.mac,
  ipv4: [...h.ipv4],
  ipv6: [...h.ipv6],
  dpid: h.dpid,
  port: h.port,
  firstSeen: new Date(h.firstSeen).toISOString(),
  lastSeen: new Date(h.lastSeen).toISOString(),
});

const PORT_REF = { type: 'object', properties: { dpid: { type: 'string' }, port: { type: 'integer' } } };
const LINK = { type: 'object', properties: { src: PORT_REF, dst: PORT_REF } };
const HOST = {
  type: 'object',
  properties: {
    mac: { type: 'string' },
    ipv4: { type: 'array', items: { type: 'string' } },
    ipv6: { type: 'array', items: { type: 'string' } },
    dpid: { type: 'string' },
    port: { type: 'integer' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
  },
};
const MAC = { type: 'string', pattern: '^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$' };

export async function topologyPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get('/topology/links', {
    schema: { tags: ['topology'], summary: 'Directed switch-to-switch links (LLDP)', response: responses({ 200: { type: 'array', items: LINK } }) },
    handler: async () => service(deps).links().map(linkJson),
  });

  app.get('/topology/hosts', {
    schema: { tags: ['topology'], summary: 'Hosts learned at edge ports', response: responses({ 200: { type: 'array', items: HOST } }) },
    handler: async () => service(deps).hosts().map(hostJson),
  });

  app.get<{ Querystring: { src: string; dst: string } }>('/topology/path', {
    schema: {
      tags: ['topology'],
      summary: 'Shortest path between two hosts, as switch hops (in port -> out port)',
      querystring: { type: 'object', required: ['src', 'dst'], additionalProperties: false, properties: { src: MAC, dst: MAC } },
      response: responses({
        200: {
          type: 'object',
          properties: {
            src: HOST,
            dst: HOST,
            hops: { type: 'array', items: { type: 'object', properties: { dpid: { type: 'string' }, inPort: { type: 'integer' }, outPort: { type: 'integer' } } } },
            links: { type: 'array', items: LINK },
          },
        },
      }),
    },
    handler: async (req) => {
      const t = service(deps);
      const src = t.host(req.query.src.toLowerCase());
      if (!src) throw new HttpError(404, 'not_found', `host ${req.query.src} is not known`);
      const dst = t.host(req.query.dst.toLowerCase());
      if (!dst) throw new HttpError(404, 'not_found', `host ${req.query.dst} is not known`);
      const links = t.path(src.dpid, dst.dpid);
      if (!links) throw new HttpError(404, 'not_found', `no path from switch ${src.dpid} to switch ${dst.dpid}`);
      // Walk the links: each switch is entered on one port and left on the next link's source port.
      const hops: { dpid: string; inPort: number; outPort: number }[] = [];
      let at = { dpid: src.dpid, port: src.port };
      for (const l of links) {
        hops.push({ dpid: at.dpid, inPort: at.port, outPort: l.src.port });
        at = { dpid: l.dst.dpid, port: l.dst.port };
      }
      hops.push({ dpid: at.dpid, inPort: at.port, outPort: dst.port });
      return { src: hostJson(src), dst: hostJson(dst), hops, links: links.map(linkJson) };
    },
  });
}
