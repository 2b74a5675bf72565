import t from 'tap';
import { OFPBAC, OFPBRC, OFPET, OFPGMFC } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated, withLength } from '../../support/vectors.js';

const vector = hex(`
  04 0f 0058 00000111
  0001                                    # command OFPGC_MODIFY
  01 00                                   # type OFPGT_SELECT, pad
  00000007                                # group_id
  0020 0003 00000002 ffffffff 00000000    # bucket: len 32, weight 3, watch_port 2, watch_group ANY
  0000 0010 00000002 0000 000000000000    #   output port 2
  0028 0005 00000004 0000000b 00000000    # bucket: len 40, weight 5, watch_port 4, watch_group 11
  0015 0008 00000009                      #   set_queue 9
  0000 0010 00000004 0000 000000000000    #   output port 4
`);

t.test('GROUP_MOD: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'groupMod',
    xid: 0x111,
    command: 1,
    groupType: 1,
    groupId: 7,
    buckets: [
      { weight: 3, watchPort: 2, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2, maxLen: 0 }] },
      {
        weight: 5,
        watchPort: 4,
        watchGroup: 11,
        actions: [
          { type: 'setQueue', queueId: 9 },
          { type: 'output', port: 4, maxLen: 0 },
        ],
      },
    ],
  });
  t.match(
    ofpPrint(vector),
    /OFPT_GROUP_MOD \(OF1\.3\) \(xid=0x111\):\n MOD group_id=7,type=select,bucket=weight:3,watch_port:2,actions=output:2,bucket=weight:5,watch_port:4,watch_group:11,actions=set_queue:9,output:4/,
  );
});

t.test('GROUP_MOD: delete with no buckets is the 16-byte minimum', async (t) => {
  const del = hex('040f0010 00000002 0002 03 00 fffffffc');
  checkVector(t, del, { type: 'groupMod', xid: 2, command: 2, groupType: 3, groupId: 0xfffffffc, buckets: [] });
  t.match(ofpPrint(del), /\n DEL group_id=4294967292,type=ff/);
});

t.test('GROUP_MOD: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 15), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 16 bytes');
  const longBucket = Uint8Array.from(vector);
  longBucket[17] = 0x80; // first bucket claims 128 bytes
  expectCodecError(t, longBucket, OFPET.GROUP_MOD_FAILED, OFPGMFC.BAD_BUCKET, 'bucket length beyond the message');
  expectCodecError(t, withLength(vector.subarray(0, 16 + 32 + 8)), OFPET.GROUP_MOD_FAILED, OFPGMFC.BAD_BUCKET, 'bucket cut short');
  const badAction = Uint8Array.from(vector);
  badAction[16 + 16 + 3] = 0x18; // output action claims 24 bytes inside its 32-byte bucket
  expectCodecError(t, badAction, OFPET.BAD_ACTION, OFPBAC.BAD_LEN, 'action length beyond its bucket');
});
