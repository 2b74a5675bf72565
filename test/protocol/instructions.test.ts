import t from 'tap';
import { group, output, popVlan, pushVlan, setField } from '../../protocol/openflow/actions.js';
import { OFPBAC, OFPBIC, OFPET } from '../../protocol/openflow/error-codes.js';
import {
  applyActions, clearActions, decodeInstructions, encodeInstructions, gotoTable, meter, writeActions, writeMetadata,
} from '../../protocol/openflow/instructions.js';
import { buildMatch, encodeMatch } from '../../protocol/openflow/match.js';
import type { Instruction } from '../../protocol/openflow/types.js';
import { Writer } from '../../protocol/wire/writer.js';
import { ofpPrint } from '../support/ofp-print.js';
import { normalize } from '../support/vectors.js';
import { enc, hex, ofMessage, rd, throwsCodec } from './structures-helpers.js';

const BAD_TABLE_ID = 2;
const UNSUP_METADATA = 3;
const UNSUP_METADATA_MASK = 4;
const BAD_EXPERIMENTER = 5;

const VECTORS: [string, Instruction][] = [
  ['0001 0008 11 000000', { type: 'gotoTable', tableId: 0x11 }],
  ['0002 0018 00000000 0123456789abcdef fffffffffffff000', { type: 'writeMetadata', metadata: 0x0123456789abcdefn, metadataMask: 0xfffffffffffff000n }],
  ['0003 0018 00000000 0000 0010 00000005 0000 000000000000', { type: 'writeActions', actions: [{ type: 'output', port: 5, maxLen: 0 }] }],
  ['0004 0018 00000000 0012 0008 00000000 0016 0008 00000003', { type: 'applyActions', actions: [{ type: 'popVlan' }, { type: 'group', groupId: 3 }] }],
  ['0004 0008 00000000', { type: 'applyActions', actions: [] }],
  ['0005 0008 00000000', { type: 'clearActions' }],
  ['0006 0008 00000042', { type: 'meter', meterId: 0x42 }],
  ['ffff 0010 00002320 0102030405060708', { type: 'experimenter', experimenter: 0x2320, data: hex('0102030405060708') }],
  ['0077 0008 aabbccdd', { type: 'unknown', instructionType: 0x77, body: hex('aabbccdd') }],
];

t.test('every instruction decodes from its spec layout and encodes back to the same bytes', async (t) => {
  for (const [h, ins] of VECTORS) {
    const r = rd(h);
    t.strictSame(normalize(decodeInstructions(r)), normalize([ins]), `decode ${ins.type} ${h}`);
    t.equal(r.pos, r.end, `${ins.type} consumed`);
    t.equal(enc((w) => encodeInstructions(w, [ins])), h.replace(/\s/g, ''), `encode ${ins.type}`);
  }
  const all = VECTORS.map(([h]) => h.replace(/\s/g, '')).join('');
  t.strictSame(normalize(decodeInstructions(rd(all))), normalize(VECTORS.map(([, i]) => i)), 'a list');
  t.equal(enc((w) => encodeInstructions(w, VECTORS.map(([, i]) => i))), all);
});

t.test('builders', async (t) => {
  t.strictSame(gotoTable(3), { type: 'gotoTable', tableId: 3 });
  t.strictSame(writeMetadata(5n), { type: 'writeMetadata', metadata: 5n, metadataMask: 0xffffffffffffffffn });
  t.strictSame(writeMetadata(5n, 0xffn), { type: 'writeMetadata', metadata: 5n, metadataMask: 0xffn });
  t.strictSame(applyActions([popVlan()]), { type: 'applyActions', actions: [{ type: 'popVlan' }] });
  t.strictSame(writeActions([group(2)]), { type: 'writeActions', actions: [{ type: 'group', groupId: 2 }] });
  t.strictSame(clearActions(), { type: 'clearActions' });
  t.strictSame(meter(9), { type: 'meter', meterId: 9 });
});

t.test('lying or malformed lengths are BAD_INSTRUCTION/BAD_LEN; action errors keep BAD_ACTION', async (t) => {
  const bad: [string, RegExp | undefined, string][] = [
    ['0005 0000 00000000', /length 0/, 'zero length'],
    ['0005 0004 00000000', /length 4/, 'shorter than 8'],
    ['0004 000c 00000000 00000000', /length 12/, 'not a multiple of 8'],
    ['0001 0010 11000000 00000000 00000000', /goto_table length 16, expected 8/, 'goto_table too long'],
    ['0002 0010 00000000 0000000000000001', /write_metadata length 16, expected 24/, 'write_metadata shorter than its fixed part'],
    ['0005 0010 00000000 00000000 00000000', /clear_actions length 16/, 'clear_actions too long'],
    ['0006 0010 00000042 00000000 00000000', /meter length 16/, 'meter too long'],
    ['0004 0018 00000000 0012000800000000', /24/, 'length beyond the data'],
    ['0005 00', /8 bytes/, 'truncated'],
    ['0005 0008 00000000 0001', /8 bytes/, 'trailing partial instruction'],
  ];
  for (const [h, re, what] of bad) throwsCodec(t, () => decodeInstructions(rd(h)), OFPET.BAD_INSTRUCTION, OFPBIC.BAD_LEN, re, what);
  // An action inside apply-actions whose length runs past the instruction: the action's error.
  throwsCodec(t, () => decodeInstructions(rd('0004 0010 00000000 0012 0010 00000000 0012000800000000')), OFPET.BAD_ACTION, OFPBAC.BAD_LEN, /length 16/, 'action lies past its instruction');
  throwsCodec(t, () => decodeInstructions(rd('0004 0010 00000000 0012 0000 00000000')), OFPET.BAD_ACTION, OFPBAC.BAD_LEN, /length 0/, 'zero-length action inside');
});

t.test('what apps get wrong is rejected', async (t) => {
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [gotoTable(256)])), OFPET.BAD_INSTRUCTION, BAD_TABLE_ID, /goto_table table id 256/);
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [writeMetadata(-1n)])), OFPET.BAD_INSTRUCTION, UNSUP_METADATA, /metadata/);
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [writeMetadata(1n, 5 as unknown as bigint)])), OFPET.BAD_INSTRUCTION, UNSUP_METADATA_MASK, /mask/);
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [{ type: 'experimenter', experimenter: -2, data: hex('') }])), OFPET.BAD_INSTRUCTION, BAD_EXPERIMENTER);
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [{ type: 'goto' } as unknown as Instruction])), OFPET.BAD_INSTRUCTION, OFPBIC.UNKNOWN_INST, /"goto"/);
  throwsCodec(t, () => enc((w) => encodeInstructions(w, [applyActions([output(0x100000000)])])), OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, /output port/);
  // Experimenter data is padded to 8.
  t.equal(enc((w) => encodeInstructions(w, [{ type: 'experimenter', experimenter: 7, data: hex('aa') }])), 'ffff001000000007aa00000000000000');
});

t.test('Open vSwitch reads our instructions inside a FLOW_MOD (ovs-ofctl ofp-print)', async (t) => {
  const w = new Writer();
  // cookie 0xab, mask 0, table 1, ADD, idle 10, hard 20, priority 300, no buffer, ANY, ANY, SEND_FLOW_REM.
  w.bytes(hex('00000000000000ab 0000000000000000 01 00 000a 0014 012c ffffffff ffffffff ffffffff 0001 0000'));
  encodeMatch(w, buildMatch({ in_port: 3, eth_type: 0x800 }));
  encodeInstructions(w, [
    meter(3),
    applyActions([pushVlan(), setField('vlan_vid', 0x1064), output(7)]),
    clearActions(),
    writeActions([output(2)]),
    writeMetadata(0x5n, 0xffn),
    gotoTable(4),
  ]);
  const out = ofpPrint(ofMessage(14, 0x33, w.finish().toString('hex')));
  t.match(out, /ADD table:1 priority=300,ip,in_port=3 cookie:0xab idle:10 hard:20 send_flow_rem /);
  t.ok(
    out.includes('actions=meter:3,push_vlan:0x8100,set_field:4196->vlan_vid,output:7,clear_actions,write_actions(output:2),write_metadata:0x5/0xff,goto_table:4'),
    out,
  );
});
