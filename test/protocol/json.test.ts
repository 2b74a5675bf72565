import t from 'tap';
import {
  actionsFromJson,
  actionsToJson,
  fromJson,
  instructionsFromJson,
  instructionsToJson,
  jsonStringify,
  matchFromJson,
  matchToJson,
  OfCodecError,
  OFPET,
  toJson,
  type JsonValue,
  type OfMessage,
} from '../../protocol/index.js';
import { allSampleMessages, sampleMessages } from '../support/sample-messages.js';
import * as p from '../support/sample-parts.js';

const find = (type: OfMessage['type'], xid?: number) => sampleMessages.find((m) => m.type === type && (xid === undefined || m.xid === xid))!;
/** A sample's JSON as a REST client would send it back: parsed from text, freely editable. */
const jsonOf = (m: OfMessage): any => JSON.parse(JSON.stringify(toJson(m)));

function errorOf(f: () => unknown): OfCodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof OfCodecError) return e;
    throw new Error(`threw ${String(e)} instead of OfCodecError`);
  }
  throw new Error('did not throw');
}

function leaves(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) Object.values(v).forEach((x) => leaves(x, out));
  else out.push(v);
  return out;
}

t.test('every sample round-trips through JSON text exactly', async (t) => {
  for (const m of allSampleMessages) {
    const text = JSON.stringify(toJson(m));
    const back = fromJson(JSON.parse(text));
    t.strictSame(back, m, text.slice(0, 80));
    t.equal(jsonStringify(m), text);
    // Nothing but JSON types comes out: no bigint, no bytes, no undefined.
    t.ok(leaves(toJson(m)).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x)), m.type);
  }
});

t.test('64-bit fields are decimal strings and bytes are lowercase hex', async (t) => {
  const fm = jsonOf(find('flowMod', 13));
  t.equal(fm.cookie, '1234605616436508552');
  t.equal(fm.cookieMask, '0');
  t.same(fm.instructions[4], { type: 'writeMetadata', metadata: '171', metadataMask: '255' });
  t.same(fm.match[3], { field: 'ipv4_src', value: '10.0.0.0', mask: '255.255.255.0' });
  t.same(fm.instructions[1].actions[0], { type: 'setField', field: { field: 'eth_dst', value: 'aa:bb:cc:dd:ee:0f' } });
  const fs = jsonOf(find('multipartReply', 0x110));
  t.same(fs.body.stats[2].match.slice(0, 2), [
    { field: 'metadata', value: '160', mask: '240' },
    { field: 'tunnel_id', value: '4660' },
  ]);
  t.equal(fs.body.stats[1].packetCount, '9000000000');
  t.equal(jsonOf(find('featuresReply')).datapathId, String(0x00000a1b2c3d4e5fn));
  t.equal(jsonOf(find('roleReply')).generationId, '12345678901234567890');
  t.equal(jsonOf(find('echoRequest')).data, '0000000000000b1f');
  t.equal(jsonOf(find('echoReply')).data, 'cafe');
  t.same(jsonOf(find('getAsyncReply')).packetInMask, [7, 0]);
  t.same(Object.keys(jsonOf(find('hello'))), ['type', 'xid', 'version', 'elements']);
  // Optional keys that are absent stay absent.
  t.notOk('experimenter' in jsonOf(find('error', 9)));
  t.notOk('mask' in jsonOf(find('flowMod', 13)).match[0]);
});

t.test('the structure helpers round-trip on their own', async (t) => {
  for (const match of [p.tcpMatch, p.udp6Match, p.vlanMatch, p.icmp6Match, p.icmp4Match, p.unsupportedMatch, []]) {
    t.strictSame(matchFromJson(JSON.parse(JSON.stringify(matchToJson(match)))), match);
  }
  for (const actions of [p.mplsPushActions, p.mplsPopActions, p.pbbActions, p.ttlCopyActions]) {
    t.strictSame(actionsFromJson(JSON.parse(JSON.stringify(actionsToJson(actions)))), actions);
  }
  t.strictSame(instructionsFromJson(JSON.parse(JSON.stringify(instructionsToJson(p.tcpInstructions)))), p.tcpInstructions);
  t.match(errorOf(() => matchFromJson([{ field: 'eth_dst', value: 'x' }])).message, 'match[0].value: expected a MAC address');
  t.match(errorOf(() => matchFromJson({}, 'flows[3].match')).message, 'flows[3].match: expected an array');
  t.match(errorOf(() => actionsFromJson([{ type: 'output', port: 1 }])).message, 'actions[0].maxLen: missing');
  t.match(errorOf(() => instructionsFromJson([{ type: 'meter' }], 'rule.instructions')).message, 'rule.instructions[0].meterId: missing');
});

t.test('a 64-bit value may also come as a safe JSON integer', async (t) => {
  const j = jsonOf(find('flowMod', 13));
  j.cookie = 77;
  j.instructions[4].metadata = 0;
  const m = fromJson(j) as Extract<OfMessage, { type: 'flowMod' }>;
  t.equal(m.cookie, 77n);
  t.same(m.instructions[4], { type: 'writeMetadata', metadata: 0n, metadataMask: 255n });
  j.cookie = '18446744073709551615';
  t.equal((fromJson(j) as typeof m).cookie, 0xffffffffffffffffn);
  j.data = 'AbCd';
  const e = jsonOf(find('echoReply'));
  e.data = 'AbCd';
  t.strictSame((fromJson(e) as { data: Uint8Array }).data, new Uint8Array([0xab, 0xcd]));
});

/** [description, mutate the sample's JSON, expected message part, error type, error code name]. */
type Case = [string, OfMessage, (j: any) => unknown, string, number, string];
const BRC = OFPET.BAD_REQUEST;
const BMC = OFPET.BAD_MATCH;
const BAC = OFPET.BAD_ACTION;
const BIC = OFPET.BAD_INSTRUCTION;

const cases: Case[] = [
  ['not an object', find('hello'), () => 'hello', 'message: expected an object, got string', BRC, 'OFPBRC_BAD_TYPE'],
  ['an array', find('hello'), () => [], 'message: expected an object, got array', BRC, 'OFPBRC_BAD_TYPE'],
  ['unknown type', find('hello'), (j) => ({ ...j, type: 'flowModd' }), 'message.type: unknown type "flowModd"', BRC, 'OFPBRC_BAD_TYPE'],
  ['missing type', find('hello'), (j) => ({ ...j, type: undefined }), 'message.type: missing', BRC, 'OFPBRC_BAD_TYPE'],
  ['missing xid', find('flowMod', 13), (j) => ({ ...j, xid: undefined }), 'flowMod.xid: missing', BRC, 'OFPBRC_BAD_TYPE'],
  ['negative xid', find('barrierRequest'), (j) => ({ ...j, xid: -1 }), 'barrierRequest.xid: expected an unsigned 32-bit integer, got -1', BRC, 'OFPBRC_BAD_TYPE'],
  ['xid too big', find('barrierRequest'), (j) => ({ ...j, xid: 2 ** 32 }), 'barrierRequest.xid: expected an unsigned 32-bit', BRC, 'OFPBRC_BAD_TYPE'],
  ['fractional xid', find('barrierRequest'), (j) => ({ ...j, xid: 1.5 }), 'barrierRequest.xid', BRC, 'OFPBRC_BAD_TYPE'],
  ['string xid', find('barrierRequest'), (j) => ({ ...j, xid: '5' }), 'barrierRequest.xid: expected an unsigned 32-bit integer, got string', BRC, 'OFPBRC_BAD_TYPE'],
  ['unknown key', find('flowMod', 13), (j) => ({ ...j, bogus: 1 }), 'flowMod.bogus: unknown field', BRC, 'OFPBRC_BAD_TYPE'],
  ['u8 overflow', find('flowMod', 13), (j) => ({ ...j, tableId: 256 }), 'flowMod.tableId: expected an unsigned 8-bit integer, got 256', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie 2^64', find('flowMod', 13), (j) => ({ ...j, cookie: '18446744073709551616' }), 'flowMod.cookie: expected an unsigned 64-bit integer', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie negative', find('flowMod', 13), (j) => ({ ...j, cookie: '-1' }), 'flowMod.cookie', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie hex', find('flowMod', 13), (j) => ({ ...j, cookie: '0x10' }), 'flowMod.cookie', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie empty', find('flowMod', 13), (j) => ({ ...j, cookie: '' }), 'flowMod.cookie', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie unsafe number', find('flowMod', 13), (j) => ({ ...j, cookie: 2 ** 60 }), 'flowMod.cookie', BRC, 'OFPBRC_BAD_TYPE'],
  ['cookie boolean', find('flowMod', 13), (j) => ({ ...j, cookie: true }), 'flowMod.cookie: expected an unsigned 64-bit integer as a decimal string, got boolean', BRC, 'OFPBRC_BAD_TYPE'],
  ['odd hex', find('echoRequest'), (j) => ({ ...j, data: 'abc' }), 'echoRequest.data: expected a hex string', BRC, 'OFPBRC_BAD_TYPE'],
  ['non-hex', find('echoRequest'), (j) => ({ ...j, data: 'zz' }), 'echoRequest.data: expected a hex string', BRC, 'OFPBRC_BAD_TYPE'],
  ['bytes as array', find('packetOut'), (j) => ({ ...j, data: [1, 2] }), 'packetOut.data: expected a hex string, got array', BRC, 'OFPBRC_BAD_TYPE'],
  ['bad MAC in match', find('flowMod', 14), (j) => (j.match[4].value = 'aa:bb:cc:dd:ee', j), 'flowMod.match[4].value: expected a MAC address', BMC, 'OFPBMC_BAD_VALUE'],
  ['MAC where IPv4 goes', find('flowMod', 13), (j) => (j.match[3].value = 'aa:bb:cc:dd:ee:ff', j), 'flowMod.match[3].value: expected an IPv4 address', BMC, 'OFPBMC_BAD_VALUE'],
  ['bad IPv4 mask', find('flowMod', 13), (j) => (j.match[3].mask = '255.255.255.256', j), 'flowMod.match[3].mask: expected an IPv4 address', BMC, 'OFPBMC_BAD_MASK'],
  ['bad IPv6', find('flowRemoved'), (j) => (j.match[3].value = 'fe80:::1', j), 'flowRemoved.match[3].value: expected an IPv6 address', BMC, 'OFPBMC_BAD_VALUE'],
  ['unknown OXM field', find('flowMod', 13), (j) => (j.match[1].field = 'eth_typo', j), 'flowMod.match[1].field: unknown OXM field "eth_typo"', BMC, 'OFPBMC_BAD_FIELD'],
  ['mask on in_port', find('flowMod', 13), (j) => (j.match[0].mask = 1, j), 'flowMod.match[0].mask: in_port cannot be masked', BMC, 'OFPBMC_BAD_MASK'],
  ['vlan_pcp out of range', find('flowMod', 15), (j) => (j.match[3].value = 8, j), 'flowMod.match[3].value: expected an unsigned 3-bit integer, got 8', BMC, 'OFPBMC_BAD_VALUE'],
  ['metadata not a string', find('packetIn'), (j) => (j.match[1].value = 'x42', j), 'packetIn.match[1].value: expected an unsigned 64-bit integer', BMC, 'OFPBMC_BAD_VALUE'],
  ['value missing', find('packetIn'), (j) => (delete j.match[0].value, j), 'packetIn.match[0].value: missing', BMC, 'OFPBMC_BAD_VALUE'],
  ['extra OXM key', find('packetIn'), (j) => (j.match[0].hasMask = true, j), 'packetIn.match[0].hasMask: unknown field', BMC, 'OFPBMC_BAD_VALUE'],
  ['match not an array', find('packetIn'), (j) => ({ ...j, match: { in_port: 1 } }), 'packetIn.match: expected an array, got object', BMC, 'OFPBMC_BAD_TYPE'],
  ['bad opaque body', find('flowMod', 13), (j) => (j.match[0] = { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: 'q' }, j), 'flowMod.match[0].body: expected a hex string', BMC, 'OFPBMC_BAD_VALUE'],
  ['unknown action', find('flowMod', 13), (j) => (j.instructions[1].actions[0] = { type: 'teleport' }, j), 'flowMod.instructions[1].actions[0].type: unknown type "teleport"', BAC, 'OFPBAC_BAD_TYPE'],
  ['output port as name', find('packetOut'), (j) => (j.actions[2].port = 'FLOOD', j), 'packetOut.actions[2].port: expected an unsigned 32-bit integer', BAC, 'OFPBAC_BAD_ARGUMENT'],
  ['set_field of unknown field', find('packetOut'), (j) => (j.actions[1].field.field = 'vlan', j), 'packetOut.actions[1].field.field: unknown OXM field "vlan"', BAC, 'OFPBAC_BAD_SET_TYPE'],
  ['set_field bad value', find('packetOut'), (j) => (j.actions[1].field.value = 0x2000, j), 'packetOut.actions[1].field.value: expected an unsigned 13-bit integer', BAC, 'OFPBAC_BAD_SET_ARGUMENT'],
  ['bucket action', find('groupMod', 17), (j) => (j.buckets[1].actions[0].queueId = null, j), 'groupMod.buckets[1].actions[0].queueId: expected an unsigned 32-bit integer, got null', BAC, 'OFPBAC_BAD_ARGUMENT'],
  ['unknown instruction', find('flowMod', 13), (j) => (j.instructions[2] = { type: 'gotoTables', tableId: 1 }, j), 'flowMod.instructions[2].type: unknown type "gotoTables"', BIC, 'OFPBIC_UNKNOWN_INST'],
  ['goto table 256', find('flowMod', 13), (j) => (j.instructions[5].tableId = 256, j), 'flowMod.instructions[5].tableId', BIC, 'OFPBIC_BAD_TABLE_ID'],
  ['metadata mask', find('flowMod', 13), (j) => (j.instructions[4].metadataMask = '-1', j), 'flowMod.instructions[4].metadataMask', BIC, 'OFPBIC_UNSUP_METADATA_MASK'],
  ['meter id', find('flowMod', 13), (j) => (j.instructions[0].meterId = 'nine', j), 'flowMod.instructions[0].meterId', BIC, 'OFPBIC_UNSUP_INST'],
  ['unknown multipart kind', find('multipartReply', 0x111), (j) => (j.body.kind = 'flows', j), 'multipartReply.body.kind: unknown kind "flows"', BRC, 'OFPBRC_BAD_MULTIPART'],
  ['flow stats counter', find('multipartReply', 0x110), (j) => (j.body.stats[1].byteCount = '1.5', j), 'multipartReply.body.stats[1].byteCount', BRC, 'OFPBRC_BAD_TYPE'],
  ['flow stats match', find('multipartReply', 0x110), (j) => (j.body.stats[2].match[2].value = '9a-1c-2f-30-44-02', j), 'multipartReply.body.stats[2].match[2].value: expected a MAC address', BMC, 'OFPBMC_BAD_VALUE'],
  ['table feature prop', find('multipartReply', 0x11b), (j) => (j.body.tables[0].properties[2].tableIds[1] = 'one', j), 'multipartReply.body.tables[0].properties[2].tableIds[1]', BRC, 'OFPBRC_BAD_TYPE'],
  ['table feature prop type', find('multipartReply', 0x11b), (j) => (j.body.tables[1].properties[0].type = 'goto', j), 'multipartReply.body.tables[1].properties[0].type: unknown type "goto"', BRC, 'OFPBRC_BAD_TYPE'],
  ['group features tuple', find('multipartReply', 0x117), (j) => (j.body.maxGroups.pop(), j), 'multipartReply.body.maxGroups: expected an array of 4 items', BRC, 'OFPBRC_BAD_TYPE'],
  ['async mask pair', find('setAsync'), (j) => (j.portStatusMask[1] = -3, j), 'setAsync.portStatusMask[1]', BRC, 'OFPBRC_BAD_TYPE'],
  ['port MAC', find('portStatus'), (j) => (j.desc.hwAddr = 'nope', j), 'portStatus.desc.hwAddr: expected a MAC address', BRC, 'OFPBRC_BAD_TYPE'],
  ['port name', find('portStatus'), (j) => (j.desc.name = 5, j), 'portStatus.desc.name: expected a string, got number', BRC, 'OFPBRC_BAD_TYPE'],
  ['hello version', find('hello'), (j) => ({ ...j, version: '4' }), 'hello.version', BRC, 'OFPBRC_BAD_TYPE'],
  ['hello element', find('hello'), (j) => (j.elements[0] = { type: 'versionBitmap', bitmaps: 16 }, j), 'hello.elements[0].bitmaps: expected an array', BRC, 'OFPBRC_BAD_TYPE'],
  ['band', find('meterMod', 28), (j) => (delete j.bands[0].precLevel, j), 'meterMod.bands[0].precLevel: missing', BRC, 'OFPBRC_BAD_TYPE'],
  ['queue property', find('queueGetConfigReply'), (j) => (j.queues[0].properties[1].rate = 70000, j), 'queueGetConfigReply.queues[0].properties[1].rate', BRC, 'OFPBRC_BAD_TYPE'],
  ['error experimenter', find('error', 9), (j) => ({ ...j, experimenter: 'onf' }), 'error.experimenter', BRC, 'OFPBRC_BAD_TYPE'],
];

t.test('invalid JSON bodies name the path and the closest OpenFlow error', async (t) => {
  for (const [what, sample, mutate, message, errType, codeName] of cases) {
    const e = errorOf(() => fromJson(mutate(jsonOf(sample))));
    t.ok(e.message.includes(message), `${what}: "${e.message}" includes "${message}"`);
    t.equal(e.errType, errType, `${what}: error type`);
    t.match(e.message, new RegExp(`^OFPET_\\w+/${codeName}: `), `${what}: ${codeName}`);
  }
});

t.test('any junk in any position throws only OfCodecError', async (t) => {
  const junk: JsonValue[] = [null, {}, [], 'zz', -1, 1.5, true, '99999999999999999999999'];
  let thrown = 0;
  let calls = 0;
  for (const m of allSampleMessages) {
    const base = jsonOf(m);
    // Replace every value at every path, one at a time.
    const paths: (string | number)[][] = [];
    const collect = (v: unknown, path: (string | number)[]) => {
      if (path.length) paths.push(path);
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, [...path, Array.isArray(v) ? Number(k) : k]);
    };
    collect(base, []);
    for (const path of paths) {
      for (const bad of junk) {
        const j = structuredClone(base);
        let at = j;
        for (const k of path.slice(0, -1)) at = at[k];
        at[path[path.length - 1]!] = bad;
        calls++;
        try {
          fromJson(j);
        } catch (e) {
          if (!(e instanceof OfCodecError)) throw e;
          thrown++;
        }
      }
    }
  }
  t.ok(calls > 10_000, `${calls} mutations`);
  t.ok(thrown > calls * 0.9, `${thrown} of ${calls} rejected`);
});
