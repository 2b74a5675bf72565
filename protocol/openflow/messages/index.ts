import type { MessageCodec } from '../registry.js';
import { codecs as basic } from './basic.js';

/**
 * Every message codec. Each messages/*.ts module exports `codecs`; list it here once.
 * The registry check in codec.ts rejects a type registered twice.
 */
export const allCodecs: readonly MessageCodec<any>[] = [...basic];
