import t from 'tap';
import { decode, encode, OFPBAC, OFPBRC, OFPET, OfCodecError } from '../../../protocol/index.js';
import type { PacketOut } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated } from '../../support/vectors.js';
import { FRAME, FRAME_HEX } from '../../support/udp-frame.js';

const withFrame = hex(`
  04 0d 006e 0000010c
  ffffffff                                # buffer_id OFP_NO_BUFFER
  00000005                                # in_port 5
  0028 000000000000                       # actions_len 40, pad
  0011 0008 8100 0000                     # push_vlan 0x8100
  0019 0010 80000c02 1005 000000000000    # set_field vlan_vid 0x1005 (present | 5)
  0000 0010 00000003 0000 000000000000    # output port 3, max_len 0
  ${FRAME_HEX}
`);
const withFrameMsg: PacketOut = {
  type: 'packetOut',
  xid: 0x10c,
  bufferId: 0xffffffff,
  inPort: 5,
  actions: [
    { type: 'pushVlan', ethertype: 0x8100 },
    { type: 'setField', field: { field: 'vlan_vid', value: 0x1005 } },
    { type: 'output', port: 3, maxLen: 0 },
  ],
  data: FRAME,
};

const buffered = hex(`
  04 0d 0028 0000010d
  00000456                                # buffer_id
  fffffffe                                # in_port OFPP_LOCAL
  0010 000000000000                       # actions_len 16
  0000 0010 fffffffd 0080 000000000000    # output CONTROLLER, max_len 128
`);

t.test('PACKET_OUT with a frame: three ways and the oracle', async (t) => {
  checkVector(t, withFrame, withFrameMsg);
  const text = ofpPrint(withFrame);
  t.match(text, /OFPT_PACKET_OUT \(OF1\.3\) \(xid=0x10c\): in_port=5 actions=push_vlan:0x8100,set_field:4101->vlan_vid,output:3 data_len=46/);
  t.match(text, /udp,.*nw_src=192\.0\.2\.1,nw_dst=192\.0\.2\.2,.*tp_src=8080,tp_dst=53/);
  t.equal((decode(withFrame) as PacketOut).data.buffer, withFrame.buffer, 'the frame is a view, not a copy');
});

t.test('PACKET_OUT of a buffered packet: three ways and the oracle', async (t) => {
  checkVector(t, buffered, {
    type: 'packetOut',
    xid: 0x10d,
    bufferId: 0x456,
    inPort: 0xfffffffe,
    actions: [{ type: 'output', port: 0xfffffffd, maxLen: 128 }],
    data: new Uint8Array(0),
  });
  t.match(ofpPrint(buffered), /OFPT_PACKET_OUT \(OF1\.3\) \(xid=0x10d\): in_port=LOCAL actions=CONTROLLER:128 buffer=0x00000456/);
});

t.test('PACKET_OUT with no actions (drop) and a frame', async (t) => {
  const drop = hex(`040d0046 00000001 ffffffff 00000001 0000 000000000000 ${FRAME_HEX}`);
  checkVector(t, drop, { type: 'packetOut', xid: 1, bufferId: 0xffffffff, inPort: 1, actions: [], data: FRAME });
  t.match(ofpPrint(drop), /in_port=1 actions=drop data_len=46/);
});

t.test('PACKET_OUT: malformed', async (t) => {
  expectCodecError(t, truncated(buffered, 23), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 24 bytes');
  const beyond = Uint8Array.from(buffered);
  beyond[17] = 0x18; // actions_len 24, only 16 bytes follow
  expectCodecError(t, beyond, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'actions_len beyond the message');
  const huge = Uint8Array.from(buffered);
  huge[16] = 0xff;
  huge[17] = 0xf8;
  expectCodecError(t, huge, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'actions_len 65528');
  const cut = Uint8Array.from(buffered);
  cut[17] = 0x0c; // actions_len 12 cuts the 16-byte output action
  expectCodecError(t, cut, OFPET.BAD_ACTION, OFPBAC.BAD_LEN, 'actions_len cuts an action');
});

t.test('PACKET_OUT: encode range-checks buffer id and in port', async (t) => {
  for (const [patch, code] of [
    [{ bufferId: -1 }, OFPBRC.BUFFER_UNKNOWN],
    [{ inPort: 2 ** 32 }, OFPBRC.BAD_PORT],
    [{ inPort: '1' as unknown as number }, OFPBRC.BAD_PORT],
  ] as const) {
    try {
      encode({ ...withFrameMsg, ...patch });
      t.fail(`${JSON.stringify(patch)}: encoded`);
    } catch (e) {
      t.ok(e instanceof OfCodecError);
      t.equal((e as OfCodecError).errType, OFPET.BAD_REQUEST);
      t.equal((e as OfCodecError).code, code, JSON.stringify(patch));
    }
  }
});
