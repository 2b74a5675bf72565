/**
 * The fake network's model of set-field and dec_nw_ttl on frame bytes (test/support/rewrite.ts,
 * pipeline.ts), which the routing tests rely on.
 */
import t from 'tap';
import { buildEthernet, buildIpv4, buildIpv6, buildUdp, ETH_TYPE, IP_PROTO, parseFrame } from '../../../protocol/packet/index.js';
import { decNwTtl, flowAdd, output, setField } from '../../../apps/sdk/index.js';
import { FakeDatapath } from '../../support/fake-datapath.js';
import { framesOut, nwTtlOf, rewriteFrame } from '../../support/rewrite.js';
import { ipChecksumOk } from './lab.js';

const frame = (ttl: number) =>
  buildEthernet({ dst: '0e:00:00:00:00:01', src: '0a:00:00:00:00:07', ethType: ETH_TYPE.IPV4 }, buildIpv4({ src: '10.1.1.7', dst: '10.2.2.9', protocol: IP_PROTO.UDP, ttl }, buildUdp({ src: '10.1.1.7', dst: '10.2.2.9', srcPort: 5, dstPort: 6 }, new Uint8Array(3))));

t.test('rewriteFrame writes MACs, addresses and TTL, with a valid header checksum', async (t) => {
  const d = frame(40);
  t.equal(nwTtlOf(d), 40);
  t.equal(rewriteFrame(d, { eth_dst: '0e:00:00:00:00:01' }), d, 'nothing changed: the same array');
  const out = rewriteFrame(d, { eth_src: '02:00:00:00:00:aa', eth_dst: '0a:00:00:00:00:09', ipv4_dst: '10.2.2.10' }, 39);
  const f = parseFrame(out);
  t.same([f.eth.src, f.eth.dst, f.ipv4!.dst, f.ipv4!.ttl], ['02:00:00:00:00:aa', '0a:00:00:00:00:09', '10.2.2.10', 39]);
  t.ok(ipChecksumOk(out));
  t.equal(parseFrame(d).ipv4!.ttl, 40, 'the original is untouched');
});

t.test('dec_nw_ttl in a flow: decremented per output; TTL 1 goes to the controller as INVALID_TTL', async (t) => {
  const sw = new FakeDatapath({ datapathId: 9n, ports: [1, 2] });
  sw.tables.apply(flowAdd({ priority: 5, match: { eth_type: 0x0800 }, cookie: 0x77n, actions: [decNwTtl(), setField('eth_src', '02:00:00:00:00:aa'), output(2)] }));
  const fields = { in_port: 1, eth_type: 0x0800, eth_dst: '0e:00:00:00:00:01', eth_src: '0a:00:00:00:00:07' };
  const ok = sw.trace(fields, { nwTtl: 7 });
  t.same(ok.ports, [2]);
  t.equal(ok.outputs[0]!.nwTtl, 6);
  const [leaving] = framesOut(ok, frame(7));
  t.equal(parseFrame(leaving!.data).ipv4!.ttl, 6);
  t.equal(parseFrame(leaving!.data).eth.src, '02:00:00:00:00:aa');
  const expired = sw.trace(fields, { nwTtl: 1 });
  t.ok(expired.invalidTtl);
  t.ok(expired.toController);
  t.same(expired.ports, [], 'not forwarded');
  t.same(expired.actions.map((a) => a.type), ['decNwTtl'], 'processing stopped at the dec_nw_ttl');
  t.same(sw.trace(fields).ports, [2], 'without a TTL field the action changes nothing');
});

t.test('IPv6: dec_nw_ttl reads and writes the hop limit', async (t) => {
  const v6 = (hopLimit: number) =>
    buildEthernet({ dst: '0e:00:00:00:00:01', src: '0a:00:00:00:00:07', ethType: ETH_TYPE.IPV6 }, buildIpv6({ src: '2001:db8:1::7', dst: '2001:db8:2::9', nextHeader: IP_PROTO.UDP, hopLimit }, buildUdp({ src: '2001:db8:1::7', dst: '2001:db8:2::9', srcPort: 5, dstPort: 6 }, new Uint8Array(3))));
  const d = v6(30);
  t.equal(nwTtlOf(d), 30);
  const out = rewriteFrame(d, { eth_src: '02:00:00:00:00:aa' }, 29);
  const f = parseFrame(out);
  t.same([f.eth.src, f.ipv6!.hopLimit, f.ipv6!.dst], ['02:00:00:00:00:aa', 29, '2001:db8:2::9']);
  t.equal(parseFrame(d).ipv6!.hopLimit, 30, 'the original is untouched');
  t.equal(nwTtlOf(d.subarray(0, 30)), undefined, 'a cut IPv6 header has no hop limit');
});
