import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const reply = hex(`
  04 08 000c 00000103
  0002                  # flags: OFPC_FRAG_REASM
  05dc                  # miss_send_len 1500
`);
const set = hex(`
  04 09 000c 00000104
  0001                  # flags: OFPC_FRAG_DROP
  ffe5                  # miss_send_len OFPCML_MAX
`);

t.test('GET_CONFIG_REPLY: three ways and the oracle', async (t) => {
  checkVector(t, reply, { type: 'getConfigReply', xid: 0x103, flags: 2, missSendLen: 1500 });
  t.match(ofpPrint(reply), /OFPT_GET_CONFIG_REPLY \(OF1\.3\) \(xid=0x103\): frags=reassemble miss_send_len=1500/);
});

t.test('SET_CONFIG: three ways and the oracle', async (t) => {
  checkVector(t, set, { type: 'setConfig', xid: 0x104, flags: 1, missSendLen: 0xffe5 });
  t.match(ofpPrint(set), /OFPT_SET_CONFIG \(OF1\.3\) \(xid=0x104\): frags=drop miss_send_len=65509/);
});

t.test('switch config: malformed', async (t) => {
  for (const v of [reply, set]) {
    expectCodecError(t, truncated(v, 10), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: 10 bytes`);
    expectCodecError(t, extended(v, 4), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: trailing bytes`);
  }
});
