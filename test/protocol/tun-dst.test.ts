import { execFileSync } from 'node:child_process';
import t from 'tap';
import { decode, encode, formatActions, formatMatch } from '../../protocol/index.js';
import type { Action, Match, OfMessage } from '../../protocol/index.js';
import { decodeActions, encodeActions } from '../../protocol/openflow/actions.js';
import { OFPBAC, OFPBMC, OFPET } from '../../protocol/openflow/error-codes.js';
import { encodeMatch } from '../../protocol/openflow/match.js';
import { loadFixtures } from '../support/fixtures.js';
import { enc, rd, throwsCodec } from './structures-helpers.js';

/**
 * The tunnel destination NXM_NX_TUN_IPV4_DST (class NXM_1 0x0001, field 32) as a match field and
 * set_field, next to tun_id (basic OXM 38). The golden test checks the tun-dst-*.json fixtures
 * (bytes `ovs-ofctl add-flow` encoded) three ways; here: ovs-ofctl reads what we build, the text
 * matches ofp-print, and bad values and lengths are refused with the right error.
 */

const fixtures = loadFixtures().filter((f) => f.name.startsWith('tun-dst-'));
const NONE = 0xffffffff;

const flow = (match: Match, actions: Action[]): OfMessage => ({
  type: 'flowMod', xid: 0x21, cookie: 0x5n, cookieMask: 0n, tableId: 2, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 300,
  bufferId: NONE, outPort: NONE, outGroup: NONE, flags: 0, match, instructions: [{ type: 'applyActions', actions }],
});

t.test('two tun_dst fixtures, both from ovs-ofctl, with tun_dst as NXM_1 field 32', async (t) => {
  t.same(fixtures.map((f) => f.name).sort(), ['tun-dst-match', 'tun-dst-set-field']);
  for (const f of fixtures) {
    t.match(f.source, /ovs-ofctl -O OpenFlow13 add-flow/);
    t.match(f.hex, /0001410[8]ac1f0000ffffff00|00014004ac1f0002/, 'the NXM_1 header 0x0001 field 32 is in the bytes');
  }
});

t.test('tun-dst-set-field: actions decode to set_field tun_id and tun_dst and print as ovs-ofctl does', async (t) => {
  const f = fixtures.find((x) => x.name === 'tun-dst-set-field')!;
  const m = decode(f.bytes) as Extract<OfMessage, { type: 'flowMod' }>;
  const acts = (m.instructions[0] as { actions: Action[] }).actions;
  t.same(acts.slice(0, 2), [
    { type: 'setField', field: { field: 'tunnel_id', value: 0x1f40n } },
    { type: 'setField', field: { field: 'tun_dst', value: '172.31.0.2' } },
  ]);
  t.match(f.ofpPrint, 'set_field:172.31.0.2->tun_dst');
  t.match(formatActions(acts), 'tun_dst');
});

t.test('tun-dst-match: a masked tun_dst decodes with its mask', async (t) => {
  const f = fixtures.find((x) => x.name === 'tun-dst-match')!;
  const m = decode(f.bytes) as Extract<OfMessage, { type: 'flowMod' }>;
  t.same(m.match.find((e) => e.field === 'tun_dst'), { field: 'tun_dst', value: '172.31.0.0', mask: '255.255.255.0' });
  t.match(formatMatch(m.match), 'tun_dst=172.31.0.0/255.255.255.0');
});

t.test('ovs-ofctl ofp-print reads the overlay flows we build', async (t) => {
  const out1 = execFileSync('ovs-ofctl', ['ofp-print', encode(flow(
    [{ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_dst', value: '10.244.3.0', mask: '255.255.255.0' }],
    [
      { type: 'setField', field: { field: 'tunnel_id', value: 4242n } },
      { type: 'setField', field: { field: 'tun_dst', value: '192.0.2.77' } },
      { type: 'output', port: 100, maxLen: 0 },
    ],
  )).toString('hex')], { encoding: 'utf8' });
  t.notMatch(out1, /\*\*\*/, 'no decode error');
  t.match(out1, 'actions=set_field:0x1092->tun_id,set_field:192.0.2.77->tun_dst,output:100');
  const out2 = execFileSync('ovs-ofctl', ['ofp-print', encode(flow(
    [{ field: 'in_port', value: 100 }, { field: 'tunnel_id', value: 4242n }, { field: 'tun_dst', value: '192.0.2.1' }],
    [{ type: 'output', port: 1, maxLen: 0 }],
  )).toString('hex')], { encoding: 'utf8' });
  t.notMatch(out2, /\*\*\*/, 'no decode error');
  t.match(out2, 'tun_id=0x1092,tun_dst=192.0.2.1,in_port=100');
});

t.test('tun_dst does not collide with basic field 32 (ipv6_nd_sll) in duplicate or prerequisite checks', async (t) => {
  // Both in one match: distinct fields, so no DUP_FIELD; tun_dst needs no ND prerequisite.
  const m: Match = [
    { field: 'eth_type', value: 0x86dd }, { field: 'ip_proto', value: 58 }, { field: 'icmpv6_type', value: 135 },
    { field: 'ipv6_nd_sll', value: '02:00:00:00:00:01' }, { field: 'tun_dst', value: '10.0.0.9' },
  ];
  t.match(enc((w) => encodeMatch(w, m)), /00014004 ?0a000009/);
  t.doesNotThrow(() => enc((w) => encodeMatch(w, [{ field: 'tun_dst', value: '10.0.0.9' }])), 'tun_dst alone needs no prerequisite');
  throwsCodec(t, () => enc((w) => encodeMatch(w, [{ field: 'tun_dst', value: '10.0.0.9' }, { field: 'tun_dst', value: '10.0.0.8' }])),
    OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, /tun_dst appears twice/);
  throwsCodec(t, () => enc((w) => encodeMatch(w, [{ field: 'ipv6_nd_sll', value: '02:00:00:00:00:01' }])),
    OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, /ipv6_nd_sll requires/, 'ipv6_nd_sll keeps its prerequisite');
});

t.test('bad tun_dst values and lengths are refused with their error codes', async (t) => {
  throwsCodec(t, () => enc((w) => encodeMatch(w, [{ field: 'tun_dst', value: '300.1.1.1' }])), OFPET.BAD_MATCH, OFPBMC.BAD_VALUE, /tun_dst value "300.1.1.1" is not an IPv4 address/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'setField', field: { field: 'tun_dst', value: 'x' } }])), OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, /tun_dst/);
  // set_field action (type 25, len 16) holding a tun_dst header with length 3.
  throwsCodec(t, () => decodeActions(rd('0019001000014003ac1f0000000000ff')), OFPET.BAD_ACTION, OFPBAC.BAD_SET_LEN, /tun_dst length 3/);
  t.same(decodeActions(rd('0019001000014004ac1f000200000000')), [{ type: 'setField', field: { field: 'tun_dst', value: '172.31.0.2' } }]);
});
