import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { throwsPlain } from './support/assert.js';

t.test('MAC parse/format', async (t) => {
  t.same([...P.parseMac('0A:1b:2C:3d:4E:5f')], [0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f]);
  t.equal(P.normalizeMac('0A:1B:2C:3D:4E:5F'), '0a:1b:2c:3d:4e:5f');
  t.equal(P.formatMac(Uint8Array.of(9, 0xff, 0xfe, 0x80, 1, 0x7f, 2, 3), 2), 'fe:80:01:7f:02:03');
  t.equal(P.macToNumber('12:34:56:78:9a:bc'), 0x123456789abc);
  t.equal(P.numberToMac(0xfedcba987654), 'fe:dc:ba:98:76:54');
  t.equal(P.isMulticastMac('01:80:c2:00:00:0e'), true);
  t.equal(P.isMulticastMac('02:80:c2:00:00:0e'), false);
  t.equal(P.isMac('aa:bb:cc:dd:ee'), false);
  for (const bad of ['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:ff:00', 'aa-bb-cc-dd-ee-ff', 'gg:bb:cc:dd:ee:ff', ' aa:bb:cc:dd:ee:f', 'aabb.ccdd.eeff']) {
    throwsPlain(t, () => P.parseMac(bad), /invalid MAC address/);
  }
  throwsPlain(t, () => P.parseMac(42 as unknown as string), /invalid MAC address 42/);
  throwsPlain(t, () => P.numberToMac(2 ** 48), /invalid 48-bit MAC/);
  throwsPlain(t, () => P.formatMac(new Uint8Array(5)), /need 6 bytes/);
});

t.test('IPv4 parse/format', async (t) => {
  t.equal(P.ipv4ToNumber('192.0.2.1'), 0xc0000201);
  t.equal(P.ipv4ToNumber('255.255.255.255'), 0xffffffff);
  t.equal(P.ipv4ToNumber('0.0.0.0'), 0);
  t.equal(P.numberToIpv4(0xcb0071fe), '203.0.113.254');
  t.equal(P.numberToIpv4(0x0a00ff01), '10.0.255.1');
  t.same([...P.parseIpv4('198.51.100.7')], [198, 51, 100, 7]);
  t.equal(P.formatIpv4(Uint8Array.of(0, 172, 16, 5, 4), 1), '172.16.5.4');
  t.equal(P.isIpv4('1.2.3.4'), true);
  t.equal(P.isIpv4('1.2.3'), false);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', ' 1.2.3.4', '1..3.4', '1.2.3.-4', '1.2.3.4/8', '0x1.2.3.4', '1.2.3.1000']) {
    throwsPlain(t, () => P.ipv4ToNumber(bad), /invalid IPv4 address/);
  }
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) throwsPlain(t, () => P.numberToIpv4(bad), /invalid IPv4 number/);
});

t.test('IPv6 parse', async (t) => {
  const hex = (s: string) => Buffer.from(P.parseIpv6(s)).toString('hex');
  t.equal(hex('::'), '0'.repeat(32));
  t.equal(hex('::1'), '0'.repeat(31) + '1');
  t.equal(hex('2001:DB8::8:800:200C:417A'), '20010db8000000000008080020 0c417a'.replace(' ', ''));
  t.equal(hex('2001:db8:0:0:1:0:0:1'), '20010db8000000000001000000000001');
  t.equal(hex('fe80::'), 'fe80' + '0'.repeat(28));
  t.equal(hex('1:2:3:4:5:6:7::'), '00010002000300040005000600070000');
  t.equal(hex('::2:3:4:5:6:7:8'), '00000002000300040005000600070008');
  t.equal(hex('::ffff:192.0.2.128'), '00000000000000000000ffffc0000280');
  t.equal(hex('64:ff9b::198.51.100.9'), '0064ff9b0000000000000000c6336409');
  t.equal(hex('0:0:0:0:0:ffff:10.1.2.3'), '00000000000000000000ffff0a010203');
  for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', '1:2:3:4:5:6:7:8::', '::1.2.3', '1.2.3.4::', 'fe80::1%eth0', ':1::', '1::2:', '::ffff:256.1.1.1', '1:2:3:4:5:6:7:1.2.3.4']) {
    throwsPlain(t, () => P.parseIpv6(bad), /invalid IPv6 address/);
  }
});

t.test('IPv6 format follows RFC 5952', async (t) => {
  const norm = P.normalizeIpv6;
  t.equal(norm('2001:0db8:0000:0000:0000:0000:0002:0001'), '2001:db8::2:1', 'leading zeros suppressed, run compressed');
  t.equal(norm('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  t.equal(norm('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'first of two equal runs');
  t.equal(norm('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1', 'longest run wins');
  t.equal(norm('2001:DB8::ABCD'), '2001:db8::abcd', 'lowercase');
  t.equal(norm('0:0:0:0:0:0:0:0'), '::');
  t.equal(norm('0:0:0:0:0:0:0:1'), '::1');
  t.equal(norm('1:0:0:0:0:0:0:0'), '1::');
  t.equal(norm('::ffff:c000:280'), '::ffff:192.0.2.128', 'IPv4-mapped in mixed notation');
  t.equal(P.formatIpv6(new Uint8Array(18).fill(0xab), 2), 'abab:abab:abab:abab:abab:abab:abab:abab');
  t.equal(P.formatIp(P.parseIp('10.20.30.40')), '10.20.30.40');
  t.equal(P.formatIp(P.parseIp('FE80::A')), 'fe80::a');
  t.equal(P.solicitedNodeAddress('2001:db8::12:3456:789a'), 'ff02::1:ff56:789a');
  t.equal(P.ipv6MulticastMac('ff02::1:ff56:789a'), '33:33:ff:56:78:9a');
  throwsPlain(t, () => P.parseIp('10.0.0.256'), /invalid IP address/);
});

t.test('CIDR prefixes', async (t) => {
  const c = P.parseCidr('10.1.2.3/20');
  t.same(c, { family: 4, address: '10.1.2.3', network: '10.1.0.0', prefixLength: 20, networkNum: 0x0a010000, mask: 0xfffff000 });
  t.same(P.parseCidr('0.0.0.0/0'), { family: 4, address: '0.0.0.0', network: '0.0.0.0', prefixLength: 0, networkNum: 0, mask: 0 });
  t.equal(P.parseCidr('192.0.2.9').prefixLength, 32);
  const v6 = P.parseCidr('2001:DB8:abcd:12ff::1/52');
  t.equal(v6.family, 6);
  t.equal(v6.network, '2001:db8:abcd:1000::');
  t.equal(v6.address, '2001:db8:abcd:12ff::1');
  t.equal(P.parseCidr('::/0').network, '::');
  t.equal(P.parseCidr('fe80::5').prefixLength, 128);
  t.equal(P.formatCidr('172.16.99.200', 12), '172.16.0.0/12');
  t.equal(P.formatCidr('2001:db8:80ff::9', 33), '2001:db8:8000::/33');
  t.equal(P.cidrContains('10.1.0.0/20', '10.1.15.255'), true);
  t.equal(P.cidrContains('10.1.0.0/20', '10.1.16.0'), false);
  t.equal(P.cidrContains(c, 0x0a010fff), true);
  t.equal(P.cidrContains(c, 0x0b010fff), false);
  t.equal(P.cidrContains('0.0.0.0/0', '255.1.2.3'), true);
  t.equal(P.cidrContains('10.0.0.0/8', '2001:db8::1'), false, 'other family is not contained');
  t.equal(P.cidrContains('2001:db8::/32', '10.0.0.1'), false);
  t.equal(P.cidrContains(v6, '2001:db8:abcd:1fff:ffff::'), true);
  t.equal(P.cidrContains(v6, '2001:db8:abcd:2000::'), false);
  t.equal(P.cidrContains('2001:db8::1/128', '2001:db8::1'), true);
  t.equal(P.ipv4Mask(24), 0xffffff00);
  t.equal(P.ipv4Mask(0), 0);
  t.equal(P.ipv4Mask(32), 0xffffffff);
  throwsPlain(t, () => P.parseCidr('10.0.0.1/24', { strict: true }), /host bits set \(network is 10\.0\.0\.0\/24\)/);
  throwsPlain(t, () => P.parseCidr('2001:db8::1/64', { strict: true }), /host bits set/);
  t.equal(P.parseCidr('10.0.0.0/24', { strict: true }).network, '10.0.0.0');
  for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/8/8', '::/129', '::/1.5', 'x/8', '/8']) {
    throwsPlain(t, () => P.parseCidr(bad), /invalid (CIDR prefix|prefix length)/);
  }
  throwsPlain(t, () => P.formatCidr('10.0.0.1', 33), /invalid prefix length 33/);
  throwsPlain(t, () => P.cidrContains('10.0.0.0/8', 'nope'), /invalid IP address/);
  throwsPlain(t, () => P.ipv4Mask(40), /invalid IPv4 prefix length/);
});
