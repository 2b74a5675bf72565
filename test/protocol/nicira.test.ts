import { execFileSync } from 'node:child_process';
import t from 'tap';
import { decode, encode, formatActions, formatMatch, OfCodecError } from '../../protocol/index.js';
import type { Action, Match, OfMessage } from '../../protocol/index.js';
import { decodeActions, encodeActions } from '../../protocol/openflow/actions.js';
import { OFPBAC, OFPBMC, OFPET } from '../../protocol/openflow/error-codes.js';
import { ct, ctClear, ctState, nat, nxReg, resubmit } from '../../protocol/openflow/nicira/index.js';
import { decodeOxm, encodeOxm } from '../../protocol/openflow/oxm.js';
import { Writer } from '../../protocol/wire/writer.js';
import { loadFixtures } from '../support/fixtures.js';
import { enc, rd, throwsCodec } from './structures-helpers.js';

/**
 * Open vSwitch's Nicira conntrack/NAT extensions. The golden test checks the nx-*.json fixtures
 * (bytes ovs-ofctl encoded) three ways; here: our builders produce those same bytes, our text
 * matches ovs-ofctl's, ovs-ofctl decodes what we build, and non-canonical or unknown Nicira
 * actions stay in the generic experimenter form byte for byte.
 */

const fixtures = loadFixtures().filter((f) => f.name.startsWith('nx-'));
const NONE = 0xffffffff;

const flow = (tableId: number, priority: number, cookie: bigint, match: Match, actions: Action[], xid = 6): OfMessage => ({
  type: 'flowMod', xid, cookie, cookieMask: 0n, tableId, command: 0, idleTimeout: 0, hardTimeout: 0, priority,
  bufferId: NONE, outPort: NONE, outGroup: NONE, flags: 0, match, instructions: [{ type: 'applyActions', actions }],
});

/** The fixture flows again, built with the app-facing builders. */
const built: Record<string, OfMessage> = {
  'nx-ct-commit-nat-src': flow(3, 300, 0x7an, [
    { field: 'in_port', value: 1 }, { field: 'eth_type', value: 0x0800 }, ctState('+trk+new'), { field: 'ct_zone', value: 5 },
  ], [ct({ commit: true, zone: 5, actions: [nat({ kind: 'src', addr: '203.0.113.100', ports: [1024, 65535] })] }), { type: 'output', port: 2, maxLen: 0 }]),
  'nx-ct-recirc-nat': flow(1, 210, 0x7bn, [{ field: 'eth_type', value: 0x0800 }, { field: 'ip_proto', value: 6 }, ctState('-trk')], [
    ct({ table: 4, zoneField: { header: nxReg(3), ofs: 0, nBits: 16 }, actions: [nat()] }),
  ]),
  'nx-ct-dst-nat-range': flow(4, 220, 0x7cn, [
    { field: 'eth_type', value: 0x0800 }, { field: 'ip_proto', value: 6 }, ctState('+new-est+trk'),
    { field: 'ct_mark', value: 0x2a, mask: 0xff }, { field: 'ct_label', value: 1n, mask: 0xffn },
  ], [
    ct({ commit: true, force: true, zone: 9, alg: 21, actions: [
      { type: 'setField', field: { field: 'ct_mark', value: 0x11 } },
      nat({ kind: 'dst', addr: ['192.168.1.2', '192.168.1.9'], ports: [80, 88], random: true }),
    ] }),
    resubmit(6),
    ctClear(),
  ]),
  'nx-ct-nat-ipv6-hash': flow(2, 230, 0x7dn, [{ field: 'eth_type', value: 0x86dd }, ctState('+rpl+est')], [
    ct({ commit: true, zone: 12, actions: [nat({ kind: 'src', addr: ['2001:db8::5', '2001:db8::8'], persistent: true, hash: true })] }),
    resubmit(8, 7),
  ]),
};

t.test('there are four nx fixtures, all from ovs-ofctl', async (t) => {
  t.same(fixtures.map((f) => f.name).sort(), Object.keys(built).sort());
  for (const f of fixtures) t.match(f.source, /ovs-ofctl -O OpenFlow13 add-flow/);
});

for (const f of fixtures) {
  t.test(`${f.name}: builders encode the bytes ovs-ofctl sent; text reads as ovs-ofctl's`, async (t) => {
    t.equal(encode(built[f.name]!).toString('hex'), f.hex, 'builders produce the captured bytes');
    const m = decode(f.bytes) as Extract<OfMessage, { type: 'flowMod' }>;
    const acts = (m.instructions[0] as { actions: Action[] }).actions;
    const ovsActions = / actions=(.*)$/m.exec(f.ofpPrint)![1]!;
    t.equal(formatActions(acts), ovsActions, 'formatActions equals ofp-print');
    const ctText = /ct_state=[^,\s]+/.exec(f.ofpPrint)![0];
    t.ok(formatMatch(m.match).includes(ctText), `formatMatch shows ${ctText}`);
  });
}

t.test('ovs-ofctl ofp-print decodes what we build for the NAT app', async (t) => {
  const m = flow(7, 500, 0x99n, [{ field: 'eth_type', value: 0x0800 }, { field: 'ip_proto', value: 17 }, ctState('+trk+new'), { field: 'ct_zone', value: 3 }], [
    ct({ commit: true, zone: 3, table: 8, actions: [nat({ kind: 'dst', addr: '192.168.1.2', ports: 53 })] }),
  ], 0x51);
  const out = execFileSync('ovs-ofctl', ['ofp-print', encode(m).toString('hex')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.notMatch(out, /\*\*\*/, 'no decode error');
  t.match(out, 'table:7 priority=500,ct_state=+new+trk,ct_zone=3,udp');
  t.match(out, 'actions=ct(commit,table=8,zone=3,nat(dst=192.168.1.2:53))');
});

const actionsHex = (list: Action[]) => enc((w) => encodeActions(w, list));
const decodeHexActions = (h: string) => decodeActions(rd(h));

t.test('unknown or non-canonical Nicira actions stay generic experimenter actions, byte for byte', async (t) => {
  const cases: [string, string][] = [
    // NXAST_RESUBMIT (1): no typed form.
    ['resubmit without table', 'ffff001000002320 0001 0007 00000000'],
    // nat with a non-zero pad byte after the subtype.
    ['nat with dirty pad', 'ffff001000002320 0024 0100 0000 0000'],
    // nat announcing an unknown range bit (0x40).
    ['nat with unknown range bit', 'ffff001000002320 0024 0000 0001 0040'],
    // nat whose length does not fit its ranges (ipv4 min announced, 16 bytes only... plus 8 extra).
    ['nat with extra length', 'ffff002000002320 0024 0000 0001 0001 cb007164 00000000 0000000000000000'],
    // ct whose nested action list is malformed (a 4-byte "action").
    ['ct with bad nested list', 'ffff002000002320 0023 0001 00000000 0005 ff 000000 0000 00000004 00000000'],
    // ct_clear with a dirty pad.
    ['ct_clear with dirty pad', 'ffff001000002320 002b 000000000001'],
  ];
  for (const [what, h] of cases) {
    const hexs = h.replace(/\s/g, '');
    const got = decodeHexActions(hexs);
    t.equal(got.length, 1, what);
    t.equal(got[0]!.type, 'experimenter', `${what}: generic form`);
    t.equal(actionsHex(got), hexs, `${what}: re-encodes byte for byte`);
  }
});

t.test('typed Nicira actions decode from hand-made bytes', async (t) => {
  t.strictSame(decodeHexActions('ffff001000002320002b000000000000'), [{ type: 'nxCtClear' }]);
  t.strictSame(decodeHexActions('ffff001000002320000efff8ff000000'), [{ type: 'nxResubmit', inPort: 0xfff8, table: 255 }]);
  // nat(src=10.1.2.3) with ipv4 min only and proto min only: 16 + 4 + 2 = 22 -> 24 bytes.
  t.strictSame(decodeHexActions('ffff001800002320 0024 0000 0001 0011 0a010203 0050 0000'.replace(/\s/g, '')), [
    { type: 'nxNat', flags: 1, ipv4Min: '10.1.2.3', protoMin: 80 },
  ]);
});

t.test('encoding checks every value and writes nothing on error', async (t) => {
  const bad: [Action, RegExp][] = [
    [nat({ kind: 'src', addr: '203.0.113.300' }), /ipv4Min/],
    [nat({ kind: 'src', addr: ['::1', 'nope'] }), /ipv6Max/],
    [nat({ kind: 'dst', ports: [80, 70000] }), /protoMax/],
    [ct({ zone: 0x10000 }), /zone/],
    [ct({ table: 256 }), /recircTable/],
    [{ type: 'nxResubmit', inPort: -1, table: 1 }, /inPort/],
    [{ type: 'nxNat', flags: 0x10000 }, /flags/],
    [ct({ actions: [{ type: 'output', port: -1, maxLen: 0 }] }), /port/],
  ];
  for (const [a, re] of bad) {
    const w = new Writer(64);
    w.u32(0xabcdef01);
    let err: unknown;
    try {
      encodeActions(w, [a]);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof OfCodecError, `${re} refused`);
    t.equal((err as OfCodecError).errType, OFPET.BAD_ACTION);
    t.match((err as Error).message, re);
    t.equal(w.pos, 4, `${re}: nothing written`);
  }
  t.equal((() => { try { encodeActions(new Writer(8), [nat({ ports: 99999 })]); } catch (e) { return (e as OfCodecError).code; } return -1; })(), OFPBAC.BAD_ARGUMENT);
});

t.test('ct_* match fields: NXM_1 headers, masks and ranges', async (t) => {
  t.equal(enc((w) => encodeOxm(w, { field: 'ct_zone', value: 0x1234 })), '0001d4021234');
  t.equal(enc((w) => encodeOxm(w, { field: 'ct_mark', value: 0xab })), '0001d604000000ab');
  t.equal(enc((w) => encodeOxm(w, { field: 'ct_state', value: 0x22, mask: 0x23 })), '0001d3080000002200000023');
  const label = { field: 'ct_label' as const, value: (0xfeedn << 112n) | 7n, mask: (0xffffn << 112n) | 0xffn };
  const h = enc((w) => encodeOxm(w, label));
  t.equal(h, '0001d920' + 'feed' + '0'.repeat(26) + '07' + 'ffff' + '0'.repeat(26) + 'ff');
  t.strictSame(decodeOxm(rd(h)), label);
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'ct_zone', value: 1, mask: 1 })), OFPET.BAD_MATCH, OFPBMC.BAD_MASK, /ct_zone cannot be masked/);
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'ct_label', value: 1n << 128n })), OFPET.BAD_MATCH, OFPBMC.BAD_VALUE, /ct_label/);
  throwsCodec(t, () => enc((w) => encodeOxm(w, { field: 'ct_state', value: 0x20, mask: 0x01 })), OFPET.BAD_MATCH, 5, /outside its mask/);
  // Other NXM_1 fields stay opaque.
  t.strictSame(decodeOxm(rd('0001060400000009')), { field: 'opaque', oxmClass: 1, oxmField: 3, hasMask: false, body: Uint8Array.from([0, 0, 0, 9]) });
});

t.test('ctState parses ovs-ofctl syntax and refuses typos', async (t) => {
  t.strictSame(ctState('+trk+new-est'), { field: 'ct_state', value: 0x21, mask: 0x23 });
  t.strictSame(ctState('-trk'), { field: 'ct_state', value: 0, mask: 0x20 });
  t.throws(() => ctState('+trk+nwe'), /nwe/);
  t.throws(() => ctState('trk'), /bad ct_state/);
  t.throws(() => ctState(''), /bad ct_state/);
});

