import type { Reader } from '../../wire/reader.js';
import { struct, u32 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { OFPMP } from '../constants.js';
import { bodyCodec } from './body-codec.js';

/** ofp_experimenter_multipart_header; the vendor body follows as opaque bytes. */
export const experimenterHeaderStruct = struct('ofp_experimenter_multipart_header', 8, [
  ['experimenter', u32],
  ['expType', u32],
]);

interface ExperimenterBody {
  kind: 'experimenter';
  experimenter: number;
  expType: number;
  data: Uint8Array;
}

function decodeExperimenter(r: Reader): ExperimenterBody {
  const h = experimenterHeaderStruct.decode(r);
  return { kind: 'experimenter', experimenter: h.experimenter, expType: h.expType, data: r.rest() };
}

function encodeExperimenter(w: Writer, b: ExperimenterBody): void {
  experimenterHeaderStruct.encode(w, b);
  w.bytes(b.data);
}

/** OFPMP_EXPERIMENTER, both directions: experimenter id, exp_type, opaque data. */
export const experimenterMultipart = bodyCodec({
  mpType: OFPMP.EXPERIMENTER,
  kind: 'experimenter',
  decodeRequest: decodeExperimenter,
  encodeRequest: encodeExperimenter,
  decodeReply: decodeExperimenter,
  encodeReply: encodeExperimenter,
});
