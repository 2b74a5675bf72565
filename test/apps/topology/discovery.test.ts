import t from 'tap';
import { OFPCML_NO_BUFFER, OFPFC, OFPP } from '../../../protocol/index.js';
import { LLDP_CHASSIS_SUBTYPE, LLDP_PORT_SUBTYPE, lldpFrame, parseFrame } from '../../../protocol/packet/index.js';
import { cookieAppId } from '../../../apps/sdk/cookies.js';
import { LldpSigner, WEFT_LLDP_OUI } from '../../../apps/topology/lldp.js';
import { dp, line, ring, setup } from './setup.js';

const linkText = (l: { src: { dpid: string; port: number }; dst: { dpid: string; port: number } }) =>
  `${Number.parseInt(l.src.dpid, 16)}:${l.src.port}>${Number.parseInt(l.dst.dpid, 16)}:${l.dst.port}`;

t.test('switch up: the LLDP flow, then signed LLDP out of every port', async (t) => {
  const s = setup({ switches: { 7: 3 }, links: [], connect: false });
  const sw = s.net.switches.get(7n)!;
  s.net.connect(s.host);
  const appId = s.host.apps().find((a) => a.name === 'topology')!.appId;
  const flows = sw.flows().filter((f) => cookieAppId(f.cookie) === appId);
  t.equal(flows.length, 1);
  t.match(flows[0], { priority: 65000, tableId: 0 });
  t.same(flows[0]!.match, [
    { field: 'eth_dst', value: '01:80:c2:00:00:0e' },
    { field: 'eth_type', value: 0x88cc },
  ]);
  t.same(flows[0]!.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: OFPCML_NO_BUFFER }] }]);
  t.ok(sw.sent.some((m) => m.type === 'multipartRequest' && m.body.kind === 'flow'), 'reads the switch flows first (reconciliation)');
  t.notOk(sw.sent.some((m) => m.type === 'flowMod' && m.command === OFPFC.DELETE), 'deletes nothing on a fresh switch');
  t.equal(sw.trace({ in_port: 2, eth_type: 0x88cc, eth_dst: '01:80:c2:00:00:0e' }).flows[0]!.cookie, flows[0]!.cookie, 'LLDP hits our flow, not table-miss');

  t.equal(sw.packetOuts.length, 3);
  sw.packetOuts.forEach((po, i) => {
    t.same(po.trace.ports, [i + 1]);
    t.equal(po.msg.inPort, OFPP.CONTROLLER);
    const f = parseFrame(po.msg.data);
    t.equal(f.eth.dst, '01:80:c2:00:00:0e');
    t.equal(f.eth.src, sw.info.ports.get(i + 1)!.hwAddr, 'sent from the port MAC');
    t.match(f.lldp, {
      chassisId: { subtype: LLDP_CHASSIS_SUBTYPE.LOCALLY_ASSIGNED, id: 'dpid:0000000000000007' },
      portId: { subtype: LLDP_PORT_SUBTYPE.LOCALLY_ASSIGNED, id: String(i + 1) },
      ttl: 17,
      systemName: 'weft',
    });
    t.equal(f.lldp!.orgSpecific.filter((o) => o.oui === WEFT_LLDP_OUI).length, 1, 'signed');
  });
  t.equal(s.topo.counters().lldpSent, 3);
  t.same(s.topo.switches(), [dp(7)]);
});

t.test('a line of three: links both ways, learned within the connect', async (t) => {
  const s = setup(line(3));
  t.same(s.topo.links().map(linkText), ['1:2>2:1', '2:1>1:2', '2:2>3:1', '3:1>2:2']);
  t.equal(s.topo.isEdgePort(dp(2), 1), false);
  t.equal(s.topo.isEdgePort(dp(2), 3), true);
  t.same(s.topo.linkAt(dp(2), 2), { src: { dpid: dp(2), port: 2 }, dst: { dpid: dp(3), port: 1 } });
  t.equal(s.topo.linkAt(dp(2), 3), undefined);
  t.same(s.topo.counters().lldpRefused, {});
  // A periodic round refreshes, it does not re-add.
  const v = s.topo.version;
  s.advance(5_000);
  t.equal(s.topo.links().length, 4);
  t.equal(s.topo.version, v, 'refresh is not a change');
  t.ok(s.topo.counters().lldpSent >= 2 * 9, 'a second round went out of every port');
});

t.test('a ring of four: eight directed links', async (t) => {
  const s = setup(ring(4));
  t.same(s.topo.links().map(linkText), ['1:1>2:2', '1:2>4:1', '2:1>3:2', '2:2>1:1', '3:1>4:2', '3:2>2:1', '4:1>1:2', '4:2>3:1']);
});

t.test('LLDP that is not ours creates no link', async (t) => {
  const s = setup({ switches: { 1: 2, 2: 2 }, links: [], hosts: { evil: [2n, 1] } });
  const send = (data: Uint8Array) => s.net.send('evil', data);
  const base = { src: '0a:00:00:00:00:99', ttl: 120 };
  // 1. a plain LLDP frame naming switch 1 port 1 the way we do, unsigned
  send(lldpFrame({ ...base, chassisId: { subtype: 7, id: `dpid:${dp(1)}` }, portId: { subtype: 7, id: '1' } }));
  // 2. a host's lldpd: chassis is a MAC
  send(lldpFrame({ ...base, chassisId: { subtype: 4, id: '0a:00:00:00:00:99' }, portId: { subtype: 5, id: 'eth0' } }));
  // 3. signed by another controller (another secret)
  const other = new LldpSigner(new Uint8Array(32).fill(7));
  send(other.frame(dp(1), 1, '02:00:00:00:01:01', s.clock.now(), 120));
  // 4. our signature with the bytes changed (port 1 -> 2)
  const ours = s.net.switches.get(1n)!.packetOuts.find((p) => p.trace.ports[0] === 1)!.msg.data;
  const forged = parseFrame(ours);
  send(lldpFrame({ ...base, chassisId: { subtype: 7, id: `dpid:${dp(1)}` }, portId: { subtype: 7, id: '2' }, orgSpecific: forged.lldp!.orgSpecific }));
  t.same(s.topo.links(), []);
  t.same(s.topo.counters().lldpRefused, { unsigned: 1, foreign: 1, 'bad-signature': 2 });
  t.equal(s.topo.isEdgePort(dp(2), 1), true);
});

t.test('a replayed LLDP frame of ours creates no link, now or later', async (t) => {
  const s = setup({ switches: { 1: 2, 2: 2, 3: 2 }, links: [[[1n, 1], [2n, 1]]], hosts: { evil: [3n, 1] } });
  t.equal(s.topo.links().length, 2);
  const captured = s.net.switches.get(1n)!.packetOuts.find((p) => p.trace.ports[0] === 1)!.msg.data;
  s.net.send('evil', captured);
  t.equal(s.topo.links().length, 2, 'same sequence number: refused');
  t.equal(s.topo.counters().lldpRefused.replayed, 1);
  s.clock.advance(18_000);
  s.net.send('evil', captured);
  t.equal(s.topo.counters().lldpRefused.stale, 1, 'older than the link timeout (17 s): refused');
  t.same(s.topo.links().map(linkText), ['1:1>2:1', '2:1>1:1']);
});

t.test('links expire when LLDP stops crossing them', async (t) => {
  const s = setup(line(2));
  t.equal(s.topo.links().length, 2);
  s.net.unlink([1n, 2]); // ports stay up: only LLDP can tell
  s.events.length = 0;
  s.advance(17_000);
  t.equal(s.topo.links().length, 2, 'kept for the timeout (3 x 5 s + 2 s)');
  s.advance(2_000);
  t.same(s.topo.links(), []);
  t.same(s.events.map((e) => e.type), ['linkRemoved', 'linkRemoved']);
  t.equal(s.topo.counters().linksExpired, 2);
});

t.test('port down removes its links at once; port up probes at once', async (t) => {
  const s = setup(ring(3));
  t.equal(s.topo.links().length, 6);
  s.events.length = 0;
  s.net.setLink([1n, 1], false, false); // only switch 1 reports it
  t.same(s.topo.links().map(linkText), ['1:2>3:1', '2:1>3:2', '3:1>1:2', '3:2>2:1']);
  t.same(s.events.map((e) => e.type), ['portModified', 'linkRemoved', 'linkRemoved']);
  t.match(s.events[0], { dpid: dp(1), port: 1, live: false });
  s.events.length = 0;
  const sent = s.topo.counters().lldpSent;
  s.net.setLink([1n, 1], true, false);
  t.equal(s.topo.counters().lldpSent, sent + 2, 'one probe out of the port, one answer from the peer');
  t.equal(s.topo.links().length, 6, 'relearned without waiting for a round');
  t.same(s.events.map((e) => e.type), ['portModified', 'linkAdded', 'linkAdded']);
});

t.test('port delete and switch down remove links at once', async (t) => {
  const s = setup(line(3));
  s.net.switches.get(2n)!.portStatus(1, { ...s.net.switches.get(2n)!.info.ports.get(2)! });
  t.same(s.topo.links().map(linkText), ['1:2>2:1', '2:1>1:2']);
  s.net.disconnect(1n);
  t.same(s.topo.links(), []);
  t.same(s.topo.switches(), [dp(2), dp(3)]);
  s.net.reconnect(1n);
  t.same(s.topo.links().map(linkText), ['1:2>2:1', '2:1>1:2'], 'a reconnecting switch is found again at once');
});

t.test('a recabled port drops its old peer when LLDP names a new one', async (t) => {
  const s = setup({ switches: { 1: 2, 2: 2, 3: 2 }, links: [[[1n, 1], [2n, 1]]] });
  s.net.unlink([1n, 1]);
  s.net.link([1n, 1], [3n, 1]);
  s.advance(5_000);
  t.same(s.topo.links().map(linkText), ['1:1>3:1', '3:1>1:1']);
});

t.test('a round due on many switches at once is spread over ticks, and every switch gets it', async (t) => {
  const switches: Record<number, number> = {};
  for (let i = 1; i <= 600; i++) switches[i] = 1;
  const s = setup({ switches, links: [] });
  const sent0 = s.topo.counters().lldpSent;
  t.equal(sent0, 600, 'one LLDP per switch at connect');
  // All 600 connected at the same instant, so all are due in the same tick 5 s later.
  s.advance(5_000);
  const firstTick = s.topo.counters().lldpSent - sent0;
  // 2 x 600 switches x 1000 ms / 5000 ms = 240, raised to the floor of 256 per tick.
  t.equal(firstTick, 256, 'at most the per-tick share in one tick');
  s.advance(2_000);
  t.equal(s.topo.counters().lldpSent - sent0, 600, 'the rest in the next ticks: every switch had its round');
  t.equal(s.topo.switches().length, 600);
});
