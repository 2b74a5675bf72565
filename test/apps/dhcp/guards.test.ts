/**
 * The DHCP server's guards and administration: rogue server replies dropped at the switch, the
 * per-port rate limit and its block flow, flat layer-2 pools (ARP for the server address), pool
 * and lease REST validation, bad options.
 */
import t from 'tap';
import { buildEthernet, buildIpv4, buildUdp, ETH_TYPE, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import { DHCP_OPT, DHCP_TYPE, encodeDhcp, ipOption } from '../../../apps/dhcp/wire.js';
import { arpRequestFrame } from '../../../protocol/packet/index.js';
import { createDhcpApp } from '../../../apps/dhcp/index.js';
import { makeHost } from '../../host/helpers.js';
import { clientFrame, CLIENTS, dp, lab, typeOf } from './lab.js';

t.test('a rogue server\'s OFFER from a host port is dropped at the switch', async (t) => {
  const l = lab();
  const options = new Map([[DHCP_OPT.MESSAGE_TYPE, Uint8Array.of(DHCP_TYPE.OFFER)], [DHCP_OPT.SERVER_ID, ipOption('10.0.1.66')]]);
  const msg = { op: 2, xid: 1, secs: 0, flags: 0x8000, ciaddr: '0.0.0.0', yiaddr: '10.0.1.250', siaddr: '0.0.0.0', giaddr: '0.0.0.0', chaddr: CLIENTS.c1.mac, options };
  const udp = buildUdp({ src: '10.0.1.66', dst: '255.255.255.255', srcPort: 67, dstPort: 68 }, encodeDhcp(msg));
  const frame = buildEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: CLIENTS.r.mac, ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: '10.0.1.66', dst: '255.255.255.255', protocol: IP_PROTO.UDP }, udp));
  const run = l.net.send('r', frame);
  t.same(run.delivered, {}, 'no host receives it');
  t.same(run.packetIns, {}, 'and the controller is not bothered');
  const [c1, c2] = ['c1', 'c2'].map((n) => l.net.hosts.get(n)!.received.filter((d) => parseFrame(d).udp?.srcPort === 67).length);
  t.equal(c1! + c2!, 0);
  // Its own clients' DISCOVERs never reach it either: they stop at the first switch.
  const r = l.net.send('c1', clientFrame('c1', { type: DHCP_TYPE.DISCOVER }));
  t.notOk(r.delivered.r, 'the DISCOVER is not flooded to r');
});

t.test('DHCP packet-ins over a port\'s rate are ignored and the port gets a temporary drop flow', async (t) => {
  const l = lab({ dhcp: { ratePerSec: 5, blockSec: 3 } });
  let offers = 0;
  for (let i = 0; i < 12; i++) offers += l.send('c1', clientFrame('c1', { type: DHCP_TYPE.DISCOVER, xid: i })).length;
  t.equal(offers, 5, 'the burst is answered, the rest not');
  const c = l.dhcp.counters();
  t.ok(c.rateLimited >= 1, `counted (${c.rateLimited})`);
  t.equal(c.portsBlocked, 1, 'one block');
  const block = l.net.switches.get(1n)!.flows(0).filter((f) => f.priority === 602);
  t.equal(block.length, 1, 'a drop flow for the port');
  t.equal(block[0]!.hardTimeout, 3);
  t.same(block[0]!.instructions, [], 'it drops');
  t.same(l.send('c2', clientFrame('c2', { type: DHCP_TYPE.DISCOVER })).map(typeOf), [DHCP_TYPE.OFFER], 'another port is served');
  l.advance(4_000);
  l.net.switches.get(1n)!.expire();
  t.same(l.send('c1', clientFrame('c1', { type: DHCP_TYPE.DISCOVER, xid: 99 })).map(typeOf), [DHCP_TYPE.OFFER], 'served again after the block');
});

t.test('a flat layer-2 pool: its own server address, answered in ARP', async (t) => {
  const l = lab({ dhcp: { pools: [{ subnet: '192.168.50.0/24', serverIp: '192.168.50.1', range: ['192.168.50.10', '192.168.50.20'] }] } });
  const [offer] = l.send('c2', clientFrame('c2', { type: DHCP_TYPE.DISCOVER }));
  t.equal(offer!.yiaddr, '192.168.50.10');
  t.equal(offer!.options.get(DHCP_OPT.ROUTER), undefined, 'no router');
  l.net.send('c2', arpRequestFrame({ sha: CLIENTS.c2.mac, spa: '192.168.50.10', tpa: '192.168.50.1' }));
  const replies = l.net.hosts.get('c2')!.received.map((d) => parseFrame(d)).filter((f) => f.arp?.op === 2);
  t.equal(replies.length, 1);
  t.equal(replies[0]!.arp!.sha, '0e:00:c0:a8:32:01');
});

function throwsHttp(t: { fail(m: string): void; match(a: unknown, b: unknown, m: string): void }, fn: () => unknown, want: { status: number; field?: string }, msg: string): void {
  try {
    fn();
    t.fail(`${msg}: expected an HttpError`);
  } catch (e) {
    t.match(e, want, msg);
  }
}

t.test('REST: pools validated, added (in the store), listed with use, deleted; leases listed and deleted', async (t) => {
  const l = lab();
  const bad = (body: unknown, field: string) => throwsHttp(t, () => l.host.command('dhcp', 'addPool', body), { status: 400, field }, field);
  bad({ interface: '10.0.9.1' }, 'interface');
  bad({ subnet: '10.0.5.1/24', serverIp: '10.0.5.1' }, 'subnet');
  bad({ subnet: '10.0.5.0/24' }, 'serverIp');
  bad({ subnet: '10.0.5.0/24', serverIp: '10.0.5.1', range: ['10.0.5.50', '10.0.5.10'] }, 'range');
  bad({ subnet: '10.0.5.0/24', serverIp: '10.0.5.1', reservations: [{ mac: 'zz', ip: '10.0.5.9' }] }, 'reservations[0].mac');
  bad({ subnet: '10.0.5.0/24', serverIp: '10.0.5.1', bogus: 1 }, 'bogus');
  throwsHttp(t, () => l.host.command('dhcp', 'addPool', { subnet: '10.0.1.0/25', serverIp: '10.0.1.2' }), { status: 409 }, 'overlap');
  const added = await l.host.command('dhcp', 'addPool', { subnet: '10.0.5.0/24', serverIp: '10.0.5.1', reservations: [{ mac: CLIENTS.c1.mac, ip: '10.0.5.9' }], attach: [{ dpid: dp(1n), port: 3 }] });
  t.match(added, { id: '10.0.5.0/24', serverMac: '0e:00:0a:00:05:01' });
  t.ok(l.states.get('dhcp')!.get('pools/10.0.5.0/24'), 'in the store');
  const [offer] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.DISCOVER }));
  t.equal(offer!.yiaddr, '10.0.5.9', 'the reservation wins');
  const pools = l.host.command('dhcp', 'pools', undefined) as { id: string; offered: number }[];
  t.same(pools.map((p) => [p.id, p.offered]), [['10.0.1.0/24', 0], ['10.0.2.0/24', 0], ['10.0.5.0/24', 1]]);
  await l.host.command('dhcp', 'deletePool', { id: '10.0.5.0/24' });
  t.equal((l.host.command('dhcp', 'pools', undefined) as unknown[]).length, 2);
  t.same(l.dhcp.leases(), [], 'its offers went with it');
  throwsHttp(t, () => l.host.command('dhcp', 'deleteLease', { ip: '10.0.1.100' }), { status: 404 }, 'unknown lease');
});

t.test('bad options stop the app at init, naming the key', async (t) => {
  const init = (o: Record<string, unknown>) => () => makeHost([createDhcpApp(o)]);
  t.throws(init({ pools: [{ subnet: '10.0.0.0/24', serverIp: '10.1.0.1' }] }), /dhcp option pools\[0\]: serverIp/);
  t.throws(init({ ratePerSec: 0 }), /dhcp option ratePerSec/);
  t.throws(init({ nope: 1 }), /dhcp option nope is unknown/);
});
