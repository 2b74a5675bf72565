import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const request = hex(`
  04 18 0018 00000107
  00000002 00000000     # role: OFPCR_ROLE_MASTER, pad
  0123456789abcdef      # generation_id
`);
const reply = hex(`
  04 19 0018 00000108
  00000003 00000000     # role: OFPCR_ROLE_SLAVE, pad
  fedcba9876543210      # generation_id above 2^63
`);

t.test('ROLE_REQUEST: three ways and the oracle', async (t) => {
  checkVector(t, request, { type: 'roleRequest', xid: 0x107, role: 2, generationId: 0x0123456789abcdefn });
  t.match(ofpPrint(request), /OFPT_ROLE_REQUEST \(OF1\.3\) \(xid=0x107\): role=primary generation_id=81985529216486895/);
});

t.test('ROLE_REPLY: three ways and the oracle', async (t) => {
  checkVector(t, reply, { type: 'roleReply', xid: 0x108, role: 3, generationId: 0xfedcba9876543210n });
  t.match(ofpPrint(reply), /OFPT_ROLE_REPLY \(OF1\.3\) \(xid=0x108\): role=secondary generation_id=18364758544493064720/);
});

t.test('role: malformed', async (t) => {
  for (const v of [request, reply]) {
    expectCodecError(t, truncated(v, 20), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: generation id cut short`);
    expectCodecError(t, extended(v, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: trailing bytes`);
  }
});
