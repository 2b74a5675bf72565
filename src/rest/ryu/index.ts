/**
 * The Ryu-compatible API (ofctl_rest and rest_topology), registered in its own fastify scope so
 * its lenient body parser (any content type, JSON or a Python dict literal) touches no other
 * route. See docs/RYU-COMPAT.md.
 */
import type { FastifyInstance } from 'fastify';
import type { RestDeps } from '../deps.js';
import { ofctlFlowEntryPlugin } from './ofctl-flowentry.js';
import { ofctlGroupMeterPlugin } from './ofctl-group-meter.js';
import { ofctlRolePortPlugin } from './ofctl-role-port.js';
import { ofctlStatsPlugin } from './ofctl-stats.js';
import { ryuBodyParser } from './ryu-common.js';
import { ryuTopologyPlugin } from './topology.js';

export async function ryuPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  ryuBodyParser(app);
  for (const plugin of [ofctlStatsPlugin, ofctlFlowEntryPlugin, ofctlGroupMeterPlugin, ofctlRolePortPlugin, ryuTopologyPlugin]) {
    await app.register(plugin, { deps });
  }
}
