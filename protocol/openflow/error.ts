import { errorCodeName, errorTypeName } from './error-codes.js';

/**
 * The codec's one error class. It carries the OpenFlow error type and code a controller
 * would send back to the peer (OFPET_BAD_REQUEST/OFPBRC_BAD_LEN and so on), so a caller
 * can answer a bad message with the right ERROR without interpreting the text.
 */
export class OfCodecError extends Error {
  override readonly name = 'OfCodecError';
  constructor(
    readonly errType: number,
    readonly code: number,
    detail: string,
  ) {
    super(`${errorTypeName(errType)}/${errorCodeName(errType, code)}: ${detail}`);
  }
}
