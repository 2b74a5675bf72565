import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { mac, pad, str, struct, u32, type Struct } from '../wire/struct.js';
import type { Port } from './types.js';

/** ofp_port (64 bytes): one description for decode, encode and size. */
export const portStruct: Struct<Port> = struct('ofp_port', 64, [
  ['portNo', u32],
  pad(4),
  ['hwAddr', mac],
  pad(2),
  ['name', str(16)],
  ['config', u32],
  ['state', u32],
  ['curr', u32],
  ['advertised', u32],
  ['supported', u32],
  ['peer', u32],
  ['currSpeed', u32],
  ['maxSpeed', u32],
]);

/** A list of ofp_port filling the reader's window (port-desc replies); a partial port is an error. */
export function decodePorts(r: Reader): Port[] {
  if ((r.end - r.pos) % portStruct.size !== 0) {
    r.fail(`port list of ${r.end - r.pos} bytes is not a multiple of ${portStruct.size}`);
  }
  const out: Port[] = [];
  while (r.pos < r.end) out.push(portStruct.decode(r));
  return out;
}

export function encodePorts(w: Writer, ports: readonly Port[]): void {
  for (const p of ports) portStruct.encode(w, p);
}
