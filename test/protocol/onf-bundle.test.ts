import t from 'tap';
import { decode, encode, formatMessage, onf, Writer } from '../../protocol/index.js';
import type { BundleAdd, OfMessage } from '../../protocol/index.js';
import { loadFixtures } from '../support/fixtures.js';

/**
 * The ONF bundle messages (EXT-230 in OpenFlow 1.3). Byte-level round trips of the captured
 * fixtures are in golden.test.ts; here: the route's fast writer against the general encoder,
 * what stays generic, the error names and the text form.
 */
const fx = new Map(loadFixtures().map((f) => [f.name, f]));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const inner: Record<string, OfMessage> = {
  flowMod: decode(fx.get('onf-bundle-add-flow-mod')!.bytes.subarray(24)),
  // 8 and 28 bytes: the outer message needs padding.
  barrier: { type: 'barrierRequest', xid: 0 },
  portMod: { type: 'portMod', xid: 0, portNo: 2, hwAddr: '02:00:00:00:00:02', config: 1, mask: 1, advertise: 0 },
};

t.test('writeBundleAdd (the bulk route) writes what encode(bundleAdd) writes, xid aside', async (t) => {
  for (const [name, m] of Object.entries(inner)) {
    const bytes = encode({ ...m, xid: 0 } as OfMessage);
    const w = new Writer(16);
    w.u32(0xdeadbeef); // something before: the writer appends at w.pos
    const len = onf.writeBundleAdd(w, 0x01020304, 3, bytes);
    const fast = w.buf.subarray(4, 4 + len);
    const general = encode({ type: 'bundleAdd', xid: 0, bundleId: 0x01020304, flags: 3, message: bytes });
    t.equal(hex(fast), hex(general), `${name}: same bytes`);
    t.equal(fast.length % 8, 0, `${name}: padded to 8 bytes (${fast.length})`);
    t.equal(onf.bundleAddInnerXidAt(fast), 28, `${name}: the inner xid is found`);
    // The route passes a range of its buffer instead of a view: same bytes.
    const big = Buffer.concat([Buffer.alloc(5, 0xee), bytes, Buffer.alloc(3, 0xee)]);
    const w2 = new Writer(16);
    onf.writeBundleAdd(w2, 0x01020304, 3, big, 5, 5 + bytes.length);
    t.equal(hex(w2.buf.subarray(0, w2.pos)), hex(general), `${name}: same bytes from a range`);
    t.equal(onf.bundleAddInnerXidAt(Buffer.concat([big.subarray(0, 5), general]), 5), 28, `${name}: found at an offset`);
  }
  // The general encoder writes the outer xid into the inner message.
  const e = encode({ type: 'bundleAdd', xid: 0x77, bundleId: 1, flags: 1, message: encode(inner.barrier!) });
  t.equal(hex(e.subarray(24, 32)), '0414000800000077');
  t.equal(onf.bundleAddInnerXidAt(encode(inner.barrier!)), -1, 'not a bundle add');
  t.equal(onf.bundleAddInnerXidAt(fx.get('onf-bundle-open-request')!.bytes), -1, 'a bundle control is not an add');
});

t.test('non-canonical bundle messages stay generic experimenter messages and re-encode unchanged', async (t) => {
  const add = fx.get('onf-bundle-add-flow-mod')!.bytes;
  const cases: Record<string, Buffer> = {};
  // Non-zero padding after an inner message that needs none: 8 extra bytes.
  const extra = Buffer.concat([add, Buffer.alloc(8, 1)]);
  extra.writeUInt16BE(extra.length, 2);
  cases['8 bytes after the inner message'] = extra;
  // The inner message claims more bytes than there are.
  const long = Buffer.from(add);
  long.writeUInt16BE(0x68, 26);
  cases['inner length too long'] = long;
  const pad = Buffer.from(add);
  pad[20] = 1;
  cases['non-zero pad field'] = pad;
  const shortCtrl = Buffer.from(fx.get('onf-bundle-open-request')!.bytes.subarray(0, 20));
  shortCtrl.writeUInt16BE(20, 2);
  cases['bundle control without its flags'] = shortCtrl;
  for (const [what, b] of Object.entries(cases)) {
    const m = decode(b);
    t.equal(m.type, 'experimenter', what);
    t.equal(hex(encode(m)), hex(b), `${what}: re-encodes byte for byte`);
  }
  // Another experimenter's message with the same exp_type is not a bundle message.
  const other = Buffer.from(fx.get('onf-bundle-open-request')!.bytes);
  other.writeUInt32BE(0x00002320, 8);
  t.equal(decode(other).type, 'experimenter');
});

t.test('a bundle add decodes to its inner message bytes (xid equal to the outer)', async (t) => {
  const m = decode(fx.get('onf-bundle-add-flow-mod')!.bytes) as BundleAdd;
  t.equal(m.type, 'bundleAdd');
  const innerMsg = decode(m.message);
  t.match(innerMsg, { type: 'flowMod', xid: m.xid, tableId: 3, priority: 300, cookie: 0xb1n });
});

t.test('error names: OVS sends OFPET_BUNDLE_FAILED as an ONF experimenter error in OpenFlow 1.3', async (t) => {
  t.same(onf.onfErrorNames(onf.ONF_EXPERIMENTER_ID, 2302), { type: 'OFPET_BUNDLE_FAILED', code: 'OFPBFC_BAD_ID' });
  t.same(onf.onfErrorNames(onf.ONF_EXPERIMENTER_ID, 2313), { type: 'OFPET_BUNDLE_FAILED', code: 'OFPBFC_MSG_FAILED' });
  t.equal(onf.onfErrorNames(onf.ONF_EXPERIMENTER_ID, 2299), undefined);
  t.equal(onf.onfErrorNames(0x2320, 2302), undefined, 'another experimenter');
  t.equal(onf.onfErrorNames(undefined, 2302), undefined);
});

t.test('text form, as ovs-ofctl names the fields', async (t) => {
  const line = (name: string) => formatMessage(decode(fx.get(name)!.bytes));
  t.equal(line('onf-bundle-open-request'), 'ONFT_BUNDLE_CONTROL xid=0x7 bundle_id=0x0 type=OPEN_REQUEST flags=atomic|ordered');
  t.equal(line('onf-bundle-commit-reply'), 'ONFT_BUNDLE_CONTROL xid=0x6b000009 bundle_id=0x2 type=COMMIT_REPLY flags=0');
  t.match(line('onf-bundle-add-flow-mod'), /^ONFT_BUNDLE_ADD_MESSAGE xid=0x6 bundle_id=0x0 flags=atomic\|ordered message=OFPT_FLOW_MOD xid=0x6 ADD table=3 cookie=0xb1 priority=300 /);
  t.equal(line('error-onf-bundle-commit-failed'), 'OFPT_ERROR xid=0x6b00000e OFPET_BUNDLE_FAILED/OFPBFC_MSG_FAILED data_len=24 request=OFPT_EXPERIMENTER(xid=0x6b00000e)');
  t.match(line('error-onf-bundle-open-twice'), /OFPET_BUNDLE_FAILED\/OFPBFC_BAD_ID/);
  t.match(line('error-onf-bundle-add-bad-port'), /OFPET_BAD_ACTION\/OFPBAC_BAD_OUT_PORT .*request=OFPT_EXPERIMENTER\(xid=0x6b000003\)/);
  // A broken inner message does not break the line.
  t.match(formatMessage({ type: 'bundleAdd', xid: 1, bundleId: 1, flags: 0, message: Uint8Array.from([4, 0xee, 0, 8, 0, 0, 0, 1]) }), /message=\(undecodable 8 bytes: /);
});

t.test('encode refuses an inner message that is not one whole message', async (t) => {
  t.throws(() => encode({ type: 'bundleAdd', xid: 1, bundleId: 1, flags: 0, message: Uint8Array.from([4, 0x14, 0, 9, 0, 0, 0, 1]) }), /not one whole OpenFlow 1.3 message/);
  t.throws(() => onf.writeBundleAdd(new Writer(), 1, 0, new Uint8Array(65520)), /exceeds 65535/);
});
