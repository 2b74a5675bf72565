import t from 'tap';
import { OFPBRC, OFPET } from '../../../protocol/index.js';
import type { ErrorMsg } from '../../../protocol/index.js';
import { ofpPrint } from '../../support/ofp-print.js';
import { checkVector, expectCodecError, hex, truncated } from '../../support/vectors.js';

// ofp_error_msg: header, type u16, code u16, data (here: the first 8 bytes of a barrier request).
const standard = hex(`
  04 01 0014 0a0b0c0d   # version 4, OFPT_ERROR, length 20, xid
  0005                  # OFPET_FLOW_MOD_FAILED
  0007                  # OFPFMFC_BAD_FLAGS
  04140008 000000ab     # data: the offending message's header
`);
const standardMsg: ErrorMsg = {
  type: 'error',
  xid: 0x0a0b0c0d,
  errType: 5,
  code: 7,
  data: hex('04140008000000ab'),
};

// ofp_error_experimenter_msg: type 0xffff, exp_type u16, experimenter u32, data. ONF's
// duplicate-instruction error (EXT-260: exp_type 2600) is one OVS knows by name.
const experimenter = hex(`
  04 01 0018 0a0b0c0e
  ffff                  # OFPET_EXPERIMENTER
  0a28                  # exp_type 2600
  4f4e4600              # experimenter: ONF
  04140008 000000ac     # data
`);
const experimenterMsg: ErrorMsg = {
  type: 'error',
  xid: 0x0a0b0c0e,
  errType: 0xffff,
  code: 2600,
  experimenter: 0x4f4e4600,
  data: hex('04140008000000ac'),
};

// HELLO_FAILED carries ASCII text rather than a message.
const helloFailed = hex(`
  04 01 0013 00000102
  0000 0001             # OFPET_HELLO_FAILED, OFPHFC_EPERM
  64656e6965642e        # "denied."
`);

t.test('ERROR: standard form, three ways, and the oracle', async (t) => {
  checkVector(t, standard, standardMsg);
  const text = ofpPrint(standard);
  t.match(text, /OFPT_ERROR \(OF1\.3\) \(xid=0xa0b0c0d\): OFPFMFC_BAD_FLAGS/);
  t.match(text, /OFPT_BARRIER_REQUEST .*xid=0xab/);
});

t.test('ERROR: experimenter form, three ways, and the oracle', async (t) => {
  checkVector(t, experimenter, experimenterMsg);
  t.match(ofpPrint(experimenter), /OFPT_ERROR \(OF1\.3\) \(xid=0xa0b0c0e\): OFPBIC_DUP_INST/);
});

t.test('ERROR: HELLO_FAILED with text', async (t) => {
  const msg = checkVector(t, helloFailed, { type: 'error', xid: 0x102, errType: 0, code: 1, data: new TextEncoder().encode('denied.') });
  t.equal(Buffer.from((msg as ErrorMsg).data).toString('latin1'), 'denied.');
  const text = ofpPrint(helloFailed);
  t.match(text, /OFPHFC_EPERM/);
  t.match(text, /denied\./);
});

t.test('ERROR: data is a view into the received bytes, not a copy', async (t) => {
  const { decode } = await import('../../../protocol/index.js');
  const msg = decode(standard) as ErrorMsg;
  t.equal(msg.data.buffer, standard.buffer);
});

t.test('ERROR: malformed', async (t) => {
  expectCodecError(t, truncated(standard, 10), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'shorter than 12 bytes');
  // The experimenter form needs its 4-byte experimenter id.
  expectCodecError(t, truncated(experimenter, 14), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'experimenter id cut short');
  const lying = Uint8Array.from(standard);
  lying[3] = 0x30; // header says 48, 20 given
  expectCodecError(t, lying, OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, 'header length beyond the bytes');
});
