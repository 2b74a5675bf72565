import type { Reader } from '../../wire/reader.js';
import { pad, struct, u16, u32, u64, u8 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { OFPMP } from '../constants.js';
import { decodeMeterBands, encodeMeterBands } from '../meter-band.js';
import type { MeterConfig, MeterStats } from '../types.js';
import { bodyCodec, decodeFixedArray, emptyRequest, encodeFixedArray, lengthPrefixedReply } from './body-codec.js';

/** ofp_meter_multipart_request, for both OFPMP_METER and OFPMP_METER_CONFIG. */
export const meterRequestStruct = struct('ofp_meter_multipart_request', 8, [['meterId', u32], pad(4)]);

/** ofp_meter_stats up to its band counters; `len` (offset 4) is read/patched separately. */
export const meterStatsStruct = struct('ofp_meter_stats', 40, [
  ['meterId', u32],
  pad(2), // len
  pad(6),
  ['flowCount', u32],
  ['packetInCount', u64],
  ['byteInCount', u64],
  ['durationSec', u32],
  ['durationNsec', u32],
]);
const METER_STATS_LEN_OFFSET = 4;

/** ofp_meter_band_stats */
export const meterBandStatsStruct = struct('ofp_meter_band_stats', 16, [
  ['packetBandCount', u64],
  ['byteBandCount', u64],
]);

/** ofp_meter_config up to its bands; the length (offset 0) is read/patched separately. */
export const meterConfigStruct = struct('ofp_meter_config', 8, [
  pad(2), // length
  ['flags', u16],
  ['meterId', u32],
]);

/** ofp_meter_features */
export const meterFeaturesStruct = struct('ofp_meter_features', 16, [
  ['maxMeter', u32],
  ['bandTypes', u32],
  ['capabilities', u32],
  ['maxBands', u8],
  ['maxColor', u8],
  pad(2),
]);

function decodeMeterStats(r: Reader): MeterStats {
  const ms = meterStatsStruct.decode(r) as MeterStats;
  ms.bandStats = decodeFixedArray(r, meterBandStatsStruct);
  return ms;
}

function encodeMeterStats(w: Writer, ms: MeterStats): void {
  meterStatsStruct.encode(w, ms);
  encodeFixedArray(w, meterBandStatsStruct, ms.bandStats);
}

function decodeMeterConfig(r: Reader): MeterConfig {
  const mc = meterConfigStruct.decode(r) as MeterConfig;
  mc.bands = decodeMeterBands(r);
  return mc;
}

function encodeMeterConfig(w: Writer, mc: MeterConfig): void {
  meterConfigStruct.encode(w, mc);
  encodeMeterBands(w, mc.bands);
}

/** OFPMP_METER: one meter (or OFPM_ALL) asked, length-prefixed ofp_meter_stats in the reply. */
export const meterStats = bodyCodec({
  mpType: OFPMP.METER,
  kind: 'meter',
  decodeRequest: (r) => ({ kind: 'meter', ...meterRequestStruct.decode(r) }),
  encodeRequest: (w, b) => meterRequestStruct.encode(w, b),
  ...lengthPrefixedReply('meter', 'meter stats', meterStatsStruct.size, METER_STATS_LEN_OFFSET, decodeMeterStats, encodeMeterStats),
});

/** OFPMP_METER_CONFIG: one meter (or OFPM_ALL) asked, length-prefixed ofp_meter_config in the reply. */
export const meterConfig = bodyCodec({
  mpType: OFPMP.METER_CONFIG,
  kind: 'meterConfig',
  decodeRequest: (r) => ({ kind: 'meterConfig', ...meterRequestStruct.decode(r) }),
  encodeRequest: (w, b) => meterRequestStruct.encode(w, b),
  ...lengthPrefixedReply('meterConfig', 'meter config', meterConfigStruct.size, 0, decodeMeterConfig, encodeMeterConfig),
});

/** OFPMP_METER_FEATURES: empty request, one ofp_meter_features in the reply. */
export const meterFeatures = bodyCodec({
  mpType: OFPMP.METER_FEATURES,
  kind: 'meterFeatures',
  ...emptyRequest('meterFeatures'),
  decodeReply: (r) => ({ kind: 'meterFeatures', ...meterFeaturesStruct.decode(r) }),
  encodeReply: (w, b) => meterFeaturesStruct.encode(w, b),
});
