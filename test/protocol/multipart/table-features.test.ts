import t from 'tap';
import { encode, OfCodecError, OFPET } from '../../../protocol/index.js';
import type { MultipartReply, TableFeatureProp, TableFeatures } from '../../../protocol/index.js';
import { fuzzMessage } from './fuzz.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex } from '../../support/vectors.js';

const OFPTFFC_BAD_LEN = 3;
const OFPTFFC_BAD_ARGUMENT = 4;

function name32(s: string): string {
  return Buffer.from(s.padEnd(32, '\0'), 'latin1').toString('hex');
}

/** Table 1: every property type once; OVS forgets later properties after an EXPERIMENTER_MISS, so it goes first. */
const table1Props = `
  ffff 000c 00abcdef 00000008 00000000                        # experimenter_miss, no data, pad 4
  0000 0018 0001 0004 0002 0004 0004 0004 ffff 0008 00002320  # instructions: goto, write_md, apply, exp 0x2320
  0001 000c 0004 0004 0005 0004 00000000                      # instructions_miss: apply, clear; pad 4
  0002 0007 02 03 04 00                                       # next_tables 2,3,4; pad 1
  0003 0005 fe 000000                                         # next_tables_miss 254; pad 3
  0004 000c 0000 0004 0016 0004 00000000                      # write_actions: output, group; pad 4
  0005 0008 0015 0004                                         # write_actions_miss: set_queue
  0006 0018 0000 0004 0011 0004 0019 0004 ffff 0008 00002320  # apply_actions: output, push_vlan, set_field, exp
  0007 0008 0012 0004                                         # apply_actions_miss: pop_vlan
  0008 0010 80000004 8000070c 80000c02                        # match: in_port, eth_dst/mask, vlan_vid
  000a 000c 80000606 80000c02 00000000                        # wildcards: eth_dst, vlan_vid; pad 4
  000c 0008 80000c02                                          # write_setfield: vlan_vid
  000d 0008 80000e01                                          # write_setfield_miss: vlan_pcp
  000e 0010 80000606 ffff0a08 4f4e4600                        # apply_setfield: eth_dst, ONF experimenter OXM
  000f 0008 80001604                                          # apply_setfield_miss: ipv4_src
  fffe 0014 00002320 00000007 00000001 00000002 00000000      # experimenter, 8 bytes of data, pad 4
  000b 0007 abcdef 00                                         # unknown type 11, 3 bytes; pad 1`;
const table1 = `
  0128 01 0000000000          # length 296, table 1, pad 5
  ${name32('classifier')}
  00000000ffff0000            # metadata_match
  00000000000000ff            # metadata_write
  00000003 00010000           # config, max_entries 65536
  ${table1Props}`;

/** Table 2: the eight properties OVS requires, some empty. */
const table2 = `
  0080 02 0000000000 ${name32('t2')}
  0000000000000000 0000000000000000 00000000 00000010
  0000 0008 0001 0004         # instructions: goto_table
  0002 0004 00000000          # next_tables: none
  0004 0004 00000000          # write_actions: none
  0006 0008 0000 0004         # apply_actions: output
  0008 0008 80000004          # match: in_port
  000a 0004 00000000          # wildcards: none
  000c 0004 00000000          # write_setfield: none
  000e 0004 00000000          # apply_setfield: none`;

const oxm = (oxmClass: number, oxmField: number, hasMask: boolean, length: number) => ({ oxmClass, oxmField, hasMask, length });

const table1Expected: TableFeatures = {
  tableId: 1,
  name: 'classifier',
  metadataMatch: 0xffff0000n,
  metadataWrite: 0xffn,
  config: 3,
  maxEntries: 65536,
  properties: [
    { type: 'experimenterMiss', experimenter: 0xabcdef, expType: 8, data: new Uint8Array(0) },
    { type: 'instructions', instructions: [{ type: 1 }, { type: 2 }, { type: 4 }, { type: 0xffff, experimenter: 0x2320 }] },
    { type: 'instructionsMiss', instructions: [{ type: 4 }, { type: 5 }] },
    { type: 'nextTables', tableIds: [2, 3, 4] },
    { type: 'nextTablesMiss', tableIds: [254] },
    { type: 'writeActions', actions: [{ type: 0 }, { type: 22 }] },
    { type: 'writeActionsMiss', actions: [{ type: 21 }] },
    { type: 'applyActions', actions: [{ type: 0 }, { type: 17 }, { type: 25 }, { type: 0xffff, experimenter: 0x2320 }] },
    { type: 'applyActionsMiss', actions: [{ type: 18 }] },
    { type: 'match', oxmIds: [oxm(0x8000, 0, false, 4), oxm(0x8000, 3, true, 12), oxm(0x8000, 6, false, 2)] },
    { type: 'wildcards', oxmIds: [oxm(0x8000, 3, false, 6), oxm(0x8000, 6, false, 2)] },
    { type: 'writeSetfield', oxmIds: [oxm(0x8000, 6, false, 2)] },
    { type: 'writeSetfieldMiss', oxmIds: [oxm(0x8000, 7, false, 1)] },
    { type: 'applySetfield', oxmIds: [oxm(0x8000, 3, false, 6), { ...oxm(0xffff, 5, false, 8), experimenter: 0x4f4e4600 }] },
    { type: 'applySetfieldMiss', oxmIds: [oxm(0x8000, 11, false, 4)] },
    { type: 'experimenter', experimenter: 0x2320, expType: 7, data: hex('00000001 00000002') },
    { type: 'unknown', propType: 11, data: hex('abcdef') },
  ],
};

const table2Expected: TableFeatures = {
  tableId: 2,
  name: 't2',
  metadataMatch: 0n,
  metadataWrite: 0n,
  config: 0,
  maxEntries: 16,
  properties: [
    { type: 'instructions', instructions: [{ type: 1 }] },
    { type: 'nextTables', tableIds: [] },
    { type: 'writeActions', actions: [] },
    { type: 'applyActions', actions: [{ type: 0 }] },
    { type: 'match', oxmIds: [oxm(0x8000, 0, false, 4)] },
    { type: 'wildcards', oxmIds: [] },
    { type: 'writeSetfield', oxmIds: [] },
    { type: 'applySetfield', oxmIds: [] },
  ],
};

t.test('TABLE_FEATURES reply with every property type', async (t) => {
  const rep = hex(`04 13 01b8 00000301  000c 0001 00000000 ${table1} ${table2}`);
  checkVector(t, rep, { type: 'multipartReply', xid: 0x301, flags: 1, body: { kind: 'tableFeatures', tables: [table1Expected, table2Expected] } });
  fuzzMessage(t, rep, 0x30de0);
  const text = ofpPrint(rep);
  t.match(text, /OFPST_TABLE_FEATURES reply \(OF1\.3\) \(xid=0x301\): flags=\[more\]/);
  t.match(text, /table 1 \("classifier"\):\s+metadata: match=0xffff0000 write=0xff\s+max_entries=65536/);
  t.match(text, /instructions \(other than table miss\):\s+next tables: 2-4\s+instructions: apply_actions write_metadata goto_table/);
  t.match(text, /Write-Actions features:\s+actions: output group\s+supported on Set-Field: vlan_vid/);
  t.match(text, /Apply-Actions features:\s+actions: output set_field push_vlan\s+supported on Set-Field: eth_dst/);
  t.match(text, /instructions \(table miss\):\s+next tables: 254\s+instructions: apply_actions clear_actions/);
  t.match(text, /actions: set_queue\s+supported on Set-Field: vlan_pcp/);
  t.match(text, /actions: strip_vlan\s+supported on Set-Field: ip_src/);
  t.match(text, /matching:\s+arbitrary mask: eth_dst\s+exact match or wildcard: vlan_vid\s+must exact match: in_port_oxm/);
  t.match(text, /table 2 \("t2"\):\s+max_entries=16/);
});

t.test('TABLE_FEATURES request: empty (query) and with tables (set)', async (t) => {
  const query = hex('04 12 0010 00000302  000c 0000 00000000');
  checkVector(t, query, { type: 'multipartRequest', xid: 0x302, flags: 0, body: { kind: 'tableFeatures', tables: [] } });
  t.match(ofpPrint(query), /OFPST_TABLE_FEATURES request \(OF1\.3\) \(xid=0x302\):\s*$/);

  const set = hex(`04 12 0090 00000303  000c 0000 00000000 ${table2}`);
  checkVector(t, set, { type: 'multipartRequest', xid: 0x303, flags: 0, body: { kind: 'tableFeatures', tables: [table2Expected] } });
  const text = ofpPrint(set);
  t.match(text, /OFPST_TABLE_FEATURES request .*\n\s+table 2 \("t2"\):\s+max_entries=16/);
  t.match(text, /must exact match: in_port_oxm/);
});

t.test('ids with bytes beyond the experimenter id are kept as data', async (t) => {
  const rep = hex(`
    04 13 0078 00000304  000c 0000 00000000
    0068 05 0000000000 ${name32('x')} 0000000000000000 0000000000000000 00000000 00000001
    0000 0014 0003 0004 ffff 000c 00002320 0000abcd 00000000   # instructions: write_actions, exp + 4 bytes; pad 4
    0006 000a 0007 0006 1122 000000000000                      # apply_actions: type 7 with 2 bytes; pad 6`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x304,
    flags: 0,
    body: {
      kind: 'tableFeatures',
      tables: [
        {
          tableId: 5,
          name: 'x',
          metadataMatch: 0n,
          metadataWrite: 0n,
          config: 0,
          maxEntries: 1,
          properties: [
            { type: 'instructions', instructions: [{ type: 3 }, { type: 0xffff, experimenter: 0x2320, data: hex('0000abcd') }] },
            { type: 'applyActions', actions: [{ type: 7, data: hex('1122') }] },
          ],
        },
      ],
    },
  });
});

t.test('lying table features lengths fail with TABLE_FEATURES_FAILED/BAD_LEN, never hang', async (t) => {
  const tf = (entry: string, len = 16 + entry.replace(/#.*$/gm, '').replace(/\s+/g, '').length / 2) =>
    hex(`04 13 ${len.toString(16).padStart(4, '0')} 00000305  000c 0000 00000000 ${entry}`);
  const bad = (entry: string, what: string) => expectCodecError(t, tf(entry), OFPET.TABLE_FEATURES_FAILED, OFPTFFC_BAD_LEN, what);
  const head = (len: string) => `${len} 02 0000000000 ${name32('t2')} 0000000000000000 0000000000000000 00000000 00000010`;

  bad(`${table2.trim().replace(/^0080/, '0000')}`, 'table length 0');
  bad(`${table2.trim().replace(/^0080/, '003f')}`, 'table length under 64');
  bad(`${table2.trim().replace(/^0080/, '0088')}`, 'table length past the message');
  bad(head('0040').slice(0, -20), 'fixed part cut short');
  bad(`${head('0048')} 0000 0000 00000000`, 'property length 0');
  bad(`${head('0048')} 0000 0003 00000000`, 'property length 3');
  bad(`${head('0048')} 0000 0010 00000000`, 'property length past the table');
  bad(`${head('0047')} 0002 0007 020304`, 'property without its padding');
  bad(`${head('0048')} 0008 0006 8000 0000`, 'OXM id cut short');
  bad(`${head('0048')} 0000 0008 0001 0002`, 'instruction id length 2');
  bad(`${head('0048')} 0000 0008 0001 0008`, 'instruction id past its property');
  bad(`${head('0048')} 0006 0008 0000 0000`, 'action id length 0');
  bad(`${head('0048')} fffe 0008 00002320`, 'experimenter property without exp_type');
  bad(`${head('0048')} 0008 0008 ffff0a08`, 'experimenter OXM id without its experimenter');
  // A second table truncated after a valid first one.
  bad(`${table2}
  0080 03`, 'trailing bytes shorter than a table');
});

t.test('encoding checks what an app builds', async (t) => {
  const msg = (prop: TableFeatureProp): MultipartReply => ({
    type: 'multipartReply',
    xid: 1,
    flags: 0,
    body: { kind: 'tableFeatures', tables: [{ ...table2Expected, properties: [prop] }] },
  });
  const code = (prop: TableFeatureProp) => {
    try {
      encode(msg(prop));
    } catch (e) {
      t.ok(e instanceof OfCodecError);
      return [(e as OfCodecError).errType, (e as OfCodecError).code];
    }
    return undefined;
  };
  t.same(code({ type: 'unknown', propType: 8, data: new Uint8Array(0) }), [OFPET.TABLE_FEATURES_FAILED, OFPTFFC_BAD_ARGUMENT], 'unknown with a known number');
  t.same(code({ type: 'match', oxmIds: [oxm(0xffff, 1, false, 4)] }), [OFPET.TABLE_FEATURES_FAILED, OFPTFFC_BAD_ARGUMENT], 'experimenter OXM id without experimenter');
  t.same(code({ type: 'match', oxmIds: [{ ...oxm(0x8000, 1, false, 4), experimenter: 5 }] }), [OFPET.TABLE_FEATURES_FAILED, OFPTFFC_BAD_ARGUMENT], 'basic OXM id with experimenter');
  t.same(code({ type: 'applyActions', actions: [{ type: 0, experimenter: 5 }] }), [OFPET.TABLE_FEATURES_FAILED, OFPTFFC_BAD_ARGUMENT], 'action id with experimenter');
});
