import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u8, u16, u32 } from '../wire/struct.js';
import { checkBytes, checkUint, closeEntry } from '../wire/tlv.js';
import { OFPMBT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPET } from './error-codes.js';
import type { MeterBand } from './types.js';

/** ofp_meter_band_header (12 bytes), then a type-specific tail. */
const bandHeader = struct('ofp_meter_band_header', 12, [['bandType', u16], ['len', u16], ['rate', u32], ['burstSize', u32]]);
const dropTail = struct('ofp_meter_band_drop tail', 4, [pad(4)]);
const dscpTail = struct('ofp_meter_band_dscp_remark tail', 4, [['precLevel', u8], pad(3)]);
const experimenterTail = struct('ofp_meter_band_experimenter tail', 4, [['experimenter', u32]]);
/** drop, dscp_remark and the experimenter header are all 16 bytes. */
const KNOWN_LEN = 16;

/** OFPMMFC codes (not in error-codes.ts's short list). */
const OFPMMFC_BAD_RATE = 6;
const OFPMMFC_BAD_BURST = 7;
const OFPMMFC_BAD_BAND = 8;
const OFPMMFC_BAD_BAND_VALUE = 9;

function bad(detail: string, code = OFPMMFC_BAD_BAND): never {
  throw new OfCodecError(OFPET.METER_MOD_FAILED, code, detail);
}

/** Decode the meter bands filling the reader's window (meter-mod, meter-config). */
export function decodeMeterBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.pos < r.end) {
    const left = r.end - r.pos;
    if (left < bandHeader.size) bad(`meter band needs ${bandHeader.size} bytes at offset ${r.pos}, ${left} left`);
    const start = r.pos;
    const type = r.dv.getUint16(start);
    const len = r.dv.getUint16(start + 2);
    const min = type === OFPMBT.DROP || type === OFPMBT.DSCP_REMARK || type === OFPMBT.EXPERIMENTER ? KNOWN_LEN : bandHeader.size;
    if (len < min || len > left || ((type === OFPMBT.DROP || type === OFPMBT.DSCP_REMARK) && len !== KNOWN_LEN)) {
      bad(`meter band type ${type} length ${len} is invalid (at least ${min}, at most the ${left} bytes left)`);
    }
    const end = start + len;
    const h = bandHeader.decode(r);
    if (type === OFPMBT.DROP) {
      dropTail.decode(r);
      out.push({ type: 'drop', rate: h.rate, burstSize: h.burstSize });
    } else if (type === OFPMBT.DSCP_REMARK) {
      out.push({ type: 'dscpRemark', rate: h.rate, burstSize: h.burstSize, precLevel: dscpTail.decode(r).precLevel });
    } else if (type === OFPMBT.EXPERIMENTER) {
      const { experimenter } = experimenterTail.decode(r);
      out.push({ type: 'experimenter', rate: h.rate, burstSize: h.burstSize, experimenter, data: r.bytes(end - r.pos) });
    } else {
      out.push({ type: 'unknown', bandType: type, rate: h.rate, burstSize: h.burstSize, data: r.bytes(end - r.pos) });
    }
  }
  return out;
}

/** Encode meter bands; experimenter/unknown data is written as given (no padding added). */
export function encodeMeterBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) {
    checkUint('meter band rate', b.rate, 0xffffffff, bad, OFPMMFC_BAD_RATE);
    checkUint('meter band burst size', b.burstSize, 0xffffffff, bad, OFPMMFC_BAD_BURST);
    const start = w.pos;
    switch (b.type) {
      case 'drop':
        bandHeader.encode(w, { bandType: OFPMBT.DROP, len: KNOWN_LEN, rate: b.rate, burstSize: b.burstSize });
        dropTail.encode(w, {});
        break;
      case 'dscpRemark':
        checkUint('meter band prec level', b.precLevel, 0xff, bad, OFPMMFC_BAD_BAND_VALUE);
        bandHeader.encode(w, { bandType: OFPMBT.DSCP_REMARK, len: KNOWN_LEN, rate: b.rate, burstSize: b.burstSize });
        dscpTail.encode(w, b);
        break;
      case 'experimenter':
        checkUint('meter band experimenter', b.experimenter, 0xffffffff, bad, OFPMMFC_BAD_BAND_VALUE);
        bandHeader.encode(w, { bandType: OFPMBT.EXPERIMENTER, len: 0, rate: b.rate, burstSize: b.burstSize });
        experimenterTail.encode(w, b);
        w.bytes(checkBytes('meter band data', b.data, bad, OFPMMFC_BAD_BAND_VALUE));
        break;
      case 'unknown':
        checkUint('meter band type', b.bandType, 0xffff, bad, OFPMMFC_BAD_BAND);
        bandHeader.encode(w, { bandType: b.bandType, len: 0, rate: b.rate, burstSize: b.burstSize });
        w.bytes(checkBytes('meter band data', b.data, bad, OFPMMFC_BAD_BAND_VALUE));
        break;
      default:
        bad(`unknown meter band type ${JSON.stringify((b as { type: unknown }).type)}`);
    }
    closeEntry(w, start, 2, 1, 'meter band', bad);
  }
}
