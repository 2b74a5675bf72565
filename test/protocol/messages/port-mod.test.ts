import t from 'tap';
import { encode, OFPBRC, OFPET, OfCodecError } from '../../../protocol/index.js';
import type { PortMod } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const vector = hex(`
  04 10 0028 00000106
  00000005 00000000     # port_no 5, pad
  02005e00530a 0000     # hw_addr, pad
  00000021              # config: PORT_DOWN|NO_FWD
  00000065              # mask: PORT_DOWN|NO_RECV|NO_FWD|NO_PACKET_IN
  0000280a              # advertise: 10MB_FD|100MB_FD|COPPER|AUTONEG
  00000000              # pad
`);
const msg: PortMod = {
  type: 'portMod',
  xid: 0x106,
  portNo: 5,
  hwAddr: '02:00:5e:00:53:0a',
  config: 0x21,
  mask: 0x65,
  advertise: 0x280a,
};

t.test('PORT_MOD: three ways and the oracle', async (t) => {
  checkVector(t, vector, msg);
  const text = ofpPrint(vector);
  t.match(text, /OFPT_PORT_MOD \(OF1\.3\) \(xid=0x106\): port: 5: addr:02:00:5e:00:53:0a/);
  t.match(text, /config: PORT_DOWN NO_FWD/);
  t.match(text, /mask:\s+PORT_DOWN NO_RECV NO_FWD NO_PACKET_IN/);
  t.match(text, /advertise: 10MB-FD 100MB-FD COPPER AUTO_NEG/);
});

t.test('PORT_MOD: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 39), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, '39 bytes');
  expectCodecError(t, extended(vector, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes');
  t.throws(() => encode({ ...msg, hwAddr: '02:00:5e:00:53' }), OfCodecError, 'a bad MAC is refused on encode');
});
