import t from 'tap';
import { arpRequestFrame, buildEthernet, buildIpv4, buildIpv6, buildNeighborAdvertisement, buildNeighborSolicitation, buildUdp } from '../../../protocol/packet/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { FakeDatapath } from '../../support/fake-datapath.js';
import { fieldsOf } from '../../support/fake-network.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { makeHost } from '../../host/helpers.js';
import { dp, line, setup } from './setup.js';

const H1 = '0a:00:00:00:00:01';

function udpFrom(src: string, from: string, to: string, dst = '0a:00:00:00:00:77'): Uint8Array {
  return buildEthernet({ dst, src, ethType: 0x0800 }, buildIpv4({ src: from, dst: to, protocol: 17 }, buildUdp({ srcPort: 4000, dstPort: 53, src: from, dst: to }, new Uint8Array(4))));
}

function udp6From(src: string, from: string, to: string): Uint8Array {
  return buildEthernet({ dst: '33:33:00:00:00:01', src, ethType: 0x86dd }, buildIpv6({ src: from, dst: to, nextHeader: 17 }, buildUdp({ srcPort: 546, dstPort: 547, src: from, dst: to }, new Uint8Array(2))));
}

/** A neighbour solicitation from `src` (IPv6 source `from`) asking for `target`. */
function nsFrom(src: string, from: string, target: string): Uint8Array {
  const dst = 'ff02::1:ff00:1';
  return buildEthernet({ dst: '33:33:ff:00:00:01', src, ethType: 0x86dd }, buildIpv6({ src: from, dst, nextHeader: 58, hopLimit: 255 }, buildNeighborSolicitation({ src: from, dst, target, sourceMac: from === '::' ? undefined : src })));
}

t.test('a host is learned on its edge port with its addresses', async (t) => {
  const s = setup(line(2));
  s.clock.advance(123);
  s.arp('h1', '10.0.0.2');
  const h = s.topo.host(H1);
  t.match(h, { mac: H1, dpid: dp(1), port: 3, ipv4: ['10.0.0.1'], ipv6: [] });
  t.equal(h!.firstSeen, s.clock.now());
  t.equal(s.topo.hostByIp('10.0.0.1')?.mac, H1);
  t.equal(s.topo.host(H1.toUpperCase())?.port, 3, 'MAC lookups ignore case');
  t.equal(s.topo.hostByIp('10.0.0.2'), undefined, 'the ARP target is not learned');
  s.events.length = 0;
  s.net.send('h1', nsFrom(H1, 'fe80::a:1', 'fe80::a:2'));
  s.net.send('h1', nsFrom(H1, '::', 'fe80::a:3'));
  s.net.send('h1', arpRequestFrame({ sha: H1, spa: '10.9.8.7', tpa: '10.0.0.250' }));
  t.same(s.topo.host(H1)!.ipv6, ['fe80::a:1'], 'a solicitation teaches its source, not its target; :: is not an address of anyone');
  t.same(s.topo.host(H1)!.ipv4, ['10.9.8.7', '10.0.0.1'], 'most recent first');
  t.equal(s.topo.hostByIp('FE80:0:0::A:1')?.mac, H1, 'IPv6 lookups take any spelling');
  t.same(s.events.map((e) => e.type), ['hostUpdated', 'hostUpdated']);
  t.same(s.topo.hosts().map((x) => x.mac), [H1]);
});

t.test('ordinary IPv4 and IPv6 traffic refreshes a host but claims no address (a router sends everyone\'s)', async (t) => {
  const s = setup(line(1));
  const ROUTER = H1; // h1 plays a router: it forwards others' packets with its own MAC
  s.arp('h1');
  s.events.length = 0;
  s.clock.advance(50);
  s.net.send('h1', udpFrom(ROUTER, '192.0.2.7', '10.0.0.9'));
  s.net.send('h1', udpFrom(ROUTER, '198.51.100.3', '10.0.0.9'));
  s.net.send('h1', udp6From(ROUTER, '2001:db8:99::7', 'ff02::1:2'));
  const h = s.topo.host(ROUTER)!;
  t.same([h.ipv4, h.ipv6], [['10.0.0.1'], []], 'only the ARP-announced address');
  t.equal(h.lastSeen, s.clock.now(), 'the sighting still counts');
  t.equal(s.topo.hostByIp('192.0.2.7'), undefined);
  t.equal(s.topo.hostByIp('2001:db8:99::7'), undefined);
  t.same(s.events, [], 'no event: nothing changed');
  const fresh = '0a:00:00:00:00:55';
  s.net.send('h1', udpFrom(fresh, '10.0.0.55', '10.0.0.9'));
  t.match(s.topo.host(fresh), { ipv4: [], ipv6: [] }, 'a host first seen in IPv4 traffic is learned without an address');
});

t.test('a neighbour advertisement teaches its target; an address moving to another MAC leaves the old host', async (t) => {
  const s = setup(line(2));
  const na = (target: string, targetMac: string) =>
    buildEthernet(
      { dst: '33:33:00:00:00:01', src: H1, ethType: 0x86dd },
      buildIpv6({ src: 'fe80::1', dst: 'ff02::1', nextHeader: 58, hopLimit: 255 }, buildNeighborAdvertisement({ src: 'fe80::1', dst: 'ff02::1', target, targetMac, override: true })),
    );
  s.net.send('h1', na('2001:db8::1', H1));
  t.same(s.topo.host(H1)?.ipv6, ['2001:db8::1', 'fe80::1']);
  s.net.send('h1', na('2001:db8::99', '0a:00:00:00:00:99'));
  t.equal(s.topo.hostByIp('2001:db8::99'), undefined, 'a proxy answer for another MAC is not this host');
  const claim = (mac: string) => arpRequestFrame({ sha: mac, spa: '10.0.0.1', tpa: '10.0.0.9' });
  s.net.send('h2', claim('0a:00:00:00:00:02'));
  s.net.send('h1', claim(H1));
  s.events.length = 0;
  s.net.send('h2', claim('0a:00:00:00:00:02'));
  t.equal(s.topo.hostByIp('10.0.0.1')?.mac, '0a:00:00:00:00:02');
  t.same(s.topo.host(H1)?.ipv4, []);
  t.same(
    s.events.map((e) => e.type === 'hostUpdated' && `${e.host.mac} ${e.host.ipv4.join()}`),
    [`${H1} `, '0a:00:00:00:00:02 10.0.0.1'],
    'the host that lost it is announced, then the one that took it',
  );
});

t.test('group, zero and LLDP sources are not hosts', async (t) => {
  const s = setup(line(1));
  s.net.send('h1', udpFrom('01:00:5e:00:00:01', '10.0.0.5', '10.0.0.6'));
  s.net.send('h1', udpFrom('00:00:00:00:00:00', '10.0.0.5', '10.0.0.6'));
  s.net.send('h1', udpFrom('ff:ff:ff:ff:ff:ff', '10.0.0.5', '10.0.0.6'));
  t.same(s.topo.hosts(), []);
  s.net.send('h1', udpFrom('0a:00:00:00:00:05', '10.0.0.5', '10.0.0.6'));
  t.equal(s.topo.hosts().length, 1);
});

t.test('never on a link port; hosts seen there before the link was found are dropped', async (t) => {
  const s = setup({ ...line(2), connect: false });
  const sw1 = s.net.switches.get(1n)!;
  const sw2 = s.net.switches.get(2n)!;
  s.net.connect(s.host, [1n]); // switch 2 not yet: the link 1:2-2:1 is unknown
  const frame = udpFrom('0a:00:00:00:00:42', '10.0.0.42', '10.0.0.9');
  sw1.inject(fieldsOf(frame, 2), { data: frame });
  t.match(s.topo.host('0a:00:00:00:00:42'), { dpid: dp(1), port: 2 }, 'looks like an edge port for now');
  s.events.length = 0;
  s.net.connect(s.host, [2n]);
  t.equal(s.topo.links().length, 2);
  t.equal(s.topo.host('0a:00:00:00:00:42'), undefined);
  t.same(s.events.map((e) => e.type), ['switchAdded', 'linkAdded', 'hostRemoved', 'linkAdded']);
  sw2.inject(fieldsOf(frame, 1), { data: frame });
  t.equal(s.topo.host('0a:00:00:00:00:42'), undefined, 'not learned on a link port');
  t.equal(s.topo.counters().hostsIgnored, 1);
});

t.test('a host move is an event with where it came from', async (t) => {
  const s = setup({ ...line(2), switches: { 1: 4, 2: 3 } });
  s.arp('h1');
  s.advance(8_000); // every port has settled
  s.events.length = 0;
  s.net.moveHost('h1', [1n, 4]);
  s.arp('h1');
  t.same(s.events, [{ type: 'hostMoved', host: s.topo.host(H1), from: { dpid: dp(1), port: 3 } }]);
  t.match(s.topo.host(H1), { dpid: dp(1), port: 4, ipv4: ['10.0.0.1'] });
  s.net.moveHost('h1', [2n, 2]);
  s.arp('h1');
  t.match(s.topo.host(H1), { dpid: dp(2), port: 2 });
});

t.test('a known host seen on a port that has not settled is not moved there', async (t) => {
  const s = setup(line(2));
  s.arp('h1');
  s.advance(8_000);
  s.net.addPort(2n, 9);
  s.net.moveHost('h1', [2n, 9]);
  s.events.length = 0;
  s.arp('h1');
  t.match(s.topo.host(H1), { dpid: dp(1), port: 3 }, 'could be a copy over an unknown link');
  t.same(s.events, []);
  s.advance(8_000);
  s.arp('h1');
  t.match(s.topo.host(H1), { dpid: dp(2), port: 9 }, 'after settling it moves');
});

t.test('hosts leave on idle timeout, port down and switch down', async (t) => {
  const s = setup({ ...line(2), options: { hostIdleMs: 60_000 } });
  s.arp('h1');
  s.arp('h2');
  s.advance(30_000);
  s.arp('h2');
  s.events.length = 0;
  s.advance(31_000);
  t.same(s.topo.hosts().map((h) => h.mac), ['0a:00:00:00:00:02'], 'h1 idle for 61 s');
  t.same(s.events.map((e) => e.type), ['hostRemoved']);
  t.equal(s.topo.counters().hostsExpired, 1);
  s.arp('h1');
  s.events.length = 0;
  s.net.setLink([1n, 3], false);
  t.same(s.events.map((e) => e.type), ['portModified', 'hostRemoved']);
  s.net.disconnect(2n);
  t.same(s.topo.hosts(), []);
});

t.test('options: unknown keys and bad values stop the start', async (t) => {
  const mk = (o: Record<string, unknown>) => makeHost([createTableMissApp({}), createTopologyApp({}), ], { appOptions: { topology: o } });
  t.throws(() => mk({ lldpIntervalMS: 1000 }), /topology option lldpIntervalMS is unknown/);
  t.throws(() => mk({ maxHosts: 0 }), /maxHosts: expected an integer/);
  t.throws(() => mk({ lldpIntervalMs: 10_000, linkTimeoutMs: 5_000 }), /linkTimeoutMs/);
  const { host } = mk({ lldpIntervalMs: 2_000 });
  const sw = new FakeDatapath({ datapathId: 3n, ports: [1] }).connect(host);
  t.equal(sw.packetOuts.length, 1);
});
