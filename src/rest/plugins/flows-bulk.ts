/**
 * POST /switches/:dpid/flows/bulk: many flows in one call (100k and more). Built for speed:
 * the body is checked by hand per flow (no ajv per item), every flow is converted before
 * anything is sent (a bad flow -> 400 naming flows[i].field, nothing written), then the
 * FLOW_MODs are streamed through conn.send in chunks with a barrier after each chunk. At most
 * WINDOW barriers are outstanding, which bounds what is queued for the switch and keeps the
 * connection's error callbacks (pruned at each barrier reply) well under their cap, while the
 * switch is never left idle waiting for us.
 */
import type { FastifyInstance } from 'fastify';
import type { FlowMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError, openflowNames, switchErrorToHttp } from '../errors.js';
import { flowModFromFriendly } from '../flow-json.js';
import type { FlowCommand } from '../flow-json.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';

const CHUNK = 5_000;
const WINDOW = 4;
/** Errors listed in a response at most (the count is always exact). */
const MAX_LISTED = 100;

interface BulkBody {
  flows: unknown[];
  command?: FlowCommand;
}

export interface BulkFlowError {
  index: number;
  message: string;
  openflow?: { type: string; code: string };
}

export async function flowsBulkPlugin(app: FastifyInstance, { deps, bodyLimit }: { deps: RestDeps; bodyLimit: number }): Promise<void> {
  app.post<{ Params: { dpid: string }; Body: BulkBody }>('/switches/:dpid/flows/bulk', {
    bodyLimit,
    schema: {
      tags: ['flows'],
      summary: 'Add (or modify, delete) many flows in one call, streamed to the switch and confirmed by barriers',
      description:
        'Each element of `flows` has the form of POST /switches/{dpid}/flows. All flows are checked before any is sent. ' +
        'Switch errors are reported per flow index (409/422 when any flow was rejected).',
      params: DPID_PARAMS,
      body: {
        type: 'object',
        required: ['flows'],
        additionalProperties: false,
        properties: {
          // No `items` schema on purpose: each flow is checked by hand, cheaply.
          flows: { type: 'array', description: 'flows, as in POST /switches/{dpid}/flows' },
          command: { type: 'string', enum: ['add', 'modify', 'delete'], default: 'add' },
        },
      },
      response: responses({
        200: {
          type: 'object',
          properties: { count: { type: 'integer' }, accepted: { type: 'integer' }, durationMs: { type: 'number' }, flowsPerSecond: { type: 'number' } },
        },
      }),
    },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const { flows } = req.body;
      const command = req.body.command ?? 'add';
      const t0 = performance.now();
      const mods = new Array<FlowMod>(flows.length);
      const T = [performance.now()];
      for (let i = 0; i < flows.length; i++) mods[i] = flowModFromFriendly(flows[i], command, `flows[${i}]`);

      T.push(performance.now());
      const errors: BulkFlowError[] = [];
      let rejected = 0;
      let firstSwitchError: Parameters<typeof switchErrorToHttp>[0] | undefined;
      const barriers: Promise<void>[] = [];
      for (let start = 0; start < mods.length; start += CHUNK) {
        if (conn.closed) throw new HttpError(503, 'switch_unavailable', `switch ${conn.info.dpid} disconnected after ${start} of ${mods.length} flows were sent`);
        const end = Math.min(start + CHUNK, mods.length);
        for (let i = start; i < end; i++) {
          try {
            conn.send(mods[i]!, (err) => {
              rejected++;
              firstSwitchError ??= err;
              if (errors.length < MAX_LISTED) errors.push({ index: i, message: 'rejected by the switch', openflow: openflowNames(err.errType, err.code) });
            });
          } catch (e) {
            rejected++;
            if (errors.length < MAX_LISTED) errors.push({ index: i, message: (e as Error).message });
          }
        }
        barriers.push(conn.barrier());
        if (barriers.length > WINDOW) await barriers.shift();
        // Let the write queue hand this chunk to the socket before encoding the next.
        else await new Promise((r) => setImmediate(r));
      }
      T.push(performance.now());
      await Promise.all(barriers);
      T.push(performance.now()); console.error('PHASES', T.map((x) => (x - T[0]!).toFixed(0)).join(' '));
      const durationMs = performance.now() - t0;
      if (rejected > 0) {
        errors.sort((a, b) => a.index - b.index);
        const base = firstSwitchError ? switchErrorToHttp(firstSwitchError, 'flows') : new HttpError(400, 'bad_request', 'flows could not be encoded');
        throw new HttpError(base.status, base.code, `${rejected} of ${mods.length} flows were rejected`, undefined, base.openflow, {
          count: mods.length,
          accepted: mods.length - rejected,
          rejected,
          errors,
        });
      }
      return { count: mods.length, accepted: mods.length, durationMs: Math.round(durationMs * 10) / 10, flowsPerSecond: Math.round((mods.length / durationMs) * 1000) };
    },
  });
}
