import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated } from '../../support/vectors.js';

const name16 = (s: string) => Buffer.from(s.padEnd(16, '\0'), 'latin1').toString('hex');

t.test('PORT_DESC request and reply', async (t) => {
  const req = hex('04 12 0010 00000501  000d 0000 00000000');
  checkVector(t, req, { type: 'multipartRequest', xid: 0x501, flags: 0, body: { kind: 'portDesc' } });
  t.match(ofpPrint(req), /OFPST_PORT_DESC request/);

  const rep = hex(`
    04 13 0090 00000502  000d 0001 00000000
    00000001 00000000 0a1b2c3d4e5f 0000 ${name16('s1-eth1')}
    00000001 00000004                     # config PORT_DOWN, state LIVE
    00002820 00000820 00002860 00000000   # curr 1GB_FD|COPPER|AUTONEG ..., peer 0
    000f4240 00989680                     # curr_speed 1 Gb/s, max_speed 10 Gb/s
    fffffffe 00000000 02aabbccddee 0000 ${name16('br0')}
    00000000 00000001                     # state LINK_DOWN
    00000000 00000000 00000000 00000000
    00000000 00000000`);
  checkVector(t, rep, {
    type: 'multipartReply',
    xid: 0x502,
    flags: 1,
    body: {
      kind: 'portDesc',
      ports: [
        {
          portNo: 1,
          hwAddr: '0a:1b:2c:3d:4e:5f',
          name: 's1-eth1',
          config: 1,
          state: 4,
          curr: 0x2820,
          advertised: 0x820,
          supported: 0x2860,
          peer: 0,
          currSpeed: 1000000,
          maxSpeed: 10000000,
        },
        {
          portNo: 0xfffffffe,
          hwAddr: '02:aa:bb:cc:dd:ee',
          name: 'br0',
          config: 0,
          state: 1,
          curr: 0,
          advertised: 0,
          supported: 0,
          peer: 0,
          currSpeed: 0,
          maxSpeed: 0,
        },
      ],
    },
  });
  const text = ofpPrint(rep);
  t.match(text, /OFPST_PORT_DESC reply .*flags=\[more\]/);
  t.match(text, /1\(s1-eth1\): addr:0a:1b:2c:3d:4e:5f\s+config:\s+PORT_DOWN\s+state:\s+LIVE/);
  t.match(text, /current:\s+1GB-FD COPPER AUTO_NEG/);
  t.match(text, /speed: 1000 Mbps now, 10000 Mbps max/);
  t.match(text, /LOCAL\(br0\): addr:02:aa:bb:cc:dd:ee\s+config:\s+0\s+state:\s+LINK_DOWN/);

  expectCodecError(t, truncated(rep, 0x90 - 4), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'ragged port list');
});
