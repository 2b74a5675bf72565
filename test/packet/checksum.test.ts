import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { hexBytes, refSum } from './support/assert.js';

t.test('the RFC 1071 section 3 worked example', async (t) => {
  const b = hexBytes('0001 f203 f4f5 f6f7');
  t.equal(P.onesSum(b), 0x2ddf0, 'unfolded sum');
  t.equal(P.internetChecksum(b), 0x220d, 'complement of the folded sum 0xddf2');
  t.equal(refSum([b]), 0xddf2);
});

t.test('odd lengths pad with a zero byte; ranges and running sums compose', async (t) => {
  t.equal(P.internetChecksum(hexBytes('ab')), ~0xab00 & 0xffff);
  const b = hexBytes('4500 0073 0000 4000 2a11 0000 c0a8 0001 c0a8 00c7 ff');
  t.equal(P.onesSum(b, 0, 10) + P.onesSum(b, 10, 20), P.onesSum(b, 0, 20));
  t.equal(P.onesSum(b, 10, 20, P.onesSum(b, 0, 10)), P.onesSum(b, 0, 20));
  t.equal(P.internetChecksum(b, 0, 20), 0xce61, 'a header laid out by hand: 192.168.0.1 -> 192.168.0.199, TTL 42, UDP, DF');
  b[10] = 0xce;
  b[11] = 0x61;
  t.equal(P.internetChecksum(b, 0, 20), 0, 'a header with its checksum filled in verifies to 0');
  b[8] = 0x3f;
  t.not(P.internetChecksum(b, 0, 20), 0, 'a changed TTL no longer verifies');
  t.equal(P.finishChecksum(0xffff * 70000), 0, 'large sums fold fully');
});

t.test('pseudo-header sums match the RFC layouts written out', async (t) => {
  const s4 = P.parseIpv4('10.11.12.13');
  const d4 = P.parseIpv4('172.16.254.1');
  const hand4 = Uint8Array.from([...s4, ...d4, 0, 17, 0x01, 0x2c]);
  t.equal(P.finishChecksum(P.pseudoHeaderSum(s4, d4, 17, 300)), P.internetChecksum(hand4));
  const s6 = P.parseIpv6('2001:db8::aa');
  const d6 = P.parseIpv6('ff02::1:ff00:bb');
  const hand6 = Uint8Array.from([...s6, ...d6, 0, 1, 0x00, 0x10, 0, 0, 0, 58]);
  t.equal(P.finishChecksum(P.pseudoHeaderSum(s6, d6, 58, 0x10010)), P.internetChecksum(hand6), '32-bit upper-layer length');
  const seg = hexBytes('1f90 0050 000c 0000 6869 6a6b');
  const c = P.transportChecksum(s4, d4, 17, seg);
  seg[6] = c >> 8;
  seg[7] = c & 0xff;
  t.equal(refSum([Uint8Array.from([...s4, ...d4, 0, 17, 0, 12]), seg]), 0xffff);
  t.equal(P.checksumFor('10.11.12.13', '172.16.254.1', 17, seg), 0, 'a filled-in segment verifies to 0');
});
