/** GET /switches/:dpid/ports/stats and POST /switches/:dpid/ports/:port (admin up/down). */
import type { FastifyInstance } from 'fastify';
import { OFPP, OFPPC } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { multipartStats } from '../multipart.js';
import { dpidAnd, DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';
import { portStatsToJson, portToJson } from '../switch-json.js';
import { parsePort } from '../values.js';
import { confirmedWrite } from '../write.js';

const PORT_STATS_ITEM = {
  type: 'object',
  properties: Object.fromEntries(
    ['rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxDropped', 'txDropped', 'rxErrors', 'txErrors', 'rxFrameErr', 'rxOverErr', 'rxCrcErr', 'collisions', 'durationSec', 'durationNsec']
      .map((k) => [k, { type: 'integer' }] as [string, object])
      .concat([['portNo', { anyOf: [{ type: 'integer' }, { type: 'string' }] }]]),
  ),
};

export async function portsPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get<{ Params: { dpid: string }; Querystring: { port?: string } }>('/switches/:dpid/ports/stats', {
    schema: {
      tags: ['switches'],
      summary: 'Port statistics (a PORT_STATS multipart request)',
      params: DPID_PARAMS,
      querystring: { type: 'object', additionalProperties: false, properties: { port: { type: 'string', description: 'one port (number or name); default all' } } },
      response: responses({ 200: { type: 'array', items: PORT_STATS_ITEM } }),
    },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const portNo = req.query.port === undefined ? OFPP.ANY : parsePort(req.query.port, 'port');
      const stats = await multipartStats(conn, { kind: 'portStats', portNo }, 'portStats');
      return stats.sort((a, b) => a.portNo - b.portNo).map(portStatsToJson);
    },
  });

  app.post<{ Params: { dpid: string; port: string }; Body: { admin: 'up' | 'down' } }>('/switches/:dpid/ports/:port', {
    schema: {
      tags: ['switches'],
      summary: 'Bring a port administratively up or down (PORT_MOD with the port\'s hw_addr, confirmed by a barrier)',
      params: dpidAnd({ port: { type: 'string', description: 'port number or name (LOCAL)' } }),
      body: { type: 'object', required: ['admin'], additionalProperties: false, properties: { admin: { type: 'string', enum: ['up', 'down'] } } },
      response: responses({ 200: { $ref: 'Port#' } }),
    },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const portNo = parsePort(req.params.port, 'port');
      const port = conn.info.ports.get(portNo);
      if (!port) throw new HttpError(404, 'not_found', `switch ${conn.info.dpid} has no port ${req.params.port}`);
      const down = req.body.admin === 'down';
      await confirmedWrite(
        conn,
        [{ type: 'portMod', xid: 0, portNo, hwAddr: port.hwAddr, config: down ? OFPPC.PORT_DOWN : 0, mask: OFPPC.PORT_DOWN, advertise: 0 }],
        'port mod',
      );
      // The switch's PORT_STATUS will update the port table; answer with what was asked for.
      const cur = conn.info.ports.get(portNo) ?? port;
      return { ...portToJson(cur), admin: req.body.admin };
    },
  });
}
