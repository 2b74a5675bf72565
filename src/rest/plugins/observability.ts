/** /metrics (Prometheus text), /health (the process answers) and /ready (listeners are up). */
import type { FastifyInstance } from 'fastify';
import type { RestDeps } from '../deps.js';
import { responses } from '../schemas.js';

const STATUS = { type: 'object', properties: { status: { type: 'string' } } };

export async function observabilityPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get('/metrics', {
    schema: {
      tags: ['observability'],
      summary: 'Prometheus metrics (text exposition format)',
      produces: ['text/plain'],
      response: responses({ 200: { type: 'string', description: 'Prometheus text format 0.0.4' } }),
    },
    handler: async (_req, reply) => {
      const text = await deps.metrics.text();
      return reply.type(deps.metrics.contentType).send(text);
    },
  });

  app.get('/health', {
    schema: { tags: ['observability'], summary: 'Liveness: 200 while the process answers', response: responses({ 200: STATUS }) },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/ready', {
    schema: { tags: ['observability'], summary: 'Readiness: 200 when the OpenFlow listeners are up, else 503', response: responses({ 200: STATUS, 503: STATUS }) },
    handler: async (_req, reply) => {
      if (deps.ready()) return { status: 'ready' };
      reply.code(503);
      return { status: 'not ready' };
    },
  });
}
