#!/usr/bin/env node
// Print weft's live events: node examples/events-client.mjs [ws://127.0.0.1:8080] [--protobuf] [--types=link_added,link_removed]
// JSON frames by default; with --protobuf, binary frames decoded with proto/events.proto.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const base = args.find((a) => !a.startsWith('--')) ?? 'ws://127.0.0.1:8080';
const binary = args.includes('--protobuf');
const types = args.find((a) => a.startsWith('--types='))?.slice('--types='.length);

const url = new URL('/api/v1/events', base);
if (types) url.searchParams.set('types', types);
const Event = binary
  ? protobuf.loadSync(fileURLToPath(new URL('../proto/events.proto', import.meta.url))).lookupType('weft.events.v1.Event')
  : undefined;

const ws = new WebSocket(url, binary ? 'weft.events.v1+protobuf' : 'weft.events.v1+json');
ws.on('open', () => console.error(`connected to ${url} (${ws.protocol || 'json'})`));
ws.on('message', (data, isBinary) => {
  const event = isBinary && Event ? Event.toObject(Event.decode(data), { longs: Number }) : JSON.parse(data.toString('utf8'));
  console.log(JSON.stringify(event));
});
ws.on('close', (code, reason) => {
  console.error(`closed (${code}${reason.length ? ` ${reason}` : ''})`);
  process.exit(code === 1000 ? 0 : 1);
});
ws.on('error', (err) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
process.on('SIGINT', () => ws.close(1000));
