/**
 * REST for pinned hosts, under /api/v1/apps/topology: list, pin (to a given port, or where the
 * host is now) and unpin. A pinned MAC is learned only on its port (docs/TOPOLOGY.md). Changes
 * are saved in the app's state (pin-persist.ts); the answer waits for the write.
 */
import { HttpError, saved } from '../sdk/index.js';
import type { AppRoutes, AppState } from '../sdk/index.js';
import type { TopologyServiceExt } from './api.js';
import { pinKey, pinRecord } from './pin-persist.js';
import { parsePin } from './pins.js';

const PIN = {
  type: 'object',
  required: ['mac', 'dpid', 'port'],
  properties: { mac: { type: 'string' }, dpid: { type: 'string' }, port: { type: 'integer' } },
} as const;

const PIN_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dpid: { type: ['string', 'integer'], description: 'datapath id (hex string or integer); default: where the host is now' },
    port: { type: 'integer', minimum: 1, description: 'switch port; default: where the host is now' },
  },
} as const;

export function pinRoutes(r: AppRoutes, topo: TopologyServiceExt, state: AppState): void {
  r.get('/pins', () => topo.pins(), { summary: 'Pinned hosts: MACs learned only on one port', response: { type: 'array', items: PIN } });

  r.put(
    '/pins/:mac',
    ({ params, body }) => {
      const b = (body ?? {}) as { dpid?: unknown; port?: unknown };
      let dpid = b.dpid;
      let port = b.port;
      if (dpid === undefined || port === undefined) {
        if (dpid !== undefined || port !== undefined) throw HttpError.badRequest('give both dpid and port, or neither (pin where the host is now)');
        const h = topo.host(params.mac!);
        if (!h) throw HttpError.notFound(`no host ${params.mac}: give dpid and port to pin it before it is seen`);
        [dpid, port] = [h.dpid, h.port];
      }
      let pin;
      try {
        pin = parsePin(params.mac, dpid, port);
        topo.pin(pin);
      } catch (err) {
        const msg = (err as Error).message;
        if (/full/.test(msg)) throw new HttpError(409, 'conflict', msg);
        throw HttpError.badRequest(msg, msg.split(':')[0]);
      }
      return saved(pin, state.put(pinKey(pin.mac), pinRecord(pin)));
    },
    { summary: 'Pin a MAC to a port (body { dpid, port }, or {} for where the host is now)', body: PIN_BODY, response: PIN },
  );

  r.delete('/pins/:mac', ({ params }) => {
    const mac = params.mac!.toLowerCase();
    if (!topo.unpin(mac)) throw HttpError.notFound(`${params.mac} is not pinned`);
    return saved(undefined, state.delete(pinKey(mac)));
  }, { summary: 'Unpin a MAC' });
}
