import t from 'tap';
import { decode, OfCodecError, OFPBRC, OFPET } from '../../../protocol/index.js';
import type { FlowStatsRequestBody, MultipartReply } from '../../../protocol/index.js';
import { fuzzMessage } from './fuzz.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, normalize, truncated } from '../../support/vectors.js';

const filter = `
  03 000000                    # table_id 3, pad
  00000007 00000011 00000000   # out_port 7, out_group 0x11, pad
  0123456789abcdef             # cookie
  ffffffff00000000             # cookie_mask
  0001 001a                    # match: OFPMT_OXM, length 26
  80000004 00000005            # in_port=5
  80000a02 0800                # eth_type=0x0800
  80001604 0a000001            # ipv4_src=10.0.0.1
  000000000000                 # pad to 8`;

const filterBody: FlowStatsRequestBody = {
  tableId: 3,
  outPort: 7,
  outGroup: 0x11,
  cookie: 0x0123456789abcdefn,
  cookieMask: 0xffffffff00000000n,
  match: [
    { field: 'in_port', value: 5 },
    { field: 'eth_type', value: 0x0800 },
    { field: 'ipv4_src', value: '10.0.0.1' },
  ],
};

t.test('FLOW and AGGREGATE requests carry the flow filter', async (t) => {
  const flow = hex(`04 12 0050 00000201  0001 0000 00000000 ${filter}`);
  checkVector(t, flow, { type: 'multipartRequest', xid: 0x201, flags: 0, body: { kind: 'flow', ...filterBody } });
  t.match(ofpPrint(flow), /OFPST_FLOW request \(OF1\.3\) \(xid=0x201\): table=3 out_port=7 ip,in_port=5,nw_src=10\.0\.0\.1/);

  const agg = hex(`04 12 0050 00000203  0002 0000 00000000 ${filter}`);
  checkVector(t, agg, { type: 'multipartRequest', xid: 0x203, flags: 0, body: { kind: 'aggregate', ...filterBody } });
  t.match(ofpPrint(agg), /OFPST_AGGREGATE request .*table=3 out_port=7 ip,in_port=5,nw_src=10\.0\.0\.1/);

  // The match claims 26 bytes but the message ends after 16 of them.
  expectCodecError(t, truncated(flow, 0x40), OFPET.BAD_MATCH, 1, 'truncated match');
});

const entry1 = `
  0060 03 00                   # length 96, table 3, pad
  0000000a 00bc614e            # duration 10 s 12345678 ns
  1234 001e 0258 0001          # priority, idle 30, hard 600, flags SEND_FLOW_REM
  00000000                     # pad
  0123456789abcdef             # cookie
  0000000000000064             # packet_count 100
  0000000000001770             # byte_count 6000
  0001 000c 80000004 00000005 00000000      # match in_port=5
  0004 0018 00000000                        # apply_actions
    0000 0010 00000002 ffe5 000000000000    #   output:2 max_len 0xffe5
  0001 0008 04 000000                       # goto_table 4`;
const entry2 = `
  0058 04 00                   # length 88, table 4
  00000001 00000002            # duration 1 s 2 ns
  0001 0000 0000 0000          # priority 1
  00000000
  0000000000000000 0000000000000001 0000000000000002
  0001 0004 00000000                                       # empty match
  0002 0018 00000000 00000000000000aa 00000000000000ff     # write_metadata 0xaa/0xff
  0005 0008 00000000                                       # clear_actions`;

const replyMsg: MultipartReply = {
  type: 'multipartReply',
  xid: 0x202,
  flags: 0,
  body: {
    kind: 'flow',
    stats: [
      {
        tableId: 3,
        durationSec: 10,
        durationNsec: 12345678,
        priority: 0x1234,
        idleTimeout: 30,
        hardTimeout: 600,
        flags: 1,
        cookie: 0x0123456789abcdefn,
        packetCount: 100n,
        byteCount: 6000n,
        match: [{ field: 'in_port', value: 5 }],
        instructions: [
          { type: 'applyActions', actions: [{ type: 'output', port: 2, maxLen: 0xffe5 }] },
          { type: 'gotoTable', tableId: 4 },
        ],
      },
      {
        tableId: 4,
        durationSec: 1,
        durationNsec: 2,
        priority: 1,
        idleTimeout: 0,
        hardTimeout: 0,
        flags: 0,
        cookie: 0n,
        packetCount: 1n,
        byteCount: 2n,
        match: [],
        instructions: [{ type: 'writeMetadata', metadata: 0xaan, metadataMask: 0xffn }, { type: 'clearActions' }],
      },
    ],
  },
};

t.test('FLOW reply with two entries', async (t) => {
  const rep = hex(`04 13 00c8 00000202  0001 0000 00000000 ${entry1} ${entry2}`);
  fuzzMessage(t, rep, 0xc614f3);
  checkVector(t, rep, replyMsg);
  const text = ofpPrint(rep);
  t.match(text, /cookie=0x123456789abcdef, duration=10\.012345678s, table=3, n_packets=100, n_bytes=6000, idle_timeout=30, hard_timeout=600, send_flow_rem priority=4660,in_port=5 actions=output:2,goto_table:4/);
  t.match(text, /cookie=0x0, duration=1\.000000002s, table=4, n_packets=1, n_bytes=2, priority=1 actions=clear_actions,write_metadata:0xaa\/0xff/);

  // The reader narrows and restores its window per entry: a view at an offset decodes the same.
  const big = new Uint8Array(rep.length + 5);
  big.set(rep, 3);
  t.strictSame(normalize(decode(big.subarray(3, 3 + rep.length))), normalize(replyMsg), 'decodes at a byteOffset');

  const empty = hex('04 13 0010 00000204  0001 0000 00000000');
  checkVector(t, empty, { type: 'multipartReply', xid: 0x204, flags: 0, body: { kind: 'flow', stats: [] } });
  t.match(ofpPrint(empty), /OFPST_FLOW reply \(OF1\.3\) \(xid=0x204\):\s*$/);
});

t.test('lying flow stats lengths fail with BAD_LEN, never hang', async (t) => {
  const withEntry1Len = (len: string) => hex(`04 13 00c8 00000202  0001 0000 00000000 ${len}${entry1.trim().slice(4)} ${entry2}`);
  expectCodecError(t, withEntry1Len('0000'), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'entry length 0');
  expectCodecError(t, withEntry1Len('0030'), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'entry length under the fixed part + match');
  expectCodecError(t, withEntry1Len('00c9'), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'entry length past the message');
  expectCodecError(t, withEntry1Len('0058'), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'entry length cutting off an instruction');
  // 8 bytes too long: the next entry's header is read as an instruction of length 0x0400.
  expectCodecError(t, withEntry1Len('0068'), OFPET.BAD_INSTRUCTION, 7, 'entry length running into the next entry');
  expectCodecError(t, extended(hex(`04 13 00c8 00000202  0001 0000 00000000 ${entry1} ${entry2}`), 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes shorter than an entry');

  // The match's own length past the entry is the match's error.
  const badMatch = hex(`04 13 00c8 00000202  0001 0000 00000000 ${entry1.replace('0001 000c 80000004', '0001 00f0 80000004')} ${entry2}`);
  t.throws(() => decode(badMatch), OfCodecError, 'match length past its entry');
});
