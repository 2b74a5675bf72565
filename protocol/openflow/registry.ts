import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { MessageOf, MessageType } from './types.js';

/**
 * How one message type is decoded and encoded. `decode` gets a reader over the body (after the
 * 8-byte header) and must consume all of it; `encode` writes the body only: the header and
 * its length are the registry's job.
 */
export interface MessageCodec<T extends MessageType = MessageType> {
  /** ofp_type number. */
  readonly ofpType: number;
  readonly name: T;
  /** Spec name, e.g. OFPT_FLOW_MOD. */
  readonly ofpName: string;
  /** Smallest valid total length, header included. */
  readonly minLength: number;
  /** Typed forms of the same ofp_type this codec also encodes (the ONF bundle messages). */
  readonly alsoEncodes?: readonly MessageType[];
  decode(r: Reader, xid: number): MessageOf<T>;
  encode(w: Writer, msg: MessageOf<T>): void;
}

/** Define a codec with its message type checked against its functions. */
export function messageCodec<T extends MessageType>(c: MessageCodec<T>): MessageCodec<T> {
  return c;
}

/** A codec for a message that is the header alone. */
export function emptyCodec<T extends MessageType>(ofpType: number, name: T, ofpName: string): MessageCodec<T> {
  return {
    ofpType,
    name,
    ofpName,
    minLength: 8,
    decode: (_r, xid) => ({ type: name, xid }) as MessageOf<T>,
    encode: () => {},
  };
}
