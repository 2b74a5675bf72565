/** fetch for the REST API: JSON in and out, the bearer token on writes, the error body kept. */
import { token } from './auth.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error;
    super(e?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = e?.code;
    /** The field the API names (`prefix`, `match.eth_dst`), when it names one. */
    this.field = e?.field;
  }
}

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && token()) headers.authorization = `Bearer ${token()}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path) => api('GET', path);
export const enc = encodeURIComponent;
