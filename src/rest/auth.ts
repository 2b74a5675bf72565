/**
 * Bearer-token check for writes. With rest.token set, every POST/PUT/PATCH/DELETE must carry
 * `Authorization: Bearer <token>`: none -> 401 (with WWW-Authenticate), a wrong one -> 403.
 * Reads stay open (monitoring, dashboards). Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const digest = (s: string) => createHash('sha256').update(s).digest();

export function authHook(token: string | null): (req: FastifyRequest) => Promise<void> {
  const want = token === null ? undefined : digest(token);
  return async (req) => {
    if (!want || !WRITES.has(req.method)) return;
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new HttpError(401, 'unauthorized', 'this write needs an Authorization: Bearer <token> header (rest.token is set)');
    if (!timingSafeEqual(digest(m[1]!), want)) throw new HttpError(403, 'forbidden', 'the bearer token is not valid');
  };
}
