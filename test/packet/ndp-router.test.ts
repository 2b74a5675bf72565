/**
 * Router solicitations and advertisements: built, decoded back field by field, checked by
 * tcpdump (an independent decoder that verifies the ICMPv6 checksum), and bad input refused.
 */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { requireCommand, tcpdump } from './support/pcap.js';

const A = '02:00:5e:00:53:0a';
const B = '02:00:5e:00:53:0b';
const LL_B = 'fe80::5eff:fe00:530b';
const LL_A = 'fe80::5eff:fe00:530a';

const raFrame = (ra: Uint8Array) =>
  P.buildEthernet({ dst: '33:33:00:00:00:01', src: B, ethType: 0x86dd }, P.buildIpv6({ src: LL_B, dst: 'ff02::1', nextHeader: 58, hopLimit: 255 }, ra));
const rsFrame = (rs: Uint8Array, src = LL_A) =>
  P.buildEthernet({ dst: '33:33:00:00:00:02', src: A, ethType: 0x86dd }, P.buildIpv6({ src, dst: 'ff02::2', nextHeader: 58, hopLimit: 255 }, rs));

const fullRa = () =>
  P.buildRouterAdvertisement({
    routerLifetime: 1800,
    sourceMac: B,
    mtu: 1400,
    prefixes: [
      { prefix: '2001:db8:1::', prefixLength: 64, validLifetime: 86400, preferredLifetime: 14400 },
      { prefix: '2001:db8:77::', prefixLength: 48, autonomous: false, validLifetime: 600, preferredLifetime: 0 },
    ],
    src: LL_B,
    dst: 'ff02::1',
  });

t.test('router advertisement: every field decodes back', async (t) => {
  const f = P.parseFrame(raFrame(fullRa()));
  t.equal(f.error, undefined);
  t.equal(f.ipv6!.hopLimit, 255);
  const m = f.icmpv6!;
  t.same(
    { ...m, checksum: 0 },
    {
      type: 134,
      code: 0,
      checksum: 0,
      curHopLimit: 64,
      managed: false,
      otherConfig: false,
      routerLifetime: 1800,
      reachableTime: 0,
      retransTimer: 0,
      sourceLinkAddr: B,
      linkMtu: 1400,
      prefixes: [
        { prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 },
        { prefix: '2001:db8:77::', prefixLength: 48, onLink: true, autonomous: false, validLifetime: 600, preferredLifetime: 0 },
      ],
    },
  );
  const bare = P.parseFrame(raFrame(P.buildRouterAdvertisement({ routerLifetime: 0, managed: true, otherConfig: true, curHopLimit: 0, src: LL_B, dst: 'ff02::1' }))).icmpv6!;
  t.same([bare.routerLifetime, bare.managed, bare.otherConfig, bare.curHopLimit, bare.prefixes, bare.sourceLinkAddr], [0, true, true, 0, undefined, undefined], 'no options, flags set');
});

t.test('router solicitation: with and without the source link-layer option', async (t) => {
  const f = P.parseFrame(rsFrame(P.buildRouterSolicitation({ sourceMac: A, src: LL_A })));
  t.same({ ...f.icmpv6!, checksum: 0 }, { type: 133, code: 0, checksum: 0, sourceLinkAddr: A });
  const anon = P.parseFrame(rsFrame(P.buildRouterSolicitation({ src: '::' }), '::'));
  t.same({ ...anon.icmpv6!, checksum: 0 }, { type: 133, code: 0, checksum: 0 });
  t.equal(anon.ipv6!.dst, 'ff02::2');
});

t.test('tcpdump reads them and verifies the checksums', async (t) => {
  requireCommand('tcpdump');
  const [ra, rs] = tcpdump([raFrame(fullRa()), rsFrame(P.buildRouterSolicitation({ sourceMac: A, src: LL_A }))]);
  t.match(ra, /\[icmp6 sum ok\] ICMP6, router advertisement/);
  t.match(ra, /router lifetime 1800s/);
  t.match(ra, /source link-address option \(1\), length 8 \(1\): 02:00:5e:00:53:0b/);
  t.match(ra, /mtu option \(5\), length 8 \(1\):\s+1400/);
  t.match(ra, /2001:db8:1::\/64, Flags \[onlink, auto\], valid time 86400s, pref\. time 14400s/);
  t.match(ra, /2001:db8:77::\/48, Flags \[onlink\], valid time 600s, pref\. time 0s/);
  t.match(rs, /\[icmp6 sum ok\] ICMP6, router solicitation, length 16 source link-address option \(1\), length 8 \(1\): 02:00:5e:00:53:0a/);
});

t.test('bad input is refused with a message', async (t) => {
  const base = { routerLifetime: 600, src: LL_B, dst: 'ff02::1' };
  t.throws(() => P.buildRouterAdvertisement({ ...base, routerLifetime: 9001 }), /routerLifetime/);
  t.throws(() => P.buildRouterAdvertisement({ ...base, mtu: 1000 }), /ra mtu/);
  t.throws(() => P.buildRouterAdvertisement({ ...base, prefixes: [{ prefix: '2001:db8::', prefixLength: 64, validLifetime: 10, preferredLifetime: 20 }] }), /preferredLifetime 20 exceeds validLifetime 10/);
  t.throws(() => P.buildRouterAdvertisement({ ...base, prefixes: [{ prefix: '2001:db8::', prefixLength: 129, validLifetime: 10, preferredLifetime: 5 }] }), /prefixLength/);
  t.throws(() => P.buildRouterAdvertisement({ ...base, sourceMac: 'nope' }));
  t.throws(() => P.buildRouterSolicitation({ sourceMac: A, src: '::' }), /must not carry a source link-layer address/);
});
