/**
 * The one error body of the REST API and the mapping of every failure onto it:
 *   { "error": { "status", "code", "message", "field"?, "openflow"?: { "type", "code" }, "details"? } }
 * Validation errors (ajv) name the field; an ERROR from a switch carries its type and code names.
 */
import type { FastifyError } from 'fastify';
import { errorCodeName, errorTypeName, OfCodecError, OFPET, onf } from '../../protocol/index.js';
import type { ErrorMsg } from '../../protocol/index.js';
import { HttpError } from '../../apps/sdk/routes.js';
import { RequestError, SwitchError } from '../openflow/switch-connection.js';

export { HttpError };

/** Throw a 400 naming the offending field ("buckets[0].weight: expected ..."). */
export const bad = (field: string, msg: string): never => {
  throw new HttpError(400, 'bad_request', `${field}: ${msg}`, field);
};

export interface ErrorBody {
  error: {
    status: number;
    code: string;
    message: string;
    field?: string;
    openflow?: { type: string; code: string };
    details?: unknown;
  };
}

export function errorBody(e: HttpError): ErrorBody {
  const error: ErrorBody['error'] = { status: e.status, code: e.code, message: e.message };
  if (e.field !== undefined) error.field = e.field;
  if (e.openflow) error.openflow = e.openflow;
  if (e.details !== undefined) error.details = e.details;
  return { error };
}

/**
 * Re-throw a 400 whose field is relative (e.g. "port") as one under `prefix` ("actions[2].port").
 * The conversions name fields relative to what they parse and prefix only on failure, so the
 * bulk route builds no path strings for the 100k flows that are fine.
 */
export function prefixField(e: unknown, prefix: string): never {
  if (!(e instanceof HttpError) || e.status !== 400 || prefix === '') throw e;
  const old = e.field ?? '';
  const field = old === '' ? prefix : old.startsWith('[') ? prefix + old : `${prefix}.${old}`;
  const message = old !== '' && e.message.startsWith(`${old}:`) ? field + e.message.slice(old.length) : e.message.startsWith(': ') ? field + e.message : `${field}: ${e.message}`;
  throw new HttpError(e.status, e.code, message, field, e.openflow, e.details);
}

export function openflowNames(errType: number, code: number, experimenter?: number): { type: string; code: string } {
  // Open vSwitch's bundle errors in OpenFlow 1.3 are ONF experimenter errors (OFPET_BUNDLE_FAILED in 1.4).
  if (errType === OFPET.EXPERIMENTER) {
    const bundle = onf.onfErrorNames(experimenter, code);
    if (bundle) return bundle;
  }
  return { type: errorTypeName(errType), code: errorCodeName(errType, code) };
}

/**
 * HTTP status of a switch's refusal: 409 when the thing already exists or overlaps (the request
 * conflicts with the switch's state), 422 for every other refusal (well-formed JSON the switch
 * cannot apply: unknown group, bad table, unsupported action ...).
 */
const CONFLICTS = new Set(['OFPFMFC_OVERLAP', 'OFPGMFC_GROUP_EXISTS', 'OFPMMFC_METER_EXISTS']);

export function switchErrorToHttp(err: ErrorMsg, what: string): HttpError {
  const names = openflowNames(err.errType, err.code, err.experimenter);
  const status = CONFLICTS.has(names.code) ? 409 : 422;
  return new HttpError(status, 'switch_error', `the switch rejected the ${what}: ${names.type}/${names.code}`, undefined, names);
}

/** Field path from a codec error message ("match[2].value: expected ...") or undefined. */
function codecField(message: string): string | undefined {
  const m = /^([A-Za-z_][\w.[\]]*): /.exec(message);
  return m ? m[1] : undefined;
}

/** Any thrown value -> HttpError. */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof SwitchError) return switchErrorToHttp(e.error, e.request?.type ?? 'request');
  if (e instanceof RequestError) {
    return /no reply within/.test(e.message) ? new HttpError(504, 'switch_timeout', e.message) : new HttpError(503, 'switch_unavailable', e.message);
  }
  if (e instanceof OfCodecError) {
    return new HttpError(400, 'bad_request', e.message, codecField(e.message), openflowNames(e.errType, e.code));
  }
  const fe = e as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) return validationError(fe.validation, fe.validationContext);
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 413 ? 'payload_too_large' : fe.statusCode === 415 ? 'unsupported_media_type' : fe.statusCode === 404 ? 'not_found' : 'bad_request';
    return new HttpError(fe.statusCode, code, fe.message);
  }
  return new HttpError(500, 'internal', 'internal error (see the controller log)');
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "/flows/3/match/eth_dst" -> "flows[3].match.eth_dst". */
export function pointerToField(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function validationError(errors: AjvError[], context: string | undefined): HttpError {
  const e = errors[0]!;
  let field = pointerToField(e.instancePath);
  const extra = (e.params.missingProperty ?? e.params.additionalProperty ?? e.params.propertyName) as string | undefined;
  if (extra !== undefined) field = field ? `${field}.${extra}` : extra;
  let detail = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') detail = 'unknown field';
  else if (e.keyword === 'required') detail = 'missing';
  else if (e.keyword === 'enum') detail = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const where = context === 'querystring' ? 'query' : context === 'params' ? 'path' : (context ?? 'body');
  const label = field || where;
  return new HttpError(400, 'bad_request', `${where === 'body' ? '' : `${where} `}${label}: ${detail}`.trim(), field || undefined);
}

/** JSON schema of the error body, for every route's 4xx/5xx responses. */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['status', 'code', 'message'],
      properties: {
        status: { type: 'integer' },
        code: { type: 'string', description: 'bad_request, unauthorized, forbidden, not_found, conflict, switch_error, switch_timeout, switch_unavailable, service_unavailable, payload_too_large, internal' },
        message: { type: 'string' },
        field: { type: 'string', description: 'the offending input, e.g. match.eth_dst or flows[3].actions[0].port' },
        openflow: {
          type: 'object',
          properties: { type: { type: 'string', examples: ['OFPET_BAD_ACTION'] }, code: { type: 'string', examples: ['OFPBAC_BAD_OUT_GROUP'] } },
        },
        details: {},
      },
    },
  },
} as const;
