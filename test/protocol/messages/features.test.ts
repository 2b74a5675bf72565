import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const vector = hex(`
  04 06 0020 00000102
  00005e0053010203      # datapath_id
  00000100              # n_buffers 256
  fe                    # n_tables 254
  02                    # auxiliary_id 2
  0000                  # pad
  0000004f              # capabilities: FLOW|TABLE|PORT|GROUP|QUEUE stats
  12345678              # reserved
`);

t.test('FEATURES_REPLY: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'featuresReply',
    xid: 0x102,
    datapathId: 0x00005e0053010203n,
    nBuffers: 256,
    nTables: 254,
    auxiliaryId: 2,
    capabilities: 0x4f,
    reserved: 0x12345678,
  });
  const text = ofpPrint(vector);
  t.match(text, /OFPT_FEATURES_REPLY \(OF1\.3\) \(xid=0x102\): dpid:00005e0053010203/);
  t.match(text, /n_tables:254, n_buffers:256, auxiliary_id:2/);
  t.match(text, /capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS/);
});

t.test('FEATURES_REPLY: a datapath id above 2^63 survives as bigint', async (t) => {
  const v = hex('04060020 00000001 fedcba9876543210 00000000 01000000 00000000 00000000');
  checkVector(t, v, {
    type: 'featuresReply',
    xid: 1,
    datapathId: 0xfedcba9876543210n,
    nBuffers: 0,
    nTables: 1,
    auxiliaryId: 0,
    capabilities: 0,
    reserved: 0,
  });
});

t.test('FEATURES_REPLY: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 31), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, '31 bytes');
  expectCodecError(t, extended(vector, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes (OF1.0-style port list)');
});
