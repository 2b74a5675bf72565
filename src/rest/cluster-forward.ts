/**
 * REST writes on a cluster instance that is not the switch's master are proxied to the master's
 * own REST API (its address is in its member record, docs/CLUSTER.md): the caller gets the
 * master's real answer (the group as installed, the switch's refusal as a 4xx, the bulk summary),
 * with the header `x-weft-master: <name>`. Single flow writes are not proxied: they keep their
 * 202 hand-over through etcd (flows.ts).
 *
 * Loops: a proxied request carries `x-weft-forwarded-by: <sender>`; an instance never forwards
 * such a request again, and answers 409 `not_master` if mastership moved meanwhile. A master
 * that does not answer (dead, before its lease expires) gives 503 `master_unreachable`.
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RestDeps } from './deps.js';
import { HttpError } from './errors.js';
import { parseDpid } from './dpid.js';
import { ryuDpid } from './ryu/ryu-values.js';

export const FORWARDED_BY = 'x-weft-forwarded-by';
export const MASTER_HEADER = 'x-weft-master';
/** A bulk write of 100k flows takes seconds on a loaded machine; a frozen master hits this. */
export const FORWARD_TIMEOUT_MS = 30_000;
/** Answers of write routes are small; a larger one is cut off rather than buffered. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** Write routes proxied to the master: `METHOD url` as fastify registers them. */
const PATH_DPID_ROUTES = new Set([
  'POST /api/v1/switches/:dpid/flows/bulk',
  'POST /api/v1/switches/:dpid/groups',
  'PUT /api/v1/switches/:dpid/groups/:id',
  'DELETE /api/v1/switches/:dpid/groups/:id',
  'DELETE /api/v1/switches/:dpid/groups',
  'POST /api/v1/switches/:dpid/meters',
  'PUT /api/v1/switches/:dpid/meters/:id',
  'DELETE /api/v1/switches/:dpid/meters/:id',
  'POST /api/v1/switches/:dpid/ports/:port',
  'POST /api/v1/switches/:dpid/reconciliation',
  // Ryu-compatible, dpid in the path as a decimal (or 0x-hex) integer.
  'DELETE /stats/flowentry/clear/:dpid',
  'POST /stats/experimenter/:dpid',
]);
/** Ryu-compatible writes whose dpid is a field of the body. */
const BODY_DPID_ROUTES = new Set(['POST /stats/flowentry/:cmd', 'POST /stats/groupentry/:cmd', 'POST /stats/meterentry/:cmd', 'POST /stats/portdesc/:cmd']);

/** The Ryu body parser keeps the text it parsed here, so a proxied request carries it unchanged. */
export const RAW_BODY = Symbol('weftRawBody');
type WithRaw = FastifyRequest & { [RAW_BODY]?: string };

const routeKey = (req: FastifyRequest) => `${req.method} ${req.routeOptions.url ?? ''}`;

/** Register the two hooks (call before any route plugin, so they apply to every scope). */
export function clusterForwardHooks(app: FastifyInstance, deps: RestDeps): void {
  const cluster = deps.cluster;
  if (!cluster) return;
  // dpid in the path: decided before the body is read, which is streamed to the master as is.
  app.addHook('onRequest', async (req, reply) => {
    const key = routeKey(req);
    if (!PATH_DPID_ROUTES.has(key)) return;
    const raw = (req.params as Record<string, unknown> | undefined)?.dpid;
    if (typeof raw !== 'string') return;
    const dpid = key.includes('/stats/') ? safe(() => ryuDpid(raw)) : parseDpid(raw);
    if (dpid === undefined) return; // the route's own lookup answers 400
    return maybeForward(deps, req, reply, dpid, () => req.raw);
  });
  // dpid in a Ryu body: decided once it is parsed; the original text goes to the master.
  app.addHook('preValidation', async (req, reply) => {
    if (!BODY_DPID_ROUTES.has(routeKey(req))) return;
    const body = req.body as Record<string, unknown> | undefined;
    const dpid = body?.dpid === undefined ? undefined : safe(() => ryuDpid(body.dpid));
    if (dpid === undefined) return;
    const text = (req as WithRaw)[RAW_BODY] ?? JSON.stringify(body);
    return maybeForward(deps, req, reply, dpid, () => text);
  });
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

async function maybeForward(deps: RestDeps, req: FastifyRequest, reply: FastifyReply, dpid: string, body: () => Readable | string): Promise<FastifyReply | undefined> {
  const cluster = deps.cluster!;
  if (cluster.mayWrite(dpid)) return undefined;
  const from = req.headers[FORWARDED_BY];
  if (from !== undefined) {
    // Never forwarded twice: mastership moved while the request was on its way.
    throw new HttpError(409, 'not_master', `forwarded by ${String(from)}, but ${cluster.name} is not the master of switch ${dpid} either (mastership moved): retry`);
  }
  const connected = deps.switches().has(dpid);
  if (!cluster.member()) {
    throw new HttpError(503, 'cluster_unavailable', `instance ${cluster.name} is not a cluster member now (its etcd lease could not be renewed): writes are refused until it rejoins`);
  }
  const master = cluster.masterOf(dpid);
  if (master === undefined) {
    if (!connected) return undefined; // the route's lookup answers 404
    throw new HttpError(503, 'cluster_unavailable', `switch ${dpid} has no master now (one is assigned within the lease TTL): retry`);
  }
  if (master === cluster.name) {
    // Our claim is in etcd but the switch has not confirmed our ROLE_REQUEST yet.
    throw new HttpError(503, 'cluster_unavailable', `instance ${cluster.name} is taking over switch ${dpid} (the switch has not confirmed it as master yet): retry`);
  }
  const address = cluster.memberRest(master);
  if (address === undefined) throw new HttpError(503, 'master_unreachable', `the master of switch ${dpid}, instance ${master}, has no REST address in its member record`);
  const answer = await proxy(address, req, body(), cluster.name).catch((e: unknown) => {
    throw new HttpError(503, 'master_unreachable', `the master of switch ${dpid}, instance ${master} at ${address}, did not answer (${(e as Error).message}); if it died, another instance takes the switch within the lease TTL: retry`);
  });
  reply.code(answer.status).header(MASTER_HEADER, master);
  for (const h of ['content-type', 'www-authenticate'] as const) {
    const v = answer.headers[h];
    if (v !== undefined) reply.header(h, v);
  }
  return reply.send(answer.body);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host']);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request to `host:port` with the caller's method, path, headers and body. */
function proxy(address: string, req: FastifyRequest, body: Readable | string, from: string): Promise<Answer> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  headers[FORWARDED_BY] = from;
  if (typeof body === 'string') {
    delete headers['transfer-encoding'];
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise<Answer>((resolve, reject) => {
    const out = request({ host, port, method: req.method, path: req.url, headers, timeout: FORWARD_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) res.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    out.on('timeout', () => out.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS} ms`)));
    out.on('error', reject);
    if (typeof body === 'string') out.end(body);
    else body.pipe(out);
  });
}
