/**
 * GET /api/v1/events (WebSocket): the live event stream. JSON text frames by default; binary
 * protobuf frames (proto/events.proto, one Event per message) with `?format=protobuf` or the
 * subprotocol `weft.events.v1+protobuf`. `?types=link_added,link_removed` keeps only those.
 * A client that does not keep up is disconnected once more than rest.eventsMaxBufferedBytes wait
 * to be sent to it (one log line, weft_events_slow_clients_disconnected_total): its queue never
 * grows past that bound. It may reconnect; seq shows the events it missed.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { EVENT_TYPES, EventBus } from './bus.js';
import type { WeftEvent } from './bus.js';
import { encodeEvent } from './proto.js';

export const PROTOBUF_PROTOCOL = 'weft.events.v1+protobuf';
export const JSON_PROTOCOL = 'weft.events.v1+json';

interface EventsQuery {
  format?: 'json' | 'protobuf';
  types?: string;
}

export async function eventsPlugin(app: FastifyInstance, { deps, maxBuffered }: { deps: RestDeps & { events?: EventBus }; maxBuffered: number }): Promise<void> {
  const bus = deps.events ?? new EventBus();
  await app.register(websocket, {
    options: {
      maxPayload: 4096,
      // Agree to one of our subprotocols when offered; others are not echoed back.
      handleProtocols: (offered: Set<string>) => (offered.has(PROTOBUF_PROTOCOL) ? PROTOBUF_PROTOCOL : offered.has(JSON_PROTOCOL) ? JSON_PROTOCOL : false),
    },
  });

  // A route with a wsHandler (not `websocket: true`, which @fastify/websocket hides from the
  // OpenAPI document): the stream is listed in /openapi.json, and a plain GET gets a 426 that
  // says how to connect.
  app.route<{ Querystring: EventsQuery }>({
    method: 'GET',
    url: '/events',
    schema: {
      tags: ['events'],
      summary: 'Live events over a WebSocket: switch, port, link, host and flow-error (docs/EVENTS.md)',
      description: 'A WebSocket endpoint: connect with `Upgrade: websocket` (101 Switching Protocols). A plain GET is answered 426.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          format: { type: 'string', enum: ['json', 'protobuf'], description: 'frame encoding (default json; or subprotocol weft.events.v1+protobuf)' },
          types: { type: 'string', description: `comma-separated event types to keep: ${EVENT_TYPES.join(', ')}` },
        },
      },
    },
    preValidation: async (req) => {
      for (const t of req.query.types?.split(',') ?? []) {
        if (!(EVENT_TYPES as readonly string[]).includes(t.trim())) throw new HttpError(400, 'bad_request', `query types: unknown event type ${JSON.stringify(t)}`, 'types');
      }
    },
    handler: async () => {
      throw new HttpError(426, 'upgrade_required', 'GET /api/v1/events is a WebSocket: connect with Upgrade: websocket (docs/EVENTS.md)');
    },
    wsHandler: (socket: WebSocket, req) => {
      const q = req.query;
      const binary = q.format === 'protobuf' || (q.format === undefined && socket.protocol === PROTOBUF_PROTOCOL);
      const keep = q.types ? new Set(q.types.split(',').map((t) => t.trim())) : undefined;
      const send = (e: WeftEvent) => {
        if (keep && !keep.has(e.type)) return;
        if (socket.readyState !== socket.OPEN) return;
        // bufferedAmount: what ws and the socket hold for this client (the kernel's buffer is full).
        if (socket.bufferedAmount > maxBuffered) {
          off();
          deps.metrics.eventsSlowClients.inc();
          deps.log.warn({ remote: req.ip, buffered: socket.bufferedAmount, limit: maxBuffered }, 'event stream client does not keep up: disconnected (rest.eventsMaxBufferedBytes)');
          socket.terminate();
          return;
        }
        socket.send(binary ? encodeEvent(e) : JSON.stringify(e), { binary });
      };
      const off = bus.subscribe(send);
      socket.on('close', off);
      socket.on('error', off);
      // The stream is one-way: whatever the client sends is ignored.
      socket.on('message', () => {});
    },
  });
}
