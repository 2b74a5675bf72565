/**
 * table-miss: every switch holds the table-miss flow of table 0 (priority 0, empty match,
 * whole frame to the controller), installed and repaired by reconciliation (docs/STATE.md). OpenFlow 1.3 switches drop unmatched packets by default;
 * the L2 apps rely on this flow to see the traffic they learn from.
 */
import type { App, AppContext, AppFactory } from '../sdk/index.js';
import { tableMiss } from '../sdk/index.js';

export const createTableMissApp: AppFactory = (options) => {
  const table = typeof options.table === 'number' ? options.table : 0;
  let ctx: AppContext | undefined;
  const app: App = {
    name: 'table-miss',
    switchLocal: true,
    init(c) {
      ctx = c;
    },
    desiredFlows() {
      return [tableMiss({ table, cookie: ctx?.cookie(1) ?? 0n })];
    },
  };
  return app;
};

export default createTableMissApp;
