/** weft's OpenFlow 1.3 codec and packet-header library: the public API. */
export { decode, encode, encodeInto, codecForName, codecForType } from './openflow/codec.js';
export { Framer } from './openflow/framer.js';
export { OfCodecError } from './openflow/error.js';
export * from './openflow/error-codes.js';
export * from './openflow/constants.js';
export type * from './openflow/types.js';
export { formatMessage, formatMatch, formatActions, formatInstructions } from './openflow/format.js';
export { Reader, macToString, toHex, u32At } from './wire/reader.js';
export { Writer, parseMac, fromHex } from './wire/writer.js';
export * as packet from './packet/index.js';
export * as nicira from './openflow/nicira/index.js';
export * as onf from './openflow/onf/index.js';
