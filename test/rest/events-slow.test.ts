/**
 * A WebSocket client that never reads its events: once more than rest.eventsMaxBufferedBytes
 * wait to be sent to it, weft disconnects it (one warn line, a counter in /metrics) instead of
 * queueing without bound; a client that reads keeps its stream.
 */
import t from 'tap';
import WebSocket from 'ws';
import { connectEvents } from './events-client.js';
import { startFakeServer } from './ryu-fake-deps.js';

t.test('a client that never reads is disconnected at the bound; a reading one stays', async (t) => {
  const warnings: { obj: unknown; msg?: string }[] = [];
  const log = { child: () => log, debug() {}, info() {}, warn: (obj: unknown, msg?: string) => void warnings.push({ obj, msg }), error() {} };
  const limit = 256 * 1024;
  const f = await startFakeServer({}, { rest: { eventsMaxBufferedBytes: limit }, log });
  t.teardown(() => f.close());

  const slow = new WebSocket(`${f.wsBase}/api/v1/events`);
  await new Promise((resolve, reject) => slow.once('open', resolve).once('error', reject));
  // Stop reading from the socket: the kernel buffers fill, then weft's queue for this client.
  (slow as unknown as { _socket: import('node:net').Socket })._socket.pause();
  const good = await connectEvents(`${f.wsBase}/api/v1/events`);
  t.teardown(() => good.close());

  const rss0 = process.memoryUsage().rss;
  const reason = 'x'.repeat(900);
  let published = 0;
  // ~1 KB events until the slow client is cut off (the kernel takes a few MB first).
  while (f.bus.subscribers > 1) {
    // At a pace a reading client (in this same process) can follow.
    for (let i = 0; i < 100; i++) f.bus.publish({ type: 'switch_down', dpid: '00000000000000a1', reason: `${reason}${published++}` });
    await new Promise((r) => setTimeout(r, 2));
    if (published > 200_000) break;
  }
  const metric = await f.deps.metrics.registry.getSingleMetricAsString('weft_events_slow_clients_disconnected_total');
  t.match(metric, /weft_events_slow_clients_disconnected_total 1$/m, 'counted once');
  t.comment(`slow client cut off after ${published} events (~${Math.round(published / 1024)} MB); RSS delta ${Math.round((process.memoryUsage().rss - rss0) / 2 ** 20)} MB`);
  t.ok(published < 200_000, 'disconnected well before 200 MB of events');
  t.equal(f.bus.subscribers, 1, 'only the reading client is still subscribed');
  t.equal(warnings.length, 1, 'one log line');
  t.match(warnings[0], { msg: /does not keep up: disconnected \(rest\.eventsMaxBufferedBytes\)/, obj: { limit } });

  // The reading client got the events, in order, and still gets new ones.
  f.bus.publish({ type: 'switch_up', dpid: '00000000000000a1', remoteAddress: '127.0.0.1', remotePort: 1 });
  const up = JSON.parse((await good.next((m) => typeof m === 'string' && m.includes('"switch_up"'), 10_000)) as string);
  t.equal(up.type, 'switch_up');
  t.ok(good.frames.length >= published, `the reading client received all ${published} earlier events too`);
  t.match(await f.deps.metrics.registry.getSingleMetricAsString('weft_events_slow_clients_disconnected_total'), /# HELP weft_events_slow_clients_disconnected_total /, 'registered for /metrics');
  slow.terminate();
});
