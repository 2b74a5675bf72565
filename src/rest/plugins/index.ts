/** Registers the docs and every resource plugin, in order (docs first: it collects the routes). */
import type { FastifyInstance } from 'fastify';
import type { RestConfig, RestDeps } from '../deps.js';
import { appsPlugin } from './apps.js';
import { clusterPlugin } from './cluster.js';
import { registerDocs } from './docs.js';
import { flowsBulkPlugin } from './flows-bulk.js';
import { flowsPlugin } from './flows.js';
import { groupsPlugin } from './groups.js';
import { metersPlugin } from './meters.js';
import { observabilityPlugin } from './observability.js';
import { portsPlugin } from './ports.js';
import { reconciliationPlugin } from './reconciliation.js';
import { statePlugin } from './state.js';
import { switchesPlugin } from './switches.js';
import { topologyPlugin } from './topology.js';
import { uiPlugin } from './ui.js';

const API_PREFIX = '/api/v1';

export async function registerRoutes(app: FastifyInstance, deps: RestDeps, config: RestConfig): Promise<void> {
  await registerDocs(app, deps.version);
  await app.register(observabilityPlugin, { deps });
  for (const plugin of [switchesPlugin, reconciliationPlugin, portsPlugin, flowsPlugin, groupsPlugin, metersPlugin, topologyPlugin, appsPlugin, statePlugin, clusterPlugin]) {
    await app.register(plugin, { prefix: API_PREFIX, deps });
  }
  await app.register(flowsBulkPlugin, { prefix: API_PREFIX, deps, bodyLimit: config.bulkBodyLimit, maxFlows: config.maxBulkFlows });
  await app.register(uiPlugin, { deps, auth: config.token !== null });
}
