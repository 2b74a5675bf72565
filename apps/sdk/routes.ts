/**
 * REST routes an app can offer, mounted by weft under /api/v1/apps/<app name>. Handlers are
 * plain functions of the request's parts: they return data (sent as JSON) or throw an HttpError
 * (sent as weft's error body). No sockets, no fastify: an app's routes are tested by calling them.
 *
 *   routes(r) {
 *     r.get('/policies', () => this.policies());
 *     r.post('/policies', ({ body }) => this.addPolicy(body), { body: POLICY_SCHEMA, status: 201 });
 *     r.delete('/policies/:id', ({ params }) => this.removePolicy(params.id));
 *   }
 */

/** The parts of an HTTP request a route handler sees. */
export interface RouteRequest {
  /** Path parameters (`/policies/:id` -> { id }), always strings. */
  readonly params: Readonly<Record<string, string>>;
  /** Query string values (repeated keys become arrays). */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The parsed JSON body (undefined for GET and DELETE without one). */
  readonly body: unknown;
}

/** Returns the response data (JSON); a Promise is awaited. undefined answers 204 No Content. */
export type RouteHandler = (req: RouteRequest) => unknown;

export interface RouteOptions {
  /** JSON schema of the body: checked before the handler runs (400 naming the field). */
  body?: object;
  /** JSON schema of the response (also documents the route in /openapi.json). */
  response?: object;
  /** HTTP status of a successful answer (default 200; 204 when the handler returns undefined). */
  status?: number;
  /** One line for the OpenAPI document. */
  summary?: string;
}

export interface AppRoutes {
  get(path: string, handler: RouteHandler, opts?: RouteOptions): void;
  post(path: string, handler: RouteHandler, opts?: RouteOptions): void;
  put(path: string, handler: RouteHandler, opts?: RouteOptions): void;
  patch(path: string, handler: RouteHandler, opts?: RouteOptions): void;
  delete(path: string, handler: RouteHandler, opts?: RouteOptions): void;
}

/**
 * An error with an HTTP status, for route handlers (and weft's own REST layer). `code` is a
 * short machine name (bad_request, not_found, conflict ...); `field` names the offending input.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The OpenFlow error behind it, by name (OFPET_BAD_ACTION / OFPBAC_BAD_OUT_GROUP). */
    readonly openflow?: { type: string; code: string },
    /** Extra detail kept in the error body (e.g. per-flow errors of a bulk write). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  static badRequest(message: string, field?: string): HttpError {
    return new HttpError(400, 'bad_request', message, field);
  }
  static notFound(message: string): HttpError {
    return new HttpError(404, 'not_found', message);
  }
  static conflict(message: string): HttpError {
    return new HttpError(409, 'conflict', message);
  }
}
