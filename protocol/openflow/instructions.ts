import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Instruction } from './types.js';

// STUB: to be implemented (structures helper). Signatures are the contract.

/** Decode an instruction list filling the whole reader window. */
export function decodeInstructions(r: Reader): Instruction[] {
  void r;
  throw new Error('decodeInstructions: not implemented');
}

export function encodeInstructions(w: Writer, instructions: readonly Instruction[]): void {
  void w;
  void instructions;
  throw new Error('encodeInstructions: not implemented');
}
