import t from 'tap';
import { codecForType, decode, OFPBRC, OFPET, OfCodecError } from '../../../protocol/index.js';

/** ofp_type -> [name, OFPT name, smallest valid length] per the OpenFlow 1.3.5 structs. */
const SPEC: [number, string, string, number][] = [
  [1, 'error', 'OFPT_ERROR', 12],
  [4, 'experimenter', 'OFPT_EXPERIMENTER', 16],
  [6, 'featuresReply', 'OFPT_FEATURES_REPLY', 32],
  [8, 'getConfigReply', 'OFPT_GET_CONFIG_REPLY', 12],
  [9, 'setConfig', 'OFPT_SET_CONFIG', 12],
  [10, 'packetIn', 'OFPT_PACKET_IN', 34],
  [11, 'flowRemoved', 'OFPT_FLOW_REMOVED', 56],
  [12, 'portStatus', 'OFPT_PORT_STATUS', 80],
  [13, 'packetOut', 'OFPT_PACKET_OUT', 24],
  [14, 'flowMod', 'OFPT_FLOW_MOD', 56],
  [15, 'groupMod', 'OFPT_GROUP_MOD', 16],
  [16, 'portMod', 'OFPT_PORT_MOD', 40],
  [17, 'tableMod', 'OFPT_TABLE_MOD', 16],
  [22, 'queueGetConfigRequest', 'OFPT_QUEUE_GET_CONFIG_REQUEST', 16],
  [23, 'queueGetConfigReply', 'OFPT_QUEUE_GET_CONFIG_REPLY', 16],
  [24, 'roleRequest', 'OFPT_ROLE_REQUEST', 24],
  [25, 'roleReply', 'OFPT_ROLE_REPLY', 24],
  [27, 'getAsyncReply', 'OFPT_GET_ASYNC_REPLY', 32],
  [28, 'setAsync', 'OFPT_SET_ASYNC', 32],
  [29, 'meterMod', 'OFPT_METER_MOD', 16],
];

t.test('each message type is registered with its spec name and minimum length', async (t) => {
  for (const [type, name, ofpName, min] of SPEC) {
    const c = codecForType(type);
    t.ok(c, `${ofpName} registered`);
    t.equal(c?.name, name);
    t.equal(c?.ofpName, ofpName);
    t.equal(c?.minLength, min, `${ofpName} minimum length`);
  }
});

t.test('a header-only message of every type is refused with BAD_LEN, never another error', async (t) => {
  for (const [type, , ofpName] of SPEC) {
    const bytes = Uint8Array.from([4, type, 0, 8, 0, 0, 0, 1]);
    try {
      decode(bytes);
      t.fail(`${ofpName}: decoded`);
    } catch (e) {
      t.ok(e instanceof OfCodecError && e.errType === OFPET.BAD_REQUEST && e.code === OFPBRC.BAD_LEN, `${ofpName}: ${(e as Error).message}`);
    }
  }
});

t.test('a zero-filled body of the minimum length decodes or throws the codec error only', async (t) => {
  for (const [type, , ofpName, min] of SPEC) {
    const bytes = new Uint8Array(min);
    bytes.set([4, type, 0, min, 0, 0, 0, 1]);
    try {
      decode(bytes);
      t.pass(`${ofpName} decodes`);
    } catch (e) {
      t.ok(e instanceof OfCodecError, `${ofpName}: ${(e as Error).message}`);
    }
  }
});
