/**
 * The routes of an id-keyed switch object written with a *_MOD message (groups, meters):
 * list, one (404 if absent), add (201; 409 from the switch if it exists), replace and delete,
 * every write confirmed by a barrier. Each plugin gives its names, schemas and message builder.
 */
import type { FastifyInstance } from 'fastify';
import type { OfMessage } from '../../../protocol/index.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dpidAnd, DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';
import { parseUint } from '../values.js';
import { takePersistent } from '../persist.js';
import { confirmedWrite } from '../write.js';

export interface ModResource<B, M extends OfMessage> {
  /** Singular: "group" (summaries, errors, the write's name). */
  name: string;
  /** Path segment and tag: "groups". */
  plural: string;
  /** The body field carrying the id: "groupId". */
  idField: string;
  maxId: number;
  /** Schema ids: `${schema}#` for bodies, `${schema}Out#` for answers. */
  schema: string;
  summaries: { list: string; replace: string };
  /** The add, modify and delete command numbers (OFPGC_*, OFPMC_*). */
  commands: { add: number; modify: number; delete: number };
  /** The objects as answered, sorted by id; `id` narrows the request where the switch can. */
  list(conn: SwitchConnection, id?: number): Promise<Record<string, unknown>[]>;
  /** The *_MOD message; no body for a delete. */
  mod(command: number, id: number, body: B | undefined): M;
  /** What an add or replace answers: the object as written, without counters. */
  written(mod: M): Record<string, unknown>;
  /** Keep an accepted write in the state store (persistent: false drops a stored one of the same id). */
  persist(dpid: string, mod: M, persistent: boolean): Promise<void>;
}

export function modRoutes<B extends object, M extends OfMessage>(app: FastifyInstance, deps: RestDeps, r: ModResource<B, M>): void {
  const { name, plural, idField, maxId } = r;
  const tags = [plural];
  const base = `/switches/:dpid/${plural}`;
  const idParams = dpidAnd({ id: { type: 'string', description: `${name} id` } });
  const out = { $ref: `${r.schema}Out#` };
  const bodyId = (b: B) => (b as Record<string, unknown>)[idField] as number | undefined;

  app.get<{ Params: { dpid: string } }>(base, {
    schema: { tags, summary: r.summaries.list, params: DPID_PARAMS, response: responses({ 200: { type: 'array', items: out } }) },
    handler: async (req) => r.list(lookupSwitch(deps, req.params.dpid)),
  });

  app.get<{ Params: { dpid: string; id: string } }>(`${base}/:id`, {
    schema: { tags, summary: `One ${name}`, params: idParams, response: responses({ 200: out }) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, maxId, 'id');
      const found = (await r.list(conn, id)).find((x) => x[idField] === id);
      if (!found) throw new HttpError(404, 'not_found', `switch ${conn.info.dpid} has no ${name} ${id}`);
      return found;
    },
  });

  app.post<{ Params: { dpid: string }; Body: B }>(base, {
    schema: { tags, summary: `Add a ${name} (409 if it exists)`, params: DPID_PARAMS, body: { $ref: `${r.schema}#` }, response: responses({ 201: out }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const { body: b, persistent } = takePersistent(req.body);
      const body = b as B; // the schema `${r.schema}#` checked it
      const id = bodyId(body);
      if (id === undefined) throw new HttpError(400, 'bad_request', `${idField}: missing`, idField);
      const m = r.mod(r.commands.add, id, body);
      await confirmedWrite(conn, [m], `${name} add`);
      await r.persist(conn.info.dpid, m, persistent);
      reply.code(201);
      return r.written(m);
    },
  });

  app.put<{ Params: { dpid: string; id: string }; Body: B }>(`${base}/:id`, {
    schema: { tags, summary: r.summaries.replace, params: idParams, body: { $ref: `${r.schema}#` }, response: responses({ 200: out }) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, maxId, 'id');
      const { body: b, persistent } = takePersistent(req.body);
      const body = b as B;
      const given = bodyId(body);
      if (given !== undefined && given !== id) throw new HttpError(400, 'bad_request', `${idField}: differs from the id in the path`, idField);
      const m = r.mod(r.commands.modify, id, body);
      await confirmedWrite(conn, [m], `${name} modify`);
      await r.persist(conn.info.dpid, m, persistent);
      return r.written(m);
    },
  });

  app.delete<{ Params: { dpid: string; id: string } }>(`${base}/:id`, {
    schema: { tags, summary: `Delete a ${name} (and the flows that use it)`, params: idParams, response: responses({ 204: { type: 'null' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const m = r.mod(r.commands.delete, parseUint(req.params.id, maxId, 'id'), undefined);
      await confirmedWrite(conn, [m], `${name} delete`);
      await r.persist(conn.info.dpid, m, true);
      reply.code(204);
    },
  });
}
