import t from 'tap';
import { OFPBMC, OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const vector = hex(`
  04 0b 0048 0000010f
  8877665544332211                        # cookie (above 2^63)
  0102                                    # priority 258
  02                                      # reason OFPRR_DELETE
  04                                      # table_id
  00000e10 1dcd6500                       # duration 3600 s + 500000000 ns
  001e 0078                               # idle 30, hard 120
  0000000000000400                        # packet_count 1024
  0000000000100000                        # byte_count 1048576
  0001 0016                               # match: OFPMT_OXM, length 22
  80000004 00000003                       #   in_port 3
  80000806 02005e00530b                   #   eth_src
  0000                                    #   pad to 8
`);

t.test('FLOW_REMOVED: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'flowRemoved',
    xid: 0x10f,
    cookie: 0x8877665544332211n,
    priority: 258,
    reason: 2,
    tableId: 4,
    durationSec: 3600,
    durationNsec: 500_000_000,
    idleTimeout: 30,
    hardTimeout: 120,
    packetCount: 1024n,
    byteCount: 1048576n,
    match: [
      { field: 'in_port', value: 3 },
      { field: 'eth_src', value: '02:00:5e:00:53:0b' },
    ],
  });
  t.match(
    ofpPrint(vector),
    /OFPT_FLOW_REMOVED \(OF1\.3\) \(xid=0x10f\): priority=258,in_port=3,dl_src=02:00:5e:00:53:0b reason=delete table_id=4 cookie:0x8877665544332211 duration3600\.500s idle30 hard120 pkts1024 bytes1048576/,
  );
});

t.test('FLOW_REMOVED: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 55), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 56 bytes');
  expectCodecError(t, truncated(vector, 64), OFPET.BAD_MATCH, OFPBMC.BAD_LEN, 'match cut short');
  expectCodecError(t, extended(vector, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes after the match');
});
