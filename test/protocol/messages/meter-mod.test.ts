import t from 'tap';
import { OFPBRC, OFPET, OFPMMFC } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated, withLength } from '../../support/vectors.js';

const vector = hex(`
  04 1d 0030 00000112
  0001                                    # command OFPMC_MODIFY
  000d                                    # flags KBPS|BURST|STATS
  00000021                                # meter_id 33
  0001 0010 00002710 000003e8 00000000    # drop: rate 10000, burst 1000
  0002 0010 00004e20 000007d0 02 000000   # dscp_remark: rate 20000, burst 2000, prec_level 2
`);

t.test('METER_MOD: three ways and the oracle', async (t) => {
  checkVector(t, vector, {
    type: 'meterMod',
    xid: 0x112,
    command: 1,
    flags: 0xd,
    meterId: 33,
    bands: [
      { type: 'drop', rate: 10000, burstSize: 1000 },
      { type: 'dscpRemark', rate: 20000, burstSize: 2000, precLevel: 2 },
    ],
  });
  const text = ofpPrint(vector);
  t.match(text, /OFPT_METER_MOD \(OF1\.3\) \(xid=0x112\): MOD meter=33 kbps burst stats bands=/);
  t.match(text, /type=drop rate=10000 burst_size=1000\ntype=dscp_remark rate=20000 burst_size=2000 prec_level=2/);
});

t.test('METER_MOD: malformed', async (t) => {
  expectCodecError(t, truncated(vector, 15), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'under 16 bytes');
  const longBand = Uint8Array.from(vector);
  longBand[16 + 3] = 0x40; // drop band claims 64 bytes
  expectCodecError(t, longBand, OFPET.METER_MOD_FAILED, OFPMMFC.BAD_BAND, 'band length beyond the message');
  expectCodecError(t, withLength(vector.subarray(0, 16 + 16 + 8)), OFPET.METER_MOD_FAILED, OFPMMFC.BAD_BAND, 'band cut short');
});
