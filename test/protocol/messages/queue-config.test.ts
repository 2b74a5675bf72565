import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, extended, hex, truncated, withLength } from '../../support/vectors.js';

const request = hex(`
  04 16 0010 00000113
  00000003 00000000                       # port 3, pad
`);
const reply = hex(`
  04 17 0050 00000114
  00000003 00000000                       # port 3, pad
  00000001 00000003 0030 000000000000     # queue 1 on port 3, len 48
  0001 0010 00000000 00c8 000000000000    #   min_rate 200 (20.0%)
  0002 0010 00000000 0320 000000000000    #   max_rate 800 (80.0%)
  00000002 00000003 0010 000000000000     # queue 2 on port 3, no properties
`);

t.test('QUEUE_GET_CONFIG_REQUEST: three ways and the oracle', async (t) => {
  checkVector(t, request, { type: 'queueGetConfigRequest', xid: 0x113, port: 3 });
  t.match(ofpPrint(request), /OFPT_QUEUE_GET_CONFIG_REQUEST \(OF1\.3\) \(xid=0x113\): port=3/);
});

t.test('QUEUE_GET_CONFIG_REPLY: three ways and the oracle', async (t) => {
  checkVector(t, reply, {
    type: 'queueGetConfigReply',
    xid: 0x114,
    port: 3,
    queues: [
      { queueId: 1, port: 3, properties: [{ type: 'minRate', rate: 200 }, { type: 'maxRate', rate: 800 }] },
      { queueId: 2, port: 3, properties: [] },
    ],
  });
  const text = ofpPrint(reply);
  t.match(text, /OFPT_QUEUE_GET_CONFIG_REPLY \(OF1\.3\) \(xid=0x114\): port=3\nqueue 1: min_rate:20\.0% max_rate:80\.0%\nqueue 2:/);
});

t.test('queue config: malformed', async (t) => {
  expectCodecError(t, truncated(request, 12), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'request under 16 bytes');
  expectCodecError(t, extended(request, 8), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'request with trailing bytes');
  expectCodecError(t, truncated(reply, 12), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'reply under 16 bytes');
  const longQueue = Uint8Array.from(reply);
  longQueue[16 + 9] = 0x80; // queue 1 claims 128 bytes
  expectCodecError(t, longQueue, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'queue length beyond the message');
  expectCodecError(t, withLength(reply.subarray(0, 16 + 16 + 8)), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'queue cut short');
});
