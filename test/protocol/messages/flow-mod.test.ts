import t from 'tap';
import { decode, encode, OFPBIC, OFPBMC, OFPBRC, OFPET, OFPFMFC, OfCodecError } from '../../../protocol/index.js';
import type { FlowMod } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated, withLength } from '../../support/vectors.js';

const vector = hex(`
  04 0e 0090 0000010e
  0011223344556677                        # cookie
  ffffffff00000000                        # cookie_mask
  05                                      # table_id
  02                                      # command OFPFC_MODIFY_STRICT
  003c 0258                               # idle 60, hard 600
  1234                                    # priority
  00000789                                # buffer_id
  00000009                                # out_port
  0000000a                                # out_group
  0005                                    # flags SEND_FLOW_REM | RESET_COUNTS
  0000                                    # pad
  0001 001e                               # match: OFPMT_OXM, length 30
  80000004 00000001                       #   in_port 1
  80000a02 0800                           #   eth_type IPv4
  80001908 0a000000 ff000000              #   ipv4_dst 10.0.0.0/255.0.0.0
  0000                                    #   pad to 8
  0006 0008 00000011                      # meter 17
  0004 0018 00000000                      # apply_actions
  0000 0010 00000002 0000 000000000000    #   output port 2
  0002 0018 00000000                      # write_metadata
  00000000000000aa 00000000000000ff       #   metadata, mask
  0001 0008 06 000000                     # goto_table 6
`);
const msg: FlowMod = {
  type: 'flowMod',
  xid: 0x10e,
  cookie: 0x0011223344556677n,
  cookieMask: 0xffffffff00000000n,
  tableId: 5,
  command: 2,
  idleTimeout: 60,
  hardTimeout: 600,
  priority: 0x1234,
  bufferId: 0x789,
  outPort: 9,
  outGroup: 10,
  flags: 5,
  match: [
    { field: 'in_port', value: 1 },
    { field: 'eth_type', value: 0x0800 },
    { field: 'ipv4_dst', value: '10.0.0.0', mask: '255.0.0.0' },
  ],
  instructions: [
    { type: 'meter', meterId: 17 },
    { type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0 }] },
    { type: 'writeMetadata', metadata: 0xaan, metadataMask: 0xffn },
    { type: 'gotoTable', tableId: 6 },
  ],
};

t.test('FLOW_MOD: three ways and the oracle', async (t) => {
  checkVector(t, vector, msg);
  t.match(
    ofpPrint(vector),
    /OFPT_FLOW_MOD \(OF1\.3\) \(xid=0x10e\): MOD_STRICT table:5 priority=4660,ip,in_port=1,nw_dst=10\.0\.0\.0\/8 cookie:0x11223344556677\/0xffffffff00000000 idle:60 hard:600 buf:0x789 out_port:9 send_flow_rem reset_counts actions=meter:17,output:2,write_metadata:0xaa\/0xff,goto_table:6/,
  );
});

t.test('FLOW_MOD: the 56-byte minimum (empty match, no instructions)', async (t) => {
  const min = hex(`
    040e0038 00000001 0000000000000000 0000000000000000 00 04 0000 0000 8001
    ffffffff ffffffff ffffffff 0000 0000 00010004 00000000`);
  checkVector(t, min, {
    type: 'flowMod',
    xid: 1,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 4,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0x8001,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match: [],
    instructions: [],
  });
  t.match(ofpPrint(min), /OFPT_FLOW_MOD \(OF1\.3\) \(xid=0x1\): DEL_STRICT priority=32769 actions=drop/);
});

t.test('FLOW_MOD: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 55), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 56 bytes');
  const longMatch = Uint8Array.from(vector);
  longMatch[51] = 0xa0; // match length 160, beyond the message
  expectCodecError(t, longMatch, OFPET.BAD_MATCH, OFPBMC.BAD_LEN, 'match length beyond the message');
  // Drop the last 4 bytes: goto_table still claims 8.
  expectCodecError(t, withLength(vector.subarray(0, vector.length - 4)), OFPET.BAD_INSTRUCTION, OFPBIC.BAD_LEN, 'instruction cut short');
  const zeroLen = Uint8Array.from(vector);
  zeroLen[vector.length - 5] = 0x00; // goto_table length 0: must not loop
  expectCodecError(t, zeroLen, OFPET.BAD_INSTRUCTION, OFPBIC.BAD_LEN, 'instruction of length 0');
});

t.test('FLOW_MOD: encode refuses a match whose prerequisites are missing', async (t) => {
  t.throws(() => encode({ ...msg, match: [{ field: 'ipv4_dst', value: '10.0.0.1' }] }), OfCodecError);
});

t.test('FLOW_MOD: encode range-checks the head instead of wrapping', async (t) => {
  const cases: [Partial<FlowMod>, number, number][] = [
    [{ priority: 70000 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ tableId: 256 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_TABLE_ID],
    [{ command: -1 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_COMMAND],
    [{ idleTimeout: 1.5 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_TIMEOUT],
    [{ hardTimeout: 0x10000 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_TIMEOUT],
    [{ flags: 0x10000 }, OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_FLAGS],
    [{ bufferId: 2 ** 32 }, OFPET.BAD_REQUEST, OFPBRC.BUFFER_UNKNOWN],
    [{ outPort: -1 }, OFPET.BAD_REQUEST, OFPBRC.BAD_PORT],
    [{ outGroup: Number.NaN }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ cookie: 1n << 64n }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ cookieMask: -1n }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ cookie: 5 as unknown as bigint }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
    [{ priority: undefined as unknown as number }, OFPET.FLOW_MOD_FAILED, OFPFMFC.UNKNOWN],
  ];
  for (const [patch, errType, code] of cases) {
    const what = JSON.stringify(patch, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    try {
      encode({ ...msg, ...patch });
      t.fail(`${what}: encoded`);
    } catch (e) {
      t.ok(e instanceof OfCodecError, `${what}: OfCodecError`);
      t.equal((e as OfCodecError).errType, errType, `${what}: type`);
      t.equal((e as OfCodecError).code, code, `${what}: code`);
    }
  }
  // The largest values still encode.
  const max = decode(encode({ ...msg, cookie: (1n << 64n) - 1n, priority: 0xffff, outPort: 0xffffffff })) as FlowMod;
  t.equal(max.cookie, (1n << 64n) - 1n);
  t.equal(max.priority, 0xffff);
});
