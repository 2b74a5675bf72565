/** Schema pieces shared by the route plugins (the Ryu-compatible plugin can reuse them too). */
import { DPID_PARAM_SCHEMA } from './dpid.js';

const ERR = { $ref: 'Error#' } as const;

/** Response schemas: the given success codes plus the error body for 4xx and 5xx. */
export function responses(ok: Record<number, object>): Record<string, object> {
  return { ...ok, '4xx': ERR, '5xx': ERR };
}

export const DPID_PARAMS = {
  type: 'object',
  required: ['dpid'],
  properties: { dpid: DPID_PARAM_SCHEMA },
} as const;

export function dpidAnd(extra: Record<string, object>): object {
  return { type: 'object', required: ['dpid', ...Object.keys(extra)], properties: { dpid: DPID_PARAM_SCHEMA, ...extra } };
}

/** Any JSON object (for loosely shaped parts of responses). */
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

export const NO_CONTENT = { 204: { type: 'null', description: 'done' } } as const;

export const OK_RESULT = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, message: { type: 'string' } },
} as const;
