/**
 * The REST server: fastify with one plugin per resource under /api/v1, observability at the
 * root (/metrics, /health, /ready), the OpenAPI document (/openapi.json) and its page (/docs).
 * Shared pieces every plugin (and the Ryu-compatible one) relies on are set up here, before
 * any plugin: the shared JSON schemas, the error handler (one error body for everything),
 * the write-auth hook, CORS and the request-duration metric.
 */
import cors from '@fastify/cors';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerRoutes } from './plugins/index.js';
import { ryuPlugin } from './ryu/index.js';
import { eventsPlugin } from './events/plugin.js';
import type { RestConfig, RestDeps } from './deps.js';
import { ERROR_SCHEMA, errorBody, HttpError, toHttpError } from './errors.js';
import { authHook } from './auth.js';
import { clusterForwardHooks } from './cluster-forward.js';
import { lookupSwitch } from './switch-lookup.js';
import { ryuSwitch } from './ryu/ryu-common.js';
import { restExposureProblem } from '../config/schema.js';
import { ACTION_SCHEMA, INSTRUCTION_SCHEMA } from './actions-json.js';
import { FLOW_OUT_SCHEMA, FLOW_SCHEMA } from './flow-json.js';
import { GROUP_OUT_SCHEMA, GROUP_SCHEMA, METER_OUT_SCHEMA, METER_SCHEMA } from './group-meter-json.js';
import { MATCH_SCHEMA } from './match-json.js';
import { PORT_SCHEMA, SWITCH_DETAIL_SCHEMA, SWITCH_SUMMARY_SCHEMA } from './switch-json.js';

export const API_PREFIX = '/api/v1';

export interface RestServer {
  readonly app: FastifyInstance;
  /** Listen on config host:port; rejects with a one-line message (port in use ...). */
  listen(): Promise<{ host: string; port: number }>;
  address(): { host: string; port: number } | undefined;
  close(): Promise<void>;
}

/** Build the fastify instance with every route (not listening yet: app.inject works). */
export async function buildRestApp(deps: RestDeps, config: RestConfig): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: config.bodyLimit,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false, allowUnionTypes: true } },
  });

  for (const s of [ERROR_SCHEMA, MATCH_SCHEMA, ACTION_SCHEMA, INSTRUCTION_SCHEMA, FLOW_SCHEMA, FLOW_OUT_SCHEMA, GROUP_SCHEMA, GROUP_OUT_SCHEMA, METER_SCHEMA, METER_OUT_SCHEMA, PORT_SCHEMA, SWITCH_SUMMARY_SCHEMA, SWITCH_DETAIL_SCHEMA]) {
    app.addSchema(s);
  }

  app.setErrorHandler((err, req, reply) => {
    const h = toHttpError(err);
    if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') h.message = `${h.message}: this route takes at most ${req.routeOptions.bodyLimit ?? config.bodyLimit} bytes (rest.bodyLimit; rest.bulkBodyLimit for flows/bulk)`;
    if (h.code === 'internal') deps.log.error({ err, method: req.method, url: req.url }, 'REST handler failed');
    if (h.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="weft"');
    return reply.code(h.status).send(errorBody(h));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody(new HttpError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`))));

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    });
  }
  app.addHook('onRequest', authHook(config.token));
  // Cluster: writes for a switch another instance masters go to that instance (before the
  // switch lookup below: the switch need not be connected here).
  clusterForwardHooks(app, deps);
  // Before the body is read: a request for a switch that is not connected gets its 404 (or a
  // malformed dpid its 400) without weft buffering and parsing a body of many megabytes.
  app.addHook('onRequest', async (req) => {
    const dpid = (req.params as Record<string, unknown> | undefined)?.dpid;
    if (typeof dpid !== 'string') return;
    // /state/switches/:dpid shows what is persisted for a switch, connected or not.
    if (req.routeOptions.url?.startsWith(`${API_PREFIX}/state/`)) return;
    if (req.routeOptions.url?.startsWith(`${API_PREFIX}/`)) lookupSwitch(deps, dpid);
    else if (req.routeOptions.url?.startsWith('/stats/')) ryuSwitch(deps, dpid);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.restDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    deps.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  await registerRoutes(app, deps, config);
  await app.register(ryuPlugin, { deps });
  await app.register(eventsPlugin, { prefix: API_PREFIX, deps, maxBuffered: config.eventsMaxBufferedBytes });
  return app;
}

export async function createRestServer(deps: RestDeps, config: RestConfig): Promise<RestServer> {
  const app = await buildRestApp(deps, config);
  await app.ready();
  let bound: { host: string; port: number } | undefined;
  return {
    app,
    async listen() {
      const exposed = restExposureProblem(config);
      if (exposed) throw new Error(`REST API: ${exposed}`);
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const what =
          err.code === 'EADDRINUSE' ? 'address already in use'
          : err.code === 'EACCES' ? 'permission denied (ports under 1024 need privileges)'
          : err.code === 'EADDRNOTAVAIL' ? 'address not available on this host'
          : err.message;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        throw new Error(`REST API ${host}:${config.port}: ${what}`, { cause: err });
      }
      const a = app.server.address();
      bound = a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: config.host, port: config.port };
      deps.log.info({ ...bound, auth: config.token !== null, cors: config.corsOrigins }, `REST API listening on http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`);
      return bound;
    },
    address: () => bound,
    close: () => app.close(),
  };
}
