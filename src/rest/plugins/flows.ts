/**
 * Flows of one switch: GET (flow stats, with filters), POST (add), PUT/PATCH (modify; strict
 * with "strict": true), DELETE (by body or query filter). Every write is confirmed by a barrier.
 */
import type { FastifyInstance } from 'fastify';
import { OFPG_ANY, OFPP, OFPTT_ALL } from '../../../protocol/index.js';
import type { FlowStats } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { flowModFromFriendly, flowModToFriendly, flowStatsToFriendly } from '../flow-json.js';
import type { FlowCommand } from '../flow-json.js';
import { matchFromFriendly } from '../match-json.js';
import { eachMultipartStats } from '../multipart.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { JsonListChunks } from '../json-stream.js';
import { lookupSwitch } from '../switch-lookup.js';
import { parsePort, parseU64, parseUint } from '../values.js';
import { persistFlows, takePersistent } from '../persist.js';
import { confirmedWrite } from '../write.js';

interface FlowQuery {
  limit?: string;
  offset?: string;
  table?: string;
  cookie?: string;
  cookieMask?: string;
  outPort?: string;
  outGroup?: string;
  match?: string;
  priority?: string;
  strict?: string;
}

/** Largest page a client may ask for (a listing without limit streams every flow). */
export const MAX_PAGE = 100_000;

const FILTER_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    table: { type: 'string', description: 'table id (default: all)' },
    cookie: { type: 'string', description: 'number or 0x-hex' },
    cookieMask: { type: 'string', description: 'default: all ones when cookie is given' },
    outPort: { type: 'string', description: 'only flows that output to this port (number or name)' },
    outGroup: { type: 'string', description: 'only flows that output to this group' },
    match: { type: 'string', description: 'a match object as JSON, e.g. {"in_port":1}' },
    priority: { type: 'string', description: 'DELETE with strict only' },
    strict: { type: 'string', enum: ['true', 'false'], description: 'DELETE only' },
  },
} as const;

/** GET's query: the filters plus a page (the switch has no cursor: each page reads the table). */
const LIST_QUERY = {
  ...FILTER_QUERY,
  properties: {
    ...FILTER_QUERY.properties,
    limit: { type: 'string', description: `flows per page (1-${MAX_PAGE}); default: every flow. X-Total-Count has the total` },
    offset: { type: 'string', description: 'flows to skip (default 0), in the order the switch lists them' },
  },
} as const;

function parseMatchQuery(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'match: expected a JSON object, e.g. {"in_port":1}', 'match');
  }
}

const ALL_ONES = (1n << 64n) - 1n;

/** Query filters as a friendly flow body (for DELETE without a body). */
function queryAsFlow(q: FlowQuery): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (q.table !== undefined) o.table = parseUint(q.table, OFPTT_ALL, 'table');
  if (q.cookie !== undefined) {
    o.cookie = q.cookie;
    o.cookieMask = q.cookieMask ?? `0x${ALL_ONES.toString(16)}`;
  }
  if (q.outPort !== undefined) o.outPort = q.outPort;
  if (q.outGroup !== undefined) o.outGroup = parseUint(q.outGroup, 0xffffffff, 'outGroup');
  if (q.match !== undefined) o.match = parseMatchQuery(q.match);
  if (q.priority !== undefined) o.priority = parseUint(q.priority, 0xffff, 'priority');
  if (q.strict !== undefined) o.strict = q.strict === 'true';
  return o;
}

export async function flowsPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get<{ Params: { dpid: string }; Querystring: FlowQuery }>('/switches/:dpid/flows', {
    schema: {
      tags: ['flows'],
      summary: 'Flows of a switch (a FLOW multipart request), filtered by table, cookie, out port/group and match',
      params: DPID_PARAMS,
      querystring: LIST_QUERY,
      response: responses({ 200: { type: 'array', items: { $ref: 'FlowOut#' } } }),
    },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const q = req.query;
      const limit = q.limit === undefined ? undefined : parseUint(q.limit, MAX_PAGE, 'limit');
      const offset = q.offset === undefined ? 0 : parseUint(q.offset, 0xffffffff, 'offset');
      if (limit === 0) throw new HttpError(400, 'bad_request', `limit: expected 1-${MAX_PAGE}`, 'limit');
      const cookie = q.cookie === undefined ? 0n : parseU64(q.cookie, 'cookie');
      const cookieMask = q.cookieMask !== undefined ? parseU64(q.cookieMask, 'cookieMask') : q.cookie !== undefined ? ALL_ONES : 0n;
      // Each part becomes JSON as it arrives (json-stream.ts): only the page is converted.
      const list = new JsonListChunks<FlowStats>((f) => JSON.stringify(flowStatsToFriendly(f)), offset, limit);
      await eachMultipartStats(
        conn,
        {
          kind: 'flow',
          tableId: q.table === undefined ? OFPTT_ALL : parseUint(q.table, OFPTT_ALL, 'table'),
          outPort: q.outPort === undefined ? OFPP.ANY : parsePort(q.outPort, 'outPort'),
          outGroup: q.outGroup === undefined ? OFPG_ANY : parseUint(q.outGroup, 0xffffffff, 'outGroup'),
          cookie,
          cookieMask,
          match: matchFromFriendly(parseMatchQuery(q.match), 'match'),
        },
        'flow',
        (stats) => list.add(stats),
      );
      reply.header('x-total-count', String(list.count));
      return list.send(reply);
    },
  });

  const write = (command: FlowCommand) => async (req: { params: { dpid: string }; body: unknown }) => {
    const conn = lookupSwitch(deps, req.params.dpid);
    const { body, persistent } = takePersistent(req.body ?? {});
    const fm = flowModFromFriendly(body, command);
    if (deps.cluster && !deps.cluster.member()) {
      throw new HttpError(503, 'cluster_unavailable', `instance ${deps.cluster.name} is not a cluster member now (its etcd lease could not be renewed): writes are refused until it rejoins`);
    }
    if (command === 'add' && persistent && deps.cluster && deps.state && !deps.cluster.mayWrite(conn.info.dpid) && fm.idleTimeout === 0 && fm.hardTimeout === 0) {
      // Another instance masters this switch: the flow goes into etcd, and its master installs it.
      await persistFlows(deps.state, conn.info.dpid, [fm], true);
      return { fm, master: deps.cluster.masterOf(conn.info.dpid) ?? null };
    }
    if (deps.cluster && !deps.cluster.mayWrite(conn.info.dpid)) {
      // Any other flow write: the FLOW_MOD itself goes to the master through etcd.
      const master = await deps.cluster.forward(conn.info.dpid, [fm]).catch((e: unknown) => {
        throw new HttpError(503, 'cluster_unavailable', `cannot hand the write to the master of ${conn.info.dpid}: ${(e as Error).message}`);
      });
      await persistFlows(deps.state, conn.info.dpid, [fm], persistent);
      return { fm, master };
    }
    await confirmedWrite(conn, [fm], `flow ${command}`);
    await persistFlows(deps.state, conn.info.dpid, [fm], persistent);
    return { fm, master: undefined };
  };

  app.post<{ Params: { dpid: string }; Body: unknown }>('/switches/:dpid/flows', {
    schema: {
      tags: ['flows'],
      summary: 'Add a flow (FLOW_MOD ADD, confirmed by a barrier); answers the flow as installed (202: stored in the cluster for the master to install)',
      params: DPID_PARAMS,
      body: { $ref: 'Flow#' },
      response: responses({ 201: { $ref: 'FlowOut#' }, 202: { $ref: 'FlowOut#' } }),
    },
    handler: async (req, reply) => {
      const { fm, master } = await write('add')(req);
      reply.code(master === undefined ? 201 : 202);
      if (master !== undefined) reply.header('x-weft-master', master ?? '');
      return flowModToFriendly(fm);
    },
  });

  for (const method of ['put', 'patch'] as const) {
    app[method]<{ Params: { dpid: string }; Body: unknown }>('/switches/:dpid/flows', {
      schema: {
        tags: ['flows'],
        summary: 'Modify flows (FLOW_MOD MODIFY, or MODIFY_STRICT with "strict": true): replaces their instructions',
        params: DPID_PARAMS,
        body: { $ref: 'Flow#' },
        response: responses({ 200: { $ref: 'FlowOut#' }, 202: { $ref: 'FlowOut#' } }),
      },
      handler: async (req, reply) => {
        const { fm, master } = await write('modify')(req);
        if (master !== undefined) reply.code(202).header('x-weft-master', master ?? '');
        return flowModToFriendly(fm);
      },
    });
  }

  app.delete<{ Params: { dpid: string }; Body: unknown; Querystring: FlowQuery }>('/switches/:dpid/flows', {
    schema: {
      tags: ['flows'],
      summary: 'Delete flows matching a filter (body, or query parameters); no filter deletes every flow',
      params: DPID_PARAMS,
      querystring: FILTER_QUERY,
      body: { anyOf: [{ $ref: 'Flow#' }, { type: 'null' }] },
      response: responses({ 204: { type: 'null' }, 202: { type: 'null' } }),
    },
    handler: async (req, reply) => {
      const hasBody = req.body !== undefined && req.body !== null;
      if (hasBody && Object.keys(req.query).length > 0) throw new HttpError(400, 'bad_request', 'give the filter either as a body or as query parameters, not both');
      const { master } = await write('delete')({ params: req.params, body: hasBody ? req.body : queryAsFlow(req.query) });
      if (master !== undefined) reply.code(202).header('x-weft-master', master ?? '');
      else reply.code(204);
    },
  });
}
