import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

const vector = hex(`
  04 0c 0050 00000110
  02 00000000000000                       # reason OFPPR_MODIFY, pad
  00000006 00000000                       # port_no 6, pad
  02005e00530c 0000                       # hw_addr, pad
  766574682d73312d7036 000000000000       # name "veth-s1-p6", NUL-padded to 16
  00000001                                # config PORT_DOWN
  00000001                                # state LINK_DOWN
  00002820                                # curr 1GB_FD|COPPER|AUTONEG
  0000280a                                # advertised 10MB_FD|100MB_FD|COPPER|AUTONEG
  0000282f                                # supported 10MB_HD..1GB_FD|COPPER|AUTONEG
  00000008                                # peer 100MB_FD
  000f4240                                # curr_speed 1000000 kbps
  00989680                                # max_speed 10000000 kbps
`);

t.test('PORT_STATUS: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'portStatus',
    xid: 0x110,
    reason: 2,
    desc: {
      portNo: 6,
      hwAddr: '02:00:5e:00:53:0c',
      name: 'veth-s1-p6',
      config: 1,
      state: 1,
      curr: 0x2820,
      advertised: 0x280a,
      supported: 0x282f,
      peer: 8,
      currSpeed: 1_000_000,
      maxSpeed: 10_000_000,
    },
  });
  const text = ofpPrint(vector);
  t.match(text, /OFPT_PORT_STATUS \(OF1\.3\) \(xid=0x110\): MOD: 6\(veth-s1-p6\): addr:02:00:5e:00:53:0c/);
  t.match(text, /config:\s+PORT_DOWN\n\s+state:\s+LINK_DOWN\n\s+current:\s+1GB-FD COPPER AUTO_NEG\n/);
  t.match(text, /advertised: 10MB-FD 100MB-FD COPPER AUTO_NEG\n\s+supported:\s+10MB-HD 10MB-FD 100MB-HD 100MB-FD 1GB-FD COPPER AUTO_NEG\n\s+peer:\s+100MB-FD/);
  t.match(text, /speed: 1000 Mbps now, 10000 Mbps max/);
});

t.test('PORT_STATUS: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 79), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 80 bytes');
  expectCodecError(t, extended(vector, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'trailing bytes');
});
