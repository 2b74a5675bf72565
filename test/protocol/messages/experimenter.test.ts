import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated } from '../../support/vectors.js';

// ofp_experimenter_header: experimenter u32, exp_type u32, data. Nicira's NXT_SET_CONTROLLER_ID
// (subtype 20: 6 bytes of padding, then a u16 id) gives the oracle something to name.
const vector = hex(`
  04 04 0018 0a0b0c0f
  00002320              # experimenter: Nicira
  00000014              # exp_type 20
  000000000000 0007     # data
`);

t.test('EXPERIMENTER: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'experimenter',
    xid: 0x0a0b0c0f,
    experimenter: 0x2320,
    expType: 20,
    data: hex('0000000000000007'),
  });
  t.match(ofpPrint(vector), /NXT_SET_CONTROLLER_ID \(OF1\.3\) \(xid=0xa0b0c0f\): id=7/);
});

t.test('EXPERIMENTER: a 32-bit exp_type keeps its high bit', async (t) => {
  const v = hex('04040010 00000001 c0ffee00 80000001');
  checkVector(t, v, { type: 'experimenter', xid: 1, experimenter: 0xc0ffee00, expType: 0x80000001, data: new Uint8Array(0) });
});

t.test('EXPERIMENTER: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 12), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'shorter than 16 bytes');
  expectCodecError(t, truncated(vector, 15), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'exp_type cut short');
});
