/** GET /cluster: this instance, the cluster's instances, mastership per switch and etcd's health (docs/CLUSTER.md). */
import type { FastifyInstance } from 'fastify';
import type { RestDeps } from '../deps.js';
import { responses } from '../schemas.js';

export async function clusterPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  app.get('/cluster', {
    schema: {
      tags: ['cluster'],
      summary: 'The cluster: instances, mastership per switch, etcd health (single instance: {"cluster": false})',
      response: responses({ 200: { type: 'object', additionalProperties: true } }),
    },
    handler: async () => (deps.cluster ? { cluster: true, ...(await deps.cluster.status()) } : { cluster: false }),
  });
}
