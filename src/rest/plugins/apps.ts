/**
 * GET /apps (loaded apps with their counters, stats and watchdog state), POST /apps/:name/enable,
 * POST /apps/:name/commands/:command, GET and PUT /apps/:name/options (run-time option changes),
 * and every app's own routes (App.routes) mounted under /apps/<name>.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App, AppRoutes, RouteHandler, RouteOptions } from '../../../apps/sdk/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { responses } from '../schemas.js';

const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

const APP_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    appId: { type: 'integer' },
    cookieBase: { type: 'string' },
    counters: { type: 'object', additionalProperties: true },
    stats: { type: 'object', additionalProperties: { type: 'number' } },
    commands: { type: 'boolean' },
    routes: { type: 'boolean' },
    state: { type: 'string', enum: ['enabled', 'disabled'], description: 'disabled by the watchdog until POST /apps/NAME/enable' },
    reason: { type: 'string', description: 'why the watchdog disabled it (last time)' },
    disabledAt: { type: 'number' },
    health: { type: 'object', additionalProperties: true },
  },
};

/**
 * After an app handled a write, a barrier to every switch: what the app emitted while handling
 * it was queued before the barrier, so the 2xx means the switches have applied it (a route
 * deleted over REST no longer forwards when the client sees the answer). A switch that does not
 * answer in time only delays the reply; its errors reach the app as usual.
 */
async function settleWrites(deps: RestDeps): Promise<void> {
  await Promise.allSettled([...deps.switches().values()].map((conn) => conn.barrier({ timeoutMs: 5000 })));
}

function appRoutes(app: FastifyInstance, owner: App, deps: RestDeps): AppRoutes {
  const log = deps.log;
  const add = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, handler: RouteHandler, opts: RouteOptions = {}) => {
    const status = opts.status ?? 200;
    app.route({
      method,
      url: path.startsWith('/') ? path : `/${path}`,
      schema: {
        tags: ['apps'],
        summary: opts.summary ?? `${owner.name}: ${method} ${path}`,
        ...(opts.body ? { body: opts.body } : {}),
        response: responses(opts.response ? { [status]: opts.response } : {}),
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const data = await handler({
          params: req.params as Record<string, string>,
          query: req.query as Record<string, string | string[]>,
          body: req.body,
        });
        if (method !== 'GET') await settleWrites(deps);
        if (data === undefined) return reply.code(204).send();
        reply.code(status);
        if (opts.response) return data;
        // No response schema: plain JSON, with bigints as decimal strings.
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, bigintSafe));
      },
    });
    log.debug({ app: owner.name, method, path }, 'app route mounted');
  };
  return {
    get: (p, h, o) => add('GET', p, h, o),
    post: (p, h, o) => add('POST', p, h, o),
    put: (p, h, o) => add('PUT', p, h, o),
    patch: (p, h, o) => add('PATCH', p, h, o),
    delete: (p, h, o) => add('DELETE', p, h, o),
  };
}

export async function appsPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get('/apps', {
    schema: { tags: ['apps'], summary: 'Loaded apps in load order, with their counters and stats', response: responses({ 200: { type: 'array', items: APP_SCHEMA } }) },
    handler: async () => {
      const counters = deps.host.counters().apps;
      const health = deps.host.health?.() ?? {};
      return deps.host.apps().map((a) => {
        const h = health[a.name];
        const loaded = deps.app(a.name);
        let stats: Record<string, number> = {};
        try {
          stats = loaded?.stats?.() ?? {};
        } catch (err) {
          deps.log.warn({ app: a.name, err: (err as Error)?.message }, 'app stats() threw');
        }
        return {
          name: a.name,
          appId: a.appId,
          cookieBase: `0x${a.cookieBase.toString(16)}`,
          counters: counters[a.name] ?? {},
          stats,
          commands: typeof loaded?.command === 'function',
          routes: typeof loaded?.routes === 'function',
          state: h?.state ?? 'enabled',
          ...(h?.reason !== undefined ? { reason: h.reason } : {}),
          ...(h?.disabledAt !== undefined ? { disabledAt: h.disabledAt } : {}),
          health: h ?? {},
        };
      });
    },
  });

  app.post<{ Params: { name: string; command: string }; Body: { args?: unknown } | undefined }>('/apps/:name/commands/:command', {
    schema: {
      tags: ['apps'],
      summary: 'Run an app command (App.command); answers its result',
      params: { type: 'object', required: ['name', 'command'], properties: { name: { type: 'string' }, command: { type: 'string' } } },
      body: { anyOf: [{ type: 'object', additionalProperties: false, properties: { args: {} } }, { type: 'null' }] },
      response: responses({ 200: { type: 'object', properties: { result: {} } } }),
    },
    handler: async (req) => {
      const target = deps.app(req.params.name);
      if (!target) throw new HttpError(404, 'not_found', `no app named ${req.params.name}`);
      if (!target.command) throw new HttpError(404, 'not_found', `app ${req.params.name} takes no commands`);
      const result = await deps.host.command(req.params.name, req.params.command, req.body?.args);
      await settleWrites(deps);
      return { result: JSON.parse(JSON.stringify(result ?? null, bigintSafe)) as unknown };
    },
  });

  const NAME = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } as const;
  const OPTIONS = { type: 'object', additionalProperties: true } as const;
  app.get<{ Params: { name: string } }>('/apps/:name/options', {
    schema: { tags: ['apps'], summary: "The app's options in force: configured, with run-time changes over them", params: NAME, response: responses({ 200: OPTIONS }) },
    handler: async (req) => {
      if (!deps.app(req.params.name) || !deps.host.appOptions) throw new HttpError(404, 'not_found', `no app named ${req.params.name}`);
      return deps.host.appOptions(req.params.name);
    },
  });

  app.put<{ Params: { name: string }; Body: unknown }>('/apps/:name/options', {
    schema: {
      tags: ['apps'],
      summary: 'Change some of an app\'s options while it runs (saved; null for a key: back to the configured value); answers the options in force',
      params: NAME,
      body: {},
      response: responses({ 200: OPTIONS }),
    },
    handler: async (req) => {
      if (!deps.app(req.params.name) || !deps.host.setAppOptions) throw new HttpError(404, 'not_found', `no app named ${req.params.name}`);
      const out = await deps.host.setAppOptions(req.params.name, req.body);
      await settleWrites(deps);
      return out;
    },
  });

  app.post<{ Params: { name: string } }>('/apps/:name/enable', {
    schema: {
      tags: ['apps'],
      summary: 'Run an app the watchdog disabled again (it gets switchUp for every connected switch)',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      response: responses({ 200: { type: 'object', properties: { name: { type: 'string' }, state: { type: 'string' }, wasDisabled: { type: 'boolean' } } } }),
    },
    handler: async (req) => {
      if (!deps.app(req.params.name) || !deps.host.enable) throw new HttpError(404, 'not_found', `no app named ${req.params.name}`);
      const wasDisabled = deps.host.enable(req.params.name);
      if (wasDisabled) await settleWrites(deps);
      return { name: req.params.name, state: 'enabled', wasDisabled };
    },
  });

  for (const { name } of deps.host.apps()) {
    const loaded = deps.app(name);
    if (!loaded?.routes) continue;
    await app.register(async (scope) => {
      try {
        loaded.routes!(appRoutes(scope, loaded, deps));
      } catch (err) {
        deps.log.error({ app: name, err: (err as Error)?.message }, `app ${name}: routes() failed; its routes are not mounted`);
      }
    }, { prefix: `/apps/${name}` });
  }
}
