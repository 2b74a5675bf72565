import type { Reader } from '../../wire/reader.js';
import { pad, str, struct, u32, u64, u8 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { OFPMP } from '../constants.js';
import { OFPET } from '../error-codes.js';
import type { TableFeatures } from '../types.js';
import { bodyCodec, decodeLengthPrefixed, encodeLengthPrefixed } from './body-codec.js';
import { decodeTableFeatureProps, encodeTableFeatureProps, OFPTFFC } from './table-feature-props.js';

/** ofp_table_features up to its properties; the length (offset 0) is read/patched separately. */
export const tableFeaturesStruct = struct('ofp_table_features', 64, [
  pad(2), // length
  ['tableId', u8],
  pad(5),
  ['name', str(32)], // OFP_MAX_TABLE_NAME_LEN
  ['metadataMatch', u64],
  ['metadataWrite', u64],
  ['config', u32],
  ['maxEntries', u32],
]);

function decodeTable(r: Reader): TableFeatures {
  const tf = tableFeaturesStruct.decode(r) as TableFeatures;
  tf.properties = decodeTableFeatureProps(r.sub(r.remaining, OFPET.TABLE_FEATURES_FAILED, OFPTFFC.BAD_LEN));
  return tf;
}

function encodeTable(w: Writer, tf: TableFeatures): void {
  tableFeaturesStruct.encode(w, tf);
  encodeTableFeatureProps(w, tf.properties);
}

/** Length-prefixed ofp_table_features; lying lengths are OFPET_TABLE_FEATURES_FAILED/OFPTFFC_BAD_LEN. */
function decodeTables(r: Reader): TableFeatures[] {
  return decodeLengthPrefixed(r, 'table features', tableFeaturesStruct.size, 0, OFPET.TABLE_FEATURES_FAILED, OFPTFFC.BAD_LEN, decodeTable);
}

function encodeTables(w: Writer, tables: readonly TableFeatures[]): void {
  encodeLengthPrefixed(w, tables, 0, encodeTable);
}

/**
 * OFPMP_TABLE_FEATURES: a request with no tables queries the pipeline, one with tables asks the
 * switch to set it; the reply lists the tables with their properties.
 */
export const tableFeatures = bodyCodec({
  mpType: OFPMP.TABLE_FEATURES,
  kind: 'tableFeatures',
  decodeRequest: (r) => ({ kind: 'tableFeatures', tables: decodeTables(r) }),
  encodeRequest: (w, b) => encodeTables(w, b.tables),
  decodeReply: (r) => ({ kind: 'tableFeatures', tables: decodeTables(r) }),
  encodeReply: (w, b) => encodeTables(w, b.tables),
});
