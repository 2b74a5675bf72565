import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated } from '../../support/vectors.js';

// ofp_async_config: three pairs of u32 masks, [0] master/equal, [1] slave.
const reply = hex(`
  04 1b 0020 00000109
  00000007 00000001     # packet_in_mask: all reasons / no_match
  00000005 00000002     # port_status_mask: add+modify / delete
  0000000f 00000003     # flow_removed_mask: all reasons / idle+hard
`);
const set = hex(`
  04 1c 0020 0000010a
  00000001 00000006
  00000003 00000004
  00000009 00000006
`);

t.test('GET_ASYNC_REPLY: three ways and the oracle', async (t) => {
  checkVector(t, reply, {
    type: 'getAsyncReply',
    xid: 0x109,
    packetInMask: [7, 1],
    portStatusMask: [5, 2],
    flowRemovedMask: [15, 3],
  });
  const text = ofpPrint(reply);
  t.match(text, /OFPT_GET_ASYNC_REPLY \(OF1\.3\) \(xid=0x109\)/);
  t.match(text, /primary:\s+PACKET_IN: no_match action invalid_ttl\s+PORT_STATUS: add modify\s+FLOW_REMOVED: idle hard delete group_delete/);
  t.match(text, /secondary:\s+PACKET_IN: no_match\s+PORT_STATUS: delete\s+FLOW_REMOVED: idle hard\n/);
});

t.test('SET_ASYNC: three ways and the oracle', async (t) => {
  checkVector(t, set, {
    type: 'setAsync',
    xid: 0x10a,
    packetInMask: [1, 6],
    portStatusMask: [3, 4],
    flowRemovedMask: [9, 6],
  });
  const text = ofpPrint(set);
  t.match(text, /OFPT_SET_ASYNC \(OF1\.3\) \(xid=0x10a\)/);
  t.match(text, /primary:\s+PACKET_IN: no_match\s+PORT_STATUS: add delete\s+FLOW_REMOVED: idle group_delete/);
  t.match(text, /secondary:\s+PACKET_IN: action invalid_ttl\s+PORT_STATUS: modify\s+FLOW_REMOVED: hard delete/);
});

t.test('async config: malformed', async (t) => {
  for (const v of [reply, set]) {
    expectCodecError(t, truncated(v, 28), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: 28 bytes`);
    expectCodecError(t, extended(v, 4), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `type ${v[1]}: trailing bytes`);
  }
});
