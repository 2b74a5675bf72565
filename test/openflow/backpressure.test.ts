import t from 'tap';
import { FakeSwitch } from '../support/fake-switch.js';
import type { OpenFlowConnection } from '../../src/openflow/connection.js';
import { sleep, startServer } from './harness.js';

/** Push ~`perTurn` bytes of echo requests per 5 ms, until the connection closes or time is up. */
async function flood(conn: OpenFlowConnection, perTurn: number, ms: number): Promise<number> {
  const data = new Uint8Array(60_000).fill(0x5a);
  const end = Date.now() + ms;
  let sent = 0;
  while (Date.now() < end && !conn.closed) {
    for (let n = 0; n < perTurn; n += data.length) {
      conn.send({ type: 'echoRequest', xid: 0, data });
      sent += data.length;
    }
    await sleep(5);
  }
  return sent;
}

t.test('a switch that stops reading is closed once the send queue exceeds maxQueuedBytes', async (t) => {
  const limit = 2 * 1024 * 1024;
  const h = await startServer(t, { maxQueuedBytes: limit, echoIntervalMs: 60_000 });
  const reader = await FakeSwitch.connect({ port: h.port, datapathId: 0xb1n });
  const wedged = await FakeSwitch.connect({ port: h.port, datapathId: 0xb2n });
  t.teardown(() => reader.destroy());
  t.teardown(() => wedged.destroy());
  const readerConn = await h.events.waitUp(0xb1n);
  const wedgedConn = await h.events.waitUp(0xb2n);
  reader.answerEcho = false;
  wedged.answerEcho = false;
  wedged.stopReading();

  const [sentReader, sentWedged] = await Promise.all([flood(readerConn, 400_000, 1500), flood(wedgedConn, 400_000, 5000)]);
  t.ok(wedgedConn.closed, `the wedged switch was closed (after ${sentWedged} bytes)`);
  t.notOk(readerConn.closed, `the reading switch stays (${sentReader} bytes sent)`);
  t.ok(sentReader > 2 * limit, 'the reading switch took more than twice the limit');
  const reason = await h.events.waitDown(wedgedConn);
  t.match(reason, /switch stopped reading: \d+ bytes queued \(limit 2097152\)/);
  const lines = h.log.lines.filter((l) => l.bindings.dpid === '00000000000000b2' && l.level === 'warn');
  t.equal(lines.length, 1, 'one warn line');
  await readerConn.barrier({ timeoutMs: 3000 });
});
