import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const vector = hex(`
  04 11 0010 00000105
  07 000000             # table_id 7, pad
  00000003              # config: OFPTC_DEPRECATED_MASK
`);

t.test('TABLE_MOD: three ways and the oracle', async (t) => {
  checkVector(t, vector, { type: 'tableMod', xid: 0x105, tableId: 7, config: 3 });
  t.match(ofpPrint(vector), /OFPT_TABLE_MOD \(OF1\.3\) \(xid=0x105\): table_id=7/);
});

t.test('TABLE_MOD: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 15), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, '15 bytes');
  expectCodecError(t, extended(vector, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes');
});
