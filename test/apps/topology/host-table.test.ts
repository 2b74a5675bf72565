import t from 'tap';
import { HostTable, hostInfo } from '../../../apps/topology/hosts.js';
import type { HostRecord } from '../../../apps/topology/hosts.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { arpRequestFrame, macToNumber } from '../../../protocol/packet/index.js';
import { dp, line, setup } from './setup.js';

const DP1 = '00000000000000a1';
const DP2 = '00000000000000b2';

function rec(mac: string, dpid: string, port: number, at: number): HostRecord {
  return { mac, macNum: macToNumber(mac), ipv4: [], ipv6: [], dpid, port, firstSeen: at, lastSeen: at };
}

t.test('addIp: most recent first, capped, each changed host once, moved addresses leave the old host', async (t) => {
  const table = new HostTable(10, 2, () => t.fail('no eviction'));
  const a = rec('0a:00:00:00:00:0a', DP1, 3, 100);
  const b = rec('0a:00:00:00:00:0b', DP1, 4, 110);
  table.add(a);
  table.add(b);
  const ipv4a = a.ipv4;
  t.same(table.addIp(a, '10.9.0.1', 'ipv4'), [a], 'new to a');
  t.equal(table.addIp(a, '10.9.0.1', 'ipv4'), undefined, 'already first: nothing changed, nothing allocated');
  t.same(table.addIp(a, '10.9.0.2', 'ipv4'), [a]);
  t.same(a.ipv4, ['10.9.0.2', '10.9.0.1']);
  t.same(table.addIp(a, '10.9.0.1', 'ipv4'), undefined, 'known, moved to the front: not a change');
  t.same(a.ipv4, ['10.9.0.1', '10.9.0.2']);
  t.same(table.addIp(a, '10.9.0.3', 'ipv4'), [a]);
  t.same(a.ipv4, ['10.9.0.3', '10.9.0.1'], 'capped at maxIpsPerHost, oldest dropped');
  t.equal(table.byIp('10.9.0.2'), undefined, 'the dropped address leaves the index');
  t.equal(a.ipv4, ipv4a, 'changed in place');
  const changed = table.addIp(b, '10.9.0.1', 'ipv4');
  t.same(changed, [a, b], 'the old holder first, then the new one');
  t.same(a.ipv4, ['10.9.0.3']);
  t.same(b.ipv4, ['10.9.0.1']);
  t.equal(table.byIp('10.9.0.1'), b);
  const acc = table.addIp(b, 'fe80::b', 'ipv6', [a]);
  t.same(acc, [a, b], 'appends to the given list, without duplicates');
  t.same(table.addIp(a, 'fe80::b', 'ipv6', acc), [a, b], 'a host already listed is not listed twice');
  t.same(a.ipv6, ['fe80::b']);
  t.same(b.ipv6, []);
});

t.test('hostInfo is a frozen snapshot that later changes do not reach', async (t) => {
  const table = new HostTable(10, 4, () => {});
  const a = rec('0a:00:00:00:00:0c', DP2, 7, 200);
  table.add(a);
  table.addIp(a, '10.8.0.1', 'ipv4');
  const before = hostInfo(a);
  table.addIp(a, '10.8.0.2', 'ipv4');
  table.touch(a, 260);
  table.move(a, DP1, 9);
  t.same(before, { mac: '0a:00:00:00:00:0c', ipv4: ['10.8.0.1'], ipv6: [], dpid: DP2, port: 7, firstSeen: 200, lastSeen: 200 });
  t.ok(Object.isFrozen(before) && Object.isFrozen(before.ipv4) && Object.isFrozen(before.ipv6));
  t.not(before.ipv4, a.ipv4, 'not the record array');
  t.same(hostInfo(a), { mac: '0a:00:00:00:00:0c', ipv4: ['10.8.0.2', '10.8.0.1'], ipv6: [], dpid: DP1, port: 9, firstSeen: 200, lastSeen: 260 });
  t.same(table.onPort(DP2, 7), []);
  t.same(table.onPort(DP1, 9), [a]);
});

t.test('order: sightings move a host to the hot end; eviction and idle expiry take the coldest', async (t) => {
  const evicted: string[] = [];
  const table = new HostTable(3, 4, (h) => evicted.push(h.mac));
  const [a, b, c, d] = ['0a:00:00:00:01:01', '0a:00:00:00:01:02', '0a:00:00:00:01:03', '0a:00:00:00:01:04'].map((m, i) => rec(m, DP1, i + 1, 1000 + 10 * i));
  table.add(a!);
  table.add(b!);
  table.add(c!);
  table.addIp(b!, '10.7.0.2', 'ipv4');
  table.touch(a!, 1050);
  t.same(table.all().map((h) => h.mac), [a!.mac, c!.mac, b!.mac], 'most recently seen first');
  t.same(table.idleSince(1015).map((h) => h.mac), [b!.mac], 'coldest first, stops at the first fresh one');
  t.same(table.idleSince(1021).map((h) => h.mac), [b!.mac, c!.mac]);
  t.same(table.idleSince(1100).map((h) => h.mac), [b!.mac, c!.mac, a!.mac]);
  table.add(d!);
  t.same(evicted, [b!.mac], 'the host quiet the longest');
  t.equal(table.byIp('10.7.0.2'), undefined, 'out of the IP index');
  t.same(table.onPort(DP1, 2), [], 'and of the port index');
  t.equal(table.size, 3);
  t.same(table.onSwitch(DP1).map((h) => h.mac).sort(), [a!.mac, c!.mac, d!.mac]);
  t.equal(table.switchCount(DP1), 3);
  t.equal(table.portCount(DP1, 1), 1);
  table.remove(a!);
  t.equal(table.get(a!.mac), undefined);
  t.same(table.all().map((h) => h.mac), [d!.mac, c!.mac]);
});

t.test('hostLocation: the live attachment without a copy, for any MAC case', async (t) => {
  const s = setup(line(2));
  const mac = '0a:00:00:00:00:01';
  t.equal(s.topo.hostLocation('0a:00:00:00:00:99'), undefined);
  s.clock.advance(40);
  s.arp('h1');
  const loc = s.topo.hostLocation(mac)!;
  const info = s.topo.host(mac)!;
  t.same({ dpid: loc.dpid, port: loc.port, lastSeen: loc.lastSeen }, { dpid: info.dpid, port: info.port, lastSeen: info.lastSeen });
  t.equal(loc.dpid, dp(1));
  t.equal(s.topo.hostLocation(mac.toUpperCase()), loc, 'upper case finds the same record');
  s.clock.advance(25);
  s.arp('h1');
  t.equal(loc.lastSeen, s.clock.now(), 'live: the next sighting shows');
  t.equal(s.topo.host(mac)!.lastSeen, loc.lastSeen);
});

t.test('the topology app still learns an address that moves between hosts on every sighting', async (t) => {
  // Two hosts that claim the same IPv4 address in turn (ARP: a duplicate address).
  const s = setup(line(1));
  const frame = (src: string) => arpRequestFrame({ sha: src, spa: '10.6.0.2', tpa: '10.6.0.1' });
  s.net.send('h1', frame('0a:00:00:00:06:01'));
  s.net.send('h1', frame('0a:00:00:00:06:02'));
  s.events.length = 0;
  s.net.send('h1', frame('0a:00:00:00:06:01'));
  t.same(
    s.events.map((e) => (e.type === 'hostUpdated' ? `${e.host.mac} ${e.host.ipv4.join(',')}` : e.type)),
    ['0a:00:00:00:06:02 ', '0a:00:00:00:06:01 10.6.0.2'],
  );
  t.equal(s.topo.hostByIp('10.6.0.2')?.mac, '0a:00:00:00:06:01');
  t.ok(createTopologyApp, 'module loads');
});

t.test('with refreshMs, a sighting reorders only when the last reorder is that old; idle expiry is at most that late', async (t) => {
  const table = new HostTable(10, 4, () => t.fail('no eviction'), 100);
  const a = { ...rec('0a:00:00:00:02:01', DP1, 1, 1000), orderedAt: 1000 };
  const b = { ...rec('0a:00:00:00:02:02', DP1, 2, 1010), orderedAt: 1010 };
  table.add(a);
  table.add(b);
  table.touch(a, 1050);
  t.equal(a.lastSeen, 1050, 'lastSeen is always exact');
  t.same(table.all().map((h) => h.mac), [b.mac, a.mac], 'within refreshMs: the order stays (newest first)');
  t.same(table.idleSince(1040).map((h) => h.mac), [], 'a is fresh, so the walk stops at once: b is found later');
  t.same(table.idleSince(1051).map((h) => h.mac), [a.mac, b.mac]);
  table.touch(a, 1101);
  t.same(table.all().map((h) => h.mac), [a.mac, b.mac], 'past refreshMs: a moves to the hot end');
  t.same(table.idleSince(1020).map((h) => h.mac), [b.mac]);
});
