import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Match } from './types.js';

// STUB: to be implemented (structures helper). Signatures are the contract.

/** Decode an ofp_match (type OFPMT_OXM, length, OXM TLVs, padding to 8) at the reader's position. */
export function decodeMatch(r: Reader): Match {
  void r;
  throw new Error('decodeMatch: not implemented');
}

/** Encode an ofp_match including its header and padding to 8 bytes. */
export function encodeMatch(w: Writer, match: Match): void {
  void w;
  void match;
  throw new Error('encodeMatch: not implemented');
}
