/**
 * Protobuf frames of the event stream, from the schema in proto/events.proto (loaded once at
 * runtime with protobufjs, so the .proto file is the one description of the wire format).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { WeftEvent } from './bus.js';

let cached: protobuf.Type | undefined;

/** proto/events.proto, found from src/rest/events/ and from dist/src/rest/events/. */
export function protoPath(): string {
  for (const rel of ['../../../proto/events.proto', '../../../../proto/events.proto']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('proto/events.proto not found next to the weft sources');
}

export function eventType(): protobuf.Type {
  cached ??= protobuf.loadSync(protoPath()).lookupType('weft.events.v1.Event');
  return cached;
}

/** The protobuf message object of an event (field names as protobufjs spells them: camelCase). */
export function toProtoObject(e: WeftEvent): Record<string, unknown> {
  const base = { seq: e.seq, timeMs: Date.parse(e.time), type: e.type };
  switch (e.type) {
    case 'switch_up':
      return { ...base, switch: { dpid: e.dpid, remoteAddress: e.remoteAddress, remotePort: e.remotePort } };
    case 'switch_down':
      return { ...base, switch: { dpid: e.dpid, reason: e.reason } };
    case 'port_added':
    case 'port_removed':
    case 'port_modified':
      return { ...base, port: { dpid: e.dpid, port: e.port, live: e.live } };
    case 'link_added':
    case 'link_removed':
      return { ...base, link: { src: e.src, dst: e.dst } };
    case 'host_moved':
      return { ...base, host: { mac: e.mac, ipv4: e.ipv4, ipv6: e.ipv6, at: e.at, from: e.from } };
    case 'host_added':
    case 'host_removed':
    case 'host_updated':
      return { ...base, host: { mac: e.mac, ipv4: e.ipv4, ipv6: e.ipv6, at: e.at } };
    case 'flow_error':
      return { ...base, flowError: { dpid: e.dpid, xid: e.xid, errorType: e.errorType, errorCode: e.errorCode, request: e.request } };
    case 'app_disabled':
    case 'app_enabled':
      return { ...base, app: { app: e.app, reason: e.reason, disables: e.disables } };
    case 'switch_reconciled': {
      const { type: _t, seq: _s, time: _time, ...body } = e;
      return { ...base, reconciled: body };
    }
  }
}

export function encodeEvent(e: WeftEvent): Uint8Array {
  const T = eventType();
  return T.encode(T.fromObject(toProtoObject(e))).finish();
}
