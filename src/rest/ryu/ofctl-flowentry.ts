/**
 * POST /stats/flowentry/{add,modify,modify_strict,delete,delete_strict} and
 * DELETE /stats/flowentry/clear/<dpid>, with ofctl's field names and defaults: table 0,
 * priority 0, no buffer, out_port/out_group ANY (a delete without table_id only touches table 0,
 * as in Ryu; clear deletes every table). The FLOW_MOD is confirmed by a barrier.
 */
import type { FastifyInstance } from 'fastify';
import { OFPFC, OFPG_ANY, OFPP, OFPTT_ALL } from '../../../protocol/index.js';
import type { FlowMod } from '../../../protocol/index.js';
import { APP_COOKIE_MASK } from '../../../apps/sdk/index.js';
import type { RestDeps } from '../deps.js';
import { params, RYU_WRITE, ryuModRoute, ryuSwitch, ryuWrite } from './ryu-common.js';
import type { RyuBody } from './ryu-common.js';
import { instructionsFromRyu } from './ryu-actions.js';
import { matchFromRyu } from './ryu-json.js';
import { bufferFromUser, GROUPS, PORTS, ryuU64, ryuUint, TABLES } from './ryu-values.js';

const COMMANDS: Readonly<Record<string, number>> = {
  add: OFPFC.ADD,
  modify: OFPFC.MODIFY,
  modify_strict: OFPFC.MODIFY_STRICT,
  delete: OFPFC.DELETE,
  delete_strict: OFPFC.DELETE_STRICT,
};

/**
 * weft's own flows (table-miss, LLDP trap, apps) carry their app id in the cookie's top 16 bits,
 * never 0. A Ryu client's cookie filter for a modify or delete that leaves those bits out of its
 * mask ({"cookie": 1, "cookie_mask": 1}) is narrowed to app id 0, the range Ryu clients use, so it
 * cannot reach weft's flows; a mask that names top bits is taken as given.
 */
export function ryuCookieFilter(cookie: bigint, mask: bigint, command: number): { cookie: bigint; cookieMask: bigint } {
  if (command === OFPFC.ADD || mask === 0n || (mask & APP_COOKIE_MASK) !== 0n) return { cookie, cookieMask: mask };
  return { cookie: cookie & ~APP_COOKIE_MASK, cookieMask: mask | APP_COOKIE_MASK };
}

/** ofctl_v1_3.mod_flow_entry: a Ryu flow dict -> FLOW_MOD. */
export function flowModFromRyu(b: RyuBody, command: number): FlowMod {
  const int = (key: string, max: number, dflt: number) => (b[key] === undefined ? dflt : ryuUint(b[key], max, key));
  const filter = ryuCookieFilter(b.cookie === undefined ? 0n : ryuU64(b.cookie, 'cookie'), b.cookie_mask === undefined ? 0n : ryuU64(b.cookie_mask, 'cookie_mask'), command);
  return {
    type: 'flowMod',
    xid: 0,
    ...filter,
    tableId: b.table_id === undefined ? 0 : TABLES.fromUser(b.table_id, 'table_id'),
    command,
    idleTimeout: int('idle_timeout', 0xffff, 0),
    hardTimeout: int('hard_timeout', 0xffff, 0),
    priority: int('priority', 0xffff, 0),
    bufferId: b.buffer_id === undefined ? 0xffffffff : bufferFromUser(b.buffer_id, 'buffer_id'),
    outPort: b.out_port === undefined ? OFPP.ANY : PORTS.fromUser(b.out_port, 'out_port'),
    outGroup: b.out_group === undefined ? OFPG_ANY : GROUPS.fromUser(b.out_group, 'out_group'),
    flags: int('flags', 0xffff, 0),
    match: matchFromRyu(b.match),
    instructions: instructionsFromRyu(b.actions),
  };
}

export async function ofctlFlowEntryPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu ofctl_rest'];

  ryuModRoute(
    app,
    deps,
    {
      url: '/stats/flowentry/:cmd',
      summary: 'Add, modify or delete flow entries (FLOW_MOD, confirmed by a barrier); cmd: add, modify, modify_strict, delete, delete_strict',
      body: 'dpid (required), cookie, cookie_mask, table_id, idle_timeout, hard_timeout, priority, buffer_id, flags, out_port, out_group, match, actions',
      tags,
    },
    'flow',
    COMMANDS,
    flowModFromRyu,
  );

  app.delete<{ Params: { dpid: string } }>('/stats/flowentry/clear/:dpid', {
    schema: { tags, summary: 'Delete every flow entry of the switch (FLOW_MOD DELETE, all tables)', params: params('dpid'), response: RYU_WRITE },
    handler: async (req, reply) => {
      const conn = ryuSwitch(deps, req.params.dpid);
      return ryuWrite(reply, conn, [flowModFromRyu({ table_id: OFPTT_ALL }, OFPFC.DELETE)], 'flow clear');
    },
  });
}
