import t from 'tap';
import {
  copyTtlIn, copyTtlOut, decMplsTtl, decNwTtl, decodeActions, encodeActions, experimenterAction, group, output, popMpls,
  popPbb, popVlan, pushMpls, pushPbb, pushVlan, setField, setMplsTtl, setNwTtl, setQueue,
} from '../../protocol/openflow/actions.js';
import { OFPP } from '../../protocol/openflow/constants.js';
import { OFPBAC, OFPET } from '../../protocol/openflow/error-codes.js';
import type { Action } from '../../protocol/openflow/types.js';
import { Writer } from '../../protocol/wire/writer.js';
import { ofpPrint } from '../support/ofp-print.js';
import { enc, hex, ofMessage, rd, throwsCodec } from './structures-helpers.js';
import { normalize } from '../support/vectors.js';

/** Each action as the spec lays it out (type, len, body, padding) with distinct values. */
const VECTORS: [string, Action][] = [
  ['0000 0010 00000003 0000 000000000000', { type: 'output', port: 3, maxLen: 0 }],
  ['0000 0010 fffffffd ffe5 000000000000', { type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffe5 }],
  ['000b 0008 00000000', { type: 'copyTtlOut' }],
  ['000c 0008 00000000', { type: 'copyTtlIn' }],
  ['000f 0008 21 000000', { type: 'setMplsTtl', mplsTtl: 0x21 }],
  ['0010 0008 00000000', { type: 'decMplsTtl' }],
  ['0011 0008 88a8 0000', { type: 'pushVlan', ethertype: 0x88a8 }],
  ['0012 0008 00000000', { type: 'popVlan' }],
  ['0013 0008 8848 0000', { type: 'pushMpls', ethertype: 0x8848 }],
  ['0014 0008 0800 0000', { type: 'popMpls', ethertype: 0x0800 }],
  ['0015 0008 01020304', { type: 'setQueue', queueId: 0x01020304 }],
  ['0016 0008 0a0b0c0d', { type: 'group', groupId: 0x0a0b0c0d }],
  ['0017 0008 3f 000000', { type: 'setNwTtl', nwTtl: 0x3f }],
  ['0018 0008 00000000', { type: 'decNwTtl' }],
  // set_field: 4 header + OXM (4 + 6) = 14, padded to 16.
  ['0019 0010 80000606 0a1b2c3d4e5f 0000', { type: 'setField', field: { field: 'eth_dst', value: '0a:1b:2c:3d:4e:5f' } }],
  // 4 + 4 + 4 = 12, padded to 16.
  ['0019 0010 80001604 0a000001 00000000', { type: 'setField', field: { field: 'ipv4_src', value: '10.0.0.1' } }],
  // 4 + 4 + 16 = 24: no padding.
  ['0019 0018 80003610 20010db8000000000000000000000042', { type: 'setField', field: { field: 'ipv6_dst', value: '2001:db8::42' } }],
  // 4 + 4 + 1 = 9, padded to 16.
  ['0019 0010 80000e01 06 00000000000000', { type: 'setField', field: { field: 'vlan_pcp', value: 6 } }],
  // An NXM_1 register (opaque) as set_field argument survives byte for byte.
  ['0019 0010 00010004 00000005 00000000', { type: 'setField', field: { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: hex('00000005') } }],
  ['001a 0008 88e7 0000', { type: 'pushPbb', ethertype: 0x88e7 }],
  ['001b 0008 00000000', { type: 'popPbb' }],
  ['ffff 0010 00002320 0001000500000000', { type: 'experimenter', experimenter: 0x2320, data: hex('0001000500000000') }],
  ['0042 0010 aabbccdd 0102030405060708', { type: 'unknown', actionType: 0x42, body: hex('aabbccdd0102030405060708') }],
];

t.test('every action decodes from its spec layout and encodes back to the same bytes', async (t) => {
  for (const [h, a] of VECTORS) {
    const r = rd(h);
    const got = decodeActions(r);
    t.strictSame(normalize(got), normalize([a]), `decode ${a.type} ${h}`);
    t.equal(r.pos, r.end, `${a.type} consumed`);
    t.equal(enc((w) => encodeActions(w, [a])), h.replace(/\s/g, ''), `encode ${a.type}`);
  }
  // All at once: a list is the concatenation.
  const all = VECTORS.map(([h]) => h.replace(/\s/g, '')).join('');
  t.strictSame(normalize(decodeActions(rd(all))), normalize(VECTORS.map(([, a]) => a)));
  t.equal(enc((w) => encodeActions(w, VECTORS.map(([, a]) => a))), all);
  t.strictSame(decodeActions(rd('')), [], 'empty list');
});

t.test('builders make the same objects', async (t) => {
  t.strictSame(output(3), { type: 'output', port: 3, maxLen: 0 });
  t.strictSame(output(OFPP.CONTROLLER), { type: 'output', port: 0xfffffffd, maxLen: 0xffe5 }, 'to the controller: whole packet');
  t.strictSame(output(OFPP.CONTROLLER, 128), { type: 'output', port: 0xfffffffd, maxLen: 128 });
  t.strictSame(setField('vlan_vid', 0x1064), { type: 'setField', field: { field: 'vlan_vid', value: 0x1064 } });
  t.strictSame(group(7), { type: 'group', groupId: 7 });
  t.strictSame(setQueue(4), { type: 'setQueue', queueId: 4 });
  t.strictSame(pushVlan(), { type: 'pushVlan', ethertype: 0x8100 });
  t.strictSame(pushMpls(), { type: 'pushMpls', ethertype: 0x8847 });
  t.strictSame(pushPbb(), { type: 'pushPbb', ethertype: 0x88e7 });
  t.strictSame(popMpls(0x86dd), { type: 'popMpls', ethertype: 0x86dd });
  t.strictSame(setMplsTtl(3), { type: 'setMplsTtl', mplsTtl: 3 });
  t.strictSame(setNwTtl(4), { type: 'setNwTtl', nwTtl: 4 });
  t.strictSame(
    [popVlan(), popPbb(), decMplsTtl(), decNwTtl(), copyTtlIn(), copyTtlOut()].map((a) => a.type),
    ['popVlan', 'popPbb', 'decMplsTtl', 'decNwTtl', 'copyTtlIn', 'copyTtlOut'],
  );
  t.strictSame(normalize(experimenterAction(0x2320, hex('01'))), normalize({ type: 'experimenter', experimenter: 0x2320, data: hex('01') }));
});

t.test('experimenter and unknown bodies are padded to 8 on encode', async (t) => {
  t.equal(enc((w) => encodeActions(w, [experimenterAction(0x2320, hex('0102'))])), 'ffff001000002320' + '0102000000000000');
  t.equal(enc((w) => encodeActions(w, [{ type: 'unknown', actionType: 0x99, body: hex('') }])), '0099000800000000');
});

t.test('lying, short or unaligned lengths are BAD_ACTION/BAD_LEN and never loop', async (t) => {
  const bad: [string, RegExp | undefined, string][] = [
    ['0012 0000 00000000', /length 0/, 'zero length'],
    ['0012 0004 00000000', /length 4/, 'shorter than any action'],
    ['0012 000c 00000000 00000000', /length 12/, 'not a multiple of 8'],
    ['0012 0010 00000000 00000000 00000000', /popVlan action length 16, expected 8/, 'longer than its fixed size'],
    ['0000 0008 00000003', /output action length 8, expected 16/, 'output shorter than its fixed part'],
    ['0000 0010 00000003 0000', /16/, 'length beyond the data'],
    ['0012 00', /8 bytes/, 'truncated header'],
    ['0012 0008 00000000 0012', /8 bytes/, 'trailing partial action'],
    ['0019 0010 80000606 0a1b2c3d4e5f 0000 0000000000000000', undefined, 'set_field longer than its OXM by 8'],
    ['ffff 0008 0000', /8/, 'experimenter cut'],
  ];
  for (const [h, re, what] of bad) throwsCodec(t, () => decodeActions(rd(h)), OFPET.BAD_ACTION, OFPBAC.BAD_LEN, re, what);
  // A set_field with an action length of 24 but an OXM that claims to run past it.
  throwsCodec(t, () => decodeActions(rd('0019 0010 80000610 0a1b2c3d4e5f 0000 0000000000000000')), OFPET.BAD_ACTION, OFPBAC.BAD_SET_LEN, /exceeds/, 'OXM lies past the action');
  throwsCodec(t, () => decodeActions(rd('0019 0010 80000004 00000001 00000000 00')), OFPET.BAD_ACTION, OFPBAC.BAD_LEN, undefined, 'set_field then a stray byte');
  throwsCodec(t, () => decodeActions(rd('0019 0010 80000008 00000001 00000000')), OFPET.BAD_ACTION, OFPBAC.BAD_SET_LEN, /in_port length 8/, 'set_field OXM with a wrong width');
  throwsCodec(t, () => decodeActions(rd('0019 0010 80000108 00000001 ffffffff')), OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, /cannot be masked/, 'masked non-maskable');
  // The reader window bounds the list.
  throwsCodec(t, () => decodeActions(rd(hex('0000 0010 00000003 0000 000000000000'), 0, 8)), OFPET.BAD_ACTION, OFPBAC.BAD_LEN, undefined, 'window');
});

t.test('what apps get wrong is rejected with the field named', async (t) => {
  throwsCodec(t, () => enc((w) => encodeActions(w, [output(-1)])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /output port -1/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [output(2, 0x10000)])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /output maxLen 65536/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [setNwTtl(256)])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /setNwTtl nwTtl 256/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'group' } as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /group groupId undefined/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'drop' } as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_TYPE, /unknown action type "drop"/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [null as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_TYPE);
  throwsCodec(t, () => enc((w) => encodeActions(w, [setField('vlan_pcp', 9)])), OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, /vlan_pcp value 9/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [setField('ipv4_dst', '10.0.0.300')])), OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, /ipv4_dst/);
  throwsCodec(
    t,
    () => enc((w) => encodeActions(w, [{ type: 'setField', field: { field: 'eth_dst', value: '00:00:00:00:00:01', mask: 'ff:ff:ff:ff:ff:ff' } }])),
    OFPET.BAD_ACTION,
    OFPBAC.BAD_SET_ARGUMENT,
    /set_field eth_dst cannot carry a mask/,
  );
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'setField', field: { field: 'eth_dest', value: 'x' } } as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_SET_TYPE, /eth_dest/);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'setField', field: undefined } as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_SET_TYPE);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'experimenter', experimenter: 1, data: 'x' } as unknown as Action])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT);
  throwsCodec(t, () => enc((w) => encodeActions(w, [{ type: 'unknown', actionType: 0x10000, body: hex('') }])), OFPET.BAD_ACTION, OFPBAC.BAD_TYPE);
});

/** PACKET_OUT body: buffer_id none, in_port CONTROLLER, actions_len, 6 pad bytes, actions, no data. */
function packetOut(actions: Action[]): string {
  const w = new Writer();
  encodeActions(w, actions);
  const a = w.finish().toString('hex');
  const len = (a.length / 2).toString(16).padStart(4, '0');
  return ofpPrint(ofMessage(13, 0x22, `ffffffff fffffffd ${len} 000000000000 ${a}`));
}

t.test('Open vSwitch reads our actions inside a PACKET_OUT (ovs-ofctl ofp-print)', async (t) => {
  const cases: [Action[], string][] = [
    [
      [output(3), output(OFPP.CONTROLLER), group(7), setQueue(9), pushVlan(0x88a8), setField('vlan_vid', 0x1064), popVlan(), setField('eth_dst', '0a:1b:2c:3d:4e:5f')],
      'actions=output:3,CONTROLLER:65509,group:7,set_queue:9,push_vlan:0x88a8,set_field:4196->vlan_vid,pop_vlan,set_field:0a:1b:2c:3d:4e:5f->eth_dst ',
    ],
    [[setNwTtl(33), decNwTtl(), setField('ipv4_src', '10.0.0.1'), output(1)], 'actions=mod_nw_ttl:33,dec_ttl,set_field:10.0.0.1->ip_src,output:1 '],
    [[pushMpls(0x8848), setMplsTtl(9), decMplsTtl(), popMpls(0x800), output(2)], 'actions=push_mpls:0x8848,set_mpls_ttl(9),dec_mpls_ttl,pop_mpls:0x0800,output:2 '],
    [[setField('ipv6_dst', '2001:db8::42')], 'actions=set_field:2001:db8::42->ipv6_dst '],
    // Nicira resubmit (subtype 1, in_port 5) as a raw experimenter action.
    [[experimenterAction(0x2320, hex('0001 0005 00000000'))], 'actions=resubmit:5 '],
    [[{ type: 'setField', field: { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: hex('00000005') } }], 'actions=set_field:0x5->reg0 '],
  ];
  for (const [actions, text] of cases) {
    const out = packetOut(actions);
    t.ok(out.includes(text), `ofp-print shows ${text}: ${out.trim()}`);
  }
});
