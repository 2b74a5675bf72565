import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Action } from './types.js';

// STUB: to be implemented (structures helper). Signatures are the contract.

/** Decode an action list filling the whole reader window. */
export function decodeActions(r: Reader): Action[] {
  void r;
  throw new Error('decodeActions: not implemented');
}

/** Encode an action list (each action padded to 8 bytes). */
export function encodeActions(w: Writer, actions: readonly Action[]): void {
  void w;
  void actions;
  throw new Error('encodeActions: not implemented');
}
