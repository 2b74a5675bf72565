/**
 * What every Ryu-compatible route shares: the body parser (JSON or a Python dict literal, with
 * any content type, because Ryu's users post with `curl -d` and python-requests `data=`), the
 * switch lookup by integer dpid (400 for a malformed id, 404 for an unknown switch, as Ryu),
 * exact JSON output ({"<dpid>": [...]}, bigints as integer literals) and the writes, confirmed
 * by a barrier so a switch's ERROR comes back as a 4xx (Ryu sends and answers 200 blindly).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OfMessage } from '../../../protocol/index.js';
import { SwitchError } from '../../openflow/switch-connection.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { JsonListChunks } from '../json-stream.js';
import { confirmedWrite } from '../write.js';
import { RAW_BODY } from '../cluster-forward.js';
import { dpidKey, parseRyuBody, ryuDpid, ryuJson } from './ryu-values.js';

export type RyuBody = Record<string, unknown>;

/** Accept any content type and parse it as Ryu does (call inside the Ryu plugin's scope only). */
export function ryuBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    try {
      // Kept for a write proxied to the switch's master (cluster-forward.ts).
      (req as { [RAW_BODY]?: string })[RAW_BODY] = body as string;
      const parsed = parseRyuBody(body as string);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'bad_request', 'body: expected an object');
      done(null, parsed);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}

/** The connected switch for a Ryu dpid (path parameter or body field). */
export function ryuSwitch(deps: Pick<RestDeps, 'switches'>, raw: unknown, field = 'dpid'): SwitchConnection {
  if (raw === undefined || raw === null || raw === '') throw new HttpError(400, 'bad_request', `${field}: missing`, field);
  const dpid = ryuDpid(raw, field);
  const conn = deps.switches().get(dpid);
  if (!conn || conn.closed) throw new HttpError(404, 'not_found', `switch ${dpidKey(dpid)} (${dpid}) is not connected`);
  return conn;
}

/** Send a value as Ryu's JSON (bigints exact). */
export function sendRyu(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json').send(ryuJson(value));
}

/** Items for {"<decimal dpid>": [items as Ryu prints them]}, stringified as they arrive (json-stream). */
export function ryuListChunks<T>(toRyu: (item: T) => unknown, keep?: (item: T) => boolean): JsonListChunks<T> {
  return new JsonListChunks<T>((item) => ryuJson(toRyu(item)), 0, Number.POSITIVE_INFINITY, keep);
}

/** Send what ryuListChunks collected, wrapped as Ryu's wrap_dpid_dict. */
export function sendRyuList<T>(reply: FastifyReply, conn: SwitchConnection, list: JsonListChunks<T>): FastifyReply {
  return list.send(reply, `{${JSON.stringify(dpidKey(conn.info.dpid))}:[`, ']}');
}

/** {"<decimal dpid>": value}, Ryu's wrap_dpid_dict. */
export const byDpid = (conn: SwitchConnection, value: unknown): Record<string, unknown> => ({ [dpidKey(conn.info.dpid)]: value });

/** A write confirmed by a barrier; Ryu answers 200 with an empty body. */
export async function ryuWrite(reply: FastifyReply, conn: SwitchConnection, msgs: OfMessage[], what: string): Promise<FastifyReply> {
  await confirmedWrite(conn, msgs, what);
  return reply.code(200).send('');
}

/** "ALL" in an optional path segment means "no filter" (Ryu's convention). */
export const allOr = (v: string | undefined): string | undefined => (v === undefined || v === 'ALL' ? undefined : v);

const ANY_JSON = {};
const DPID_MAP = { type: 'object', description: 'keyed by the datapath id in decimal, as Ryu', additionalProperties: ANY_JSON } as const;

/** Response schemas for the OpenAPI document (bodies are serialized by sendRyu). */
export const RYU_STATS = { 200: DPID_MAP, '4xx': { $ref: 'Error#' }, '5xx': { $ref: 'Error#' } } as const;
export const RYU_WRITE = { 200: { type: 'string', description: 'empty body, as Ryu' }, '4xx': { $ref: 'Error#' }, '5xx': { $ref: 'Error#' } } as const;

export const DPID_PARAM = { type: 'string', description: 'datapath id as an integer: decimal (1) or 0x-hex (0x1)', examples: ['1'] } as const;
export const params = (...names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((n) => [n, n === 'dpid' ? DPID_PARAM : { type: 'string' }])),
});
export const RYU_BODY = (description: string) => ({ type: 'object', description, additionalProperties: true });

/**
 * A GET route answering {"<dpid>": value} for the switch in `:dpid`, at `url` and, for each of
 * `optional` in turn, with one more path segment (Ryu's /stats/queue/<dpid>[/<port>[/<queue_id>]]).
 * `get` receives those segments with "ALL" read as absent, after the switch is looked up.
 * With `emptyWhenRefused`, an ERROR from the switch answers 200 with [] (Ryu's behaviour).
 */
export function ryuStatsRoute(
  app: FastifyInstance,
  deps: Pick<RestDeps, 'switches'>,
  route: { url: string; optional?: readonly string[]; summary: string; tags: string[]; emptyWhenRefused?: boolean },
  get: (conn: SwitchConnection, segments: Record<string, string | undefined>) => Promise<unknown>,
): void {
  const optional = route.optional ?? [];
  for (let n = 0; n <= optional.length; n++) {
    const names = optional.slice(0, n);
    app.get<{ Params: Record<string, string | undefined> }>([route.url, ...names.map((o) => `:${o}`)].join('/'), {
      schema: { tags: route.tags, summary: route.summary, params: params('dpid', ...names), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const segments = Object.fromEntries(optional.map((o) => [o, allOr(req.params[o])]));
        let value: unknown;
        try {
          value = await get(conn, segments);
        } catch (e) {
          // Ryu answers a read the switch refuses (a meter or queue it does not have) with [].
          if (!(route.emptyWhenRefused && e instanceof SwitchError)) throw e;
          value = [];
        }
        return sendRyu(reply, byDpid(conn, value));
      },
    });
  }
}

/**
 * POST `url` (ending in `:cmd`) for a *_MOD message: `cmd` picks the command number from
 * `commands` (404 for another), `build` makes the message from the body, and the write is
 * confirmed by a barrier (ryuWrite); `what` names it in errors ("group add").
 */
export function ryuModRoute(
  app: FastifyInstance,
  deps: Pick<RestDeps, 'switches'>,
  route: { url: string; summary: string; body: string; tags: string[] },
  what: string,
  commands: Readonly<Record<string, number>>,
  build: (b: RyuBody, command: number) => OfMessage,
): void {
  app.post<{ Params: { cmd: string }; Body: RyuBody | undefined }>(route.url, {
    schema: { tags: route.tags, summary: route.summary, params: params('cmd'), body: RYU_BODY(route.body), response: RYU_WRITE },
    handler: async (req, reply) => {
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, b.dpid);
      const command = Object.hasOwn(commands, req.params.cmd) ? commands[req.params.cmd] : undefined;
      if (command === undefined) throw new HttpError(404, 'not_found', `no such command: ${req.params.cmd} (${Object.keys(commands).join(', ')})`);
      return ryuWrite(reply, conn, [build(b, command)], `${what} ${req.params.cmd}`);
    },
  });
}
