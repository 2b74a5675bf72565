import t from 'tap';
import { decode, OFPBMC, OFPBRC, OFPET } from '../../../protocol/index.js';
import type { PacketIn } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, toHexString, truncated, withLength } from '../../support/vectors.js';
import { FRAME, FRAME_HEX } from '../../support/udp-frame.js';

const vector = hex(`
  04 0a 0060 0000010b
  00000123                                # buffer_id
  002e                                    # total_len 46
  01                                      # reason OFPR_ACTION
  03                                      # table_id
  0102030405060708                        # cookie
  0001 0018                               # match: OFPMT_OXM, length 24
  80000004 00000007                       #   in_port 7
  80000408 fedcba9876543210               #   metadata
  0000                                    # pad
  ${FRAME_HEX}
`);
const msg: PacketIn = {
  type: 'packetIn',
  xid: 0x10b,
  bufferId: 0x123,
  totalLen: 46,
  reason: 1,
  tableId: 3,
  cookie: 0x0102030405060708n,
  match: [
    { field: 'in_port', value: 7 },
    { field: 'metadata', value: 0xfedcba9876543210n },
  ],
  data: FRAME,
};

t.test('PACKET_IN: three ways and the oracle', async (t) => {
  checkVector(t, vector, msg);
  const text = ofpPrint(vector);
  t.match(text, /OFPT_PACKET_IN \(OF1\.3\) \(xid=0x10b\): table_id=3 cookie=0x102030405060708 total_len=46 metadata=0xfedcba9876543210,in_port=7 \(via action\) data_len=46 buffer=0x00000123/);
  t.match(text, /udp,.*dl_src=02:00:5e:00:53:02,dl_dst=02:00:5e:00:53:01,nw_src=192\.0\.2\.1,nw_dst=192\.0\.2\.2,.*tp_src=8080,tp_dst=53/);
});

t.test('PACKET_IN: the frame is a view into the received bytes, and byteOffset is respected', async (t) => {
  const big = new Uint8Array(vector.length + 13);
  big.set(vector, 5);
  const view = big.subarray(5, 5 + vector.length);
  const got = decode(view) as PacketIn;
  t.equal(got.data.buffer, big.buffer, 'no copy');
  t.equal(got.data.byteOffset, 5 + 50);
  t.equal(toHexString(got.data), toHexString(FRAME));
  t.equal(got.cookie, 0x0102030405060708n);
});

t.test('PACKET_IN: an empty match and no frame is the 34-byte minimum', async (t) => {
  const min = hex('040a0022 00000001 ffffffff 0000 00 00 0000000000000000 00010004 00000000 0000');
  checkVector(t, min, { type: 'packetIn', xid: 1, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: new Uint8Array(0) });
});

t.test('PACKET_IN: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 33), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 34 bytes');
  // Match length 0x58 runs past the end of the message.
  const longMatch = Uint8Array.from(vector);
  longMatch[26] = 0x00;
  longMatch[27] = 0x58;
  expectCodecError(t, longMatch, OFPET.BAD_MATCH, OFPBMC.BAD_LEN, 'match length beyond the message');
  // A match that ends exactly at the message end leaves no room for the 2 pad bytes.
  const noPad = withLength(vector.subarray(0, 8 + 16 + 24));
  expectCodecError(t, noPad, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'no room for the padding after the match');
});
