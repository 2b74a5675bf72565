/**
 * ofctl_rest's read routes for switches, flows, tables, ports and queues:
 *   GET /stats/switches, /stats/desc/<dpid>, GET|POST /stats/flow/<dpid>,
 *   GET|POST /stats/aggregateflow/<dpid>, /stats/table/<dpid>, /stats/tablefeatures/<dpid>,
 *   /stats/port/<dpid>[/<port>], /stats/portdesc/<dpid>[/<port_no>],
 *   /stats/queue/<dpid>[/<port>[/<queue_id>]], /stats/queueconfig/<dpid>[/<port>]
 */
import type { FastifyInstance } from 'fastify';
import { OFPG_ANY, OFPP, OFPQ_ALL, OFPTT_ALL } from '../../../protocol/index.js';
import type { FlowStatsRequestBody, QueueGetConfigReply } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { eachMultipartStats, multipartParts, multipartStats } from '../multipart.js';
import { byDpid, params, RYU_BODY, RYU_STATS, ryuStatsRoute, ryuSwitch, sendRyu, sendRyuList, ryuListChunks } from './ryu-common.js';
import type { RyuBody } from './ryu-common.js';
import { matchFromRyu } from './ryu-json.js';
import { flowStatsToRyu, portDescToRyu, portStatsToRyu, queueConfigToRyu, queueStatsToRyu, tableFeaturesToRyu, tableStatsToRyu } from './ryu-stats-json.js';
import { GROUPS, PORTS, pyInt, QUEUES, ryuU64, ryuUint, TABLES } from './ryu-values.js';

type P = Record<string, string | undefined>;

/** The filter of POST /stats/flow and /stats/aggregateflow (Ryu's defaults: every table, any port/group). */
function flowFilter(b: RyuBody): FlowStatsRequestBody {
  return {
    tableId: b.table_id === undefined ? OFPTT_ALL : TABLES.fromUser(b.table_id, 'table_id'),
    outPort: b.out_port === undefined ? OFPP.ANY : PORTS.fromUser(b.out_port, 'out_port'),
    outGroup: b.out_group === undefined ? OFPG_ANY : GROUPS.fromUser(b.out_group, 'out_group'),
    cookie: b.cookie === undefined ? 0n : ryuU64(b.cookie, 'cookie'),
    cookieMask: b.cookie_mask === undefined ? 0n : ryuU64(b.cookie_mask, 'cookie_mask'),
    match: matchFromRyu(b.match),
  };
}

const FLOW_FILTER_DOC = RYU_BODY('optional filter: table_id, out_port, out_group, cookie, cookie_mask, match, priority');

export async function ofctlStatsPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu ofctl_rest'];

  app.get('/stats/switches', {
    schema: { tags, summary: 'Datapath ids of the connected switches, as integers', response: { 200: { type: 'array', items: { type: 'integer' } } } },
    handler: async (_req, reply) => sendRyu(reply, [...deps.switches().values()].filter((c) => !c.closed).map((c) => c.info.datapathId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
  });

  app.get<{ Params: P }>('/stats/desc/:dpid', {
    schema: { tags, summary: 'Description stats (DESC multipart)', params: params('dpid'), response: RYU_STATS },
    handler: async (req, reply) => {
      const conn = ryuSwitch(deps, req.params.dpid);
      const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'desc' } });
      const d = parts.find((p) => p.kind === 'desc');
      const desc = d && d.kind === 'desc' ? { mfr_desc: d.mfrDesc, hw_desc: d.hwDesc, sw_desc: d.swDesc, serial_num: d.serialNum, dp_desc: d.dpDesc } : {};
      return sendRyu(reply, byDpid(conn, desc));
    },
  });

  for (const method of ['GET', 'POST'] as const) {
    // flowdesc: ofctl_v1_3 answers it from the same FLOW multipart as /stats/flow.
    for (const url of ['/stats/flow/:dpid', '/stats/flowdesc/:dpid']) app.route<{ Params: P; Body: RyuBody | undefined }>({
      method,
      url,
      schema: { tags, summary: 'Flow stats (flowdesc: the same), optionally filtered (POST body)', params: params('dpid'), ...(method === 'POST' ? { body: FLOW_FILTER_DOC } : {}), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const b = req.body ?? {};
        const filter = flowFilter(b);
        // OpenFlow cannot filter by priority; ofctl filters the reply (priority -1: none).
        const priority = b.priority === undefined ? -1 : Number(pyInt(b.priority) ?? -1);
        const list = ryuListChunks(flowStatsToRyu, priority < 0 ? undefined : (f) => f.priority === priority);
        await eachMultipartStats(conn, { kind: 'flow', ...filter }, 'flow', (stats) => list.add(stats));
        return sendRyuList(reply, conn, list);
      },
    });
    app.route<{ Params: P; Body: RyuBody | undefined }>({
      method,
      url: '/stats/aggregateflow/:dpid',
      schema: { tags, summary: 'Aggregate flow stats, optionally filtered (POST body)', params: params('dpid'), ...(method === 'POST' ? { body: FLOW_FILTER_DOC } : {}), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'aggregate', ...flowFilter(req.body ?? {}) } });
        const out = parts.flatMap((p) => (p.kind === 'aggregate' ? [{ packet_count: p.packetCount, byte_count: p.byteCount, flow_count: p.flowCount }] : []));
        return sendRyu(reply, byDpid(conn, out));
      },
    });
  }

  ryuStatsRoute(app, deps, { url: '/stats/table/:dpid', summary: 'Table stats', tags }, async (conn) =>
    (await multipartStats(conn, { kind: 'table' }, 'table')).map(tableStatsToRyu),
  );

  ryuStatsRoute(app, deps, { url: '/stats/tablefeatures/:dpid', summary: 'Table features', tags }, async (conn) =>
    (await multipartParts(conn, { kind: 'tableFeatures', tables: [] }, 'tableFeatures')).flatMap((p) => p.tables).map(tableFeaturesToRyu),
  );

  ryuStatsRoute(app, deps, { url: '/stats/port/:dpid', optional: ['port'], summary: 'Port stats (port "ALL" or omitted: every port)', tags }, async (conn, { port }) => {
    const portNo = port === undefined ? OFPP.ANY : PORTS.fromUser(port, 'port');
    return (await multipartStats(conn, { kind: 'portStats', portNo }, 'portStats')).map(portStatsToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/portdesc/:dpid', optional: ['port_no'], summary: 'Port descriptions (PORT_DESC multipart), optionally one port', tags }, async (conn, { port_no: one }) => {
    const parts = await multipartParts(conn, { kind: 'portDesc' }, 'portDesc');
    const want = one === undefined ? undefined : PORTS.fromUser(one, 'port_no');
    return parts.flatMap((p) => p.ports).filter((p) => want === undefined || p.portNo === want).map(portDescToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/queue/:dpid', emptyWhenRefused: true, optional: ['port', 'queue_id'], summary: 'Queue stats (port or queue "ALL": every one)', tags }, async (conn, { port, queue_id: queue }) => {
    const body = { kind: 'queue' as const, portNo: port === undefined ? OFPP.ANY : ryuUint(port, 0xffffffff, 'port'), queueId: queue === undefined ? OFPQ_ALL : QUEUES.fromUser(queue, 'queue_id') };
    return (await multipartStats(conn, body, 'queue')).map(queueStatsToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/queueconfig/:dpid', emptyWhenRefused: true, optional: ['port'], summary: 'Queue configuration of a port (QUEUE_GET_CONFIG)', tags }, async (conn, { port }) => {
    const portNo = port === undefined ? OFPP.ANY : PORTS.fromUser(port, 'port');
    const r = await conn.request<QueueGetConfigReply>({ type: 'queueGetConfigRequest', xid: 0, port: portNo });
    return [queueConfigToRyu(r.port, r.queues)];
  });
}
