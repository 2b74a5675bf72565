/**
 * End to end: garbage, an HTTP request, a telnet-style probe and a broken OpenFlow header sent to
 * weft's port are each closed with one log line, and a real Open vSwitch bridge connected to the
 * same port is not disturbed: it stays connected, and Open vSwitch's own inactivity probe after
 * 5 s of silence is answered (its rconn debug log shows the probe and no disconnect).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';
import { dpidFor, dumpFlows, isConnected, requireRoot, TABLE_MISS, waitFor } from '../support/e2e.js';

requireRoot();

/** Connect, send `bytes`, and resolve once weft closes the connection (reject after timeoutMs). */
function sendAndAwaitClose(port: number, bytes: Buffer, timeoutMs = 3000): Promise<{ received: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`weft did not close the connection within ${timeoutMs} ms after ${bytes.toString('hex').slice(0, 32)}`));
    }, timeoutMs);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined); // a reset counts as closed too
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), ms: Date.now() - start });
    });
  });
}

t.test('bad peers on the OpenFlow port do not disturb a connected bridge', async (t) => {
  const ovs = await startOvs();
  t.teardown(() => ovs.stop());
  // Our own echo only after a minute of silence, so the probe seen below is Open vSwitch's.
  const weft = await startWeftProcess({ args: ['--echo-interval', '60000'] });
  t.teardown(() => weft.stop());
  const br = ovs.uniqueName('wb');
  const dpid = dpidFor(br, 2);
  await ovs.addBridge(br, { datapathType: 'dummy', datapathId: dpid, failMode: 'secure' });
  await ovs.addPort(br, `${br}a`, { type: 'dummy', ofport: 5 });
  await ovs.appctl('vlog/set', 'rconn:file:dbg');
  await ovs.vsctl('set-controller', br, `tcp:127.0.0.1:${weft.openflowPort}`);
  await ovs.vsctl('set', 'controller', br, 'inactivity_probe=5000', 'max_backoff=1000');
  await waitFor(() => isConnected(ovs, br), 10_000, `${br} is_connected`);
  await waitFor(async () => TABLE_MISS.test(await dumpFlows(ovs, br)), 5_000, 'table-miss flow');
  const log = join(ovs.dir, 'ovs-vswitchd.log');
  // Only what Open vSwitch logs after the bad peers counts as "after".
  const logFrom = readFileSync(log, 'utf8').length;
  const logSince = () => readFileSync(log, 'utf8').slice(logFrom);
  const probesStart = Date.now();

  const peers: [string, Buffer][] = [
    ['garbage', Buffer.from('de ad be ef 00 13 37 42 99 88 77 66 55 44 33 22'.replace(/ /g, ''), 'hex')],
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')],
    ['a telnet-style probe', Buffer.from('A\r\n')],
    ['an OpenFlow header with length 4', Buffer.from('04000004deadbeef', 'hex')],
  ];
  const linesBefore = weft.lines.length;
  for (const [what, bytes] of peers) {
    const { received, ms } = await sendAndAwaitClose(weft.openflowPort, bytes);
    t.ok(ms < 3000, `${what}: closed by weft after ${ms} ms`);
    // Whatever weft sent first can only be its own HELLO; never an answer to the junk.
    t.ok(received.length === 0 || received[0] === 0x04, `${what}: nothing but OpenFlow from weft (${received.toString('hex').slice(0, 40)})`);
  }
  const closeLines = await waitFor(() => {
    const ls = weft.lines.slice(linesBefore).filter((l) => l.subsystem === 'openflow' && l.dpid === undefined);
    return ls.length >= peers.length ? ls : undefined;
  }, 3_000, 'one log line per bad peer');
  t.equal(closeLines.length, peers.length, 'exactly one line per bad peer');
  t.equal(closeLines.filter((l) => /not an OpenFlow peer/.test(l.msg)).length, 3, 'garbage, HTTP and the probe are not OpenFlow peers');
  t.match(closeLines[3]?.msg, /framing|length/i, 'the short header is a framing error');
  t.ok(closeLines.every((l) => l.level === 40 || l.level === 30), 'logged at info/warn, not as errors');

  // Silence: Open vSwitch probes after 5 s idle, and would disconnect 5 s later without an answer.
  const probe = new RegExp(`${br}<->tcp:127\\.0\\.0\\.1:${weft.openflowPort}: idle \\d+ seconds, sending inactivity probe`);
  await waitFor(() => probe.test(logSince()), 12_000, 'Open vSwitch sending an inactivity probe');
  const answered = new RegExp(`${br}<->tcp:127\\.0\\.0\\.1:${weft.openflowPort}: entering ACTIVE`);
  await waitFor(() => answered.test(logSince().slice(logSince().search(probe))), 6_000, 'the probe answered (rconn back to ACTIVE)');
  const vlog = readFileSync(log, 'utf8');
  t.notMatch(vlog, /no response to inactivity probe/, 'no unanswered probe');
  t.notMatch(vlog, new RegExp(`${br}<->tcp:[^ ]+: (connection dropped|disconnecting)`), 'no disconnect');

  t.ok(await isConnected(ovs, br), 'still connected');
  // (The controller record's sec_since_connect is only refreshed on state changes: useless here.)
  const connects = vlog.match(new RegExp(`${br}<->tcp:127\\.0\\.0\\.1:${weft.openflowPort}: connected`, 'g')) ?? [];
  t.equal(connects.length, 1, `one connection all along, ${Math.round((Date.now() - probesStart) / 1000)} s and a probe after the bad peers`);
  t.notOk(weft.lines.some((l) => l.msg === 'switch down'), 'weft never saw the switch go down');
  t.equal(weft.lines.filter((l) => l.msg === 'switch up' && l.dpid === dpid).length, 1, 'one switch up');
  t.equal(await weft.stop(), 0);
});
