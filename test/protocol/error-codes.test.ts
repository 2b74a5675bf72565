import t from 'tap';
import { ERROR_CODES, errorCodeByName, errorCodeName, errorTypeName, OFPET } from '../../protocol/index.js';
import { ofpPrint } from '../support/ofp-print.js';

/** Every OpenFlow 1.3.5 error type with all its codes, in code order (spec section A.4.4). */
const SPEC: [number, string, string[]][] = [
  [0, 'OFPET_HELLO_FAILED', ['OFPHFC_INCOMPATIBLE', 'OFPHFC_EPERM']],
  [1, 'OFPET_BAD_REQUEST', [
    'OFPBRC_BAD_VERSION', 'OFPBRC_BAD_TYPE', 'OFPBRC_BAD_MULTIPART', 'OFPBRC_BAD_EXPERIMENTER',
    'OFPBRC_BAD_EXP_TYPE', 'OFPBRC_EPERM', 'OFPBRC_BAD_LEN', 'OFPBRC_BUFFER_EMPTY',
    'OFPBRC_BUFFER_UNKNOWN', 'OFPBRC_BAD_TABLE_ID', 'OFPBRC_IS_SLAVE', 'OFPBRC_BAD_PORT',
    'OFPBRC_BAD_PACKET', 'OFPBRC_MULTIPART_BUFFER_OVERFLOW',
  ]],
  [2, 'OFPET_BAD_ACTION', [
    'OFPBAC_BAD_TYPE', 'OFPBAC_BAD_LEN', 'OFPBAC_BAD_EXPERIMENTER', 'OFPBAC_BAD_EXP_TYPE',
    'OFPBAC_BAD_OUT_PORT', 'OFPBAC_BAD_ARGUMENT', 'OFPBAC_EPERM', 'OFPBAC_TOO_MANY',
    'OFPBAC_BAD_QUEUE', 'OFPBAC_BAD_OUT_GROUP', 'OFPBAC_MATCH_INCONSISTENT',
    'OFPBAC_UNSUPPORTED_ORDER', 'OFPBAC_BAD_TAG', 'OFPBAC_BAD_SET_TYPE', 'OFPBAC_BAD_SET_LEN',
    'OFPBAC_BAD_SET_ARGUMENT',
  ]],
  [3, 'OFPET_BAD_INSTRUCTION', [
    'OFPBIC_UNKNOWN_INST', 'OFPBIC_UNSUP_INST', 'OFPBIC_BAD_TABLE_ID', 'OFPBIC_UNSUP_METADATA',
    'OFPBIC_UNSUP_METADATA_MASK', 'OFPBIC_BAD_EXPERIMENTER', 'OFPBIC_BAD_EXP_TYPE',
    'OFPBIC_BAD_LEN', 'OFPBIC_EPERM',
  ]],
  [4, 'OFPET_BAD_MATCH', [
    'OFPBMC_BAD_TYPE', 'OFPBMC_BAD_LEN', 'OFPBMC_BAD_TAG', 'OFPBMC_BAD_DL_ADDR_MASK',
    'OFPBMC_BAD_NW_ADDR_MASK', 'OFPBMC_BAD_WILDCARDS', 'OFPBMC_BAD_FIELD', 'OFPBMC_BAD_VALUE',
    'OFPBMC_BAD_MASK', 'OFPBMC_BAD_PREREQ', 'OFPBMC_DUP_FIELD', 'OFPBMC_EPERM',
  ]],
  [5, 'OFPET_FLOW_MOD_FAILED', [
    'OFPFMFC_UNKNOWN', 'OFPFMFC_TABLE_FULL', 'OFPFMFC_BAD_TABLE_ID', 'OFPFMFC_OVERLAP',
    'OFPFMFC_EPERM', 'OFPFMFC_BAD_TIMEOUT', 'OFPFMFC_BAD_COMMAND', 'OFPFMFC_BAD_FLAGS',
  ]],
  [6, 'OFPET_GROUP_MOD_FAILED', [
    'OFPGMFC_GROUP_EXISTS', 'OFPGMFC_INVALID_GROUP', 'OFPGMFC_WEIGHT_UNSUPPORTED',
    'OFPGMFC_OUT_OF_GROUPS', 'OFPGMFC_OUT_OF_BUCKETS', 'OFPGMFC_CHAINING_UNSUPPORTED',
    'OFPGMFC_WATCH_UNSUPPORTED', 'OFPGMFC_LOOP', 'OFPGMFC_UNKNOWN_GROUP', 'OFPGMFC_CHAINED_GROUP',
    'OFPGMFC_BAD_TYPE', 'OFPGMFC_BAD_COMMAND', 'OFPGMFC_BAD_BUCKET', 'OFPGMFC_BAD_WATCH',
    'OFPGMFC_EPERM',
  ]],
  [7, 'OFPET_PORT_MOD_FAILED', ['OFPPMFC_BAD_PORT', 'OFPPMFC_BAD_HW_ADDR', 'OFPPMFC_BAD_CONFIG', 'OFPPMFC_BAD_ADVERTISE', 'OFPPMFC_EPERM']],
  [8, 'OFPET_TABLE_MOD_FAILED', ['OFPTMFC_BAD_TABLE', 'OFPTMFC_BAD_CONFIG', 'OFPTMFC_EPERM']],
  [9, 'OFPET_QUEUE_OP_FAILED', ['OFPQOFC_BAD_PORT', 'OFPQOFC_BAD_QUEUE', 'OFPQOFC_EPERM']],
  [10, 'OFPET_SWITCH_CONFIG_FAILED', ['OFPSCFC_BAD_FLAGS', 'OFPSCFC_BAD_LEN', 'OFPSCFC_EPERM']],
  [11, 'OFPET_ROLE_REQUEST_FAILED', ['OFPRRFC_STALE', 'OFPRRFC_UNSUP', 'OFPRRFC_BAD_ROLE']],
  [12, 'OFPET_METER_MOD_FAILED', [
    'OFPMMFC_UNKNOWN', 'OFPMMFC_METER_EXISTS', 'OFPMMFC_INVALID_METER', 'OFPMMFC_UNKNOWN_METER',
    'OFPMMFC_BAD_COMMAND', 'OFPMMFC_BAD_FLAGS', 'OFPMMFC_BAD_RATE', 'OFPMMFC_BAD_BURST',
    'OFPMMFC_BAD_BAND', 'OFPMMFC_BAD_BAND_VALUE', 'OFPMMFC_OUT_OF_METERS', 'OFPMMFC_OUT_OF_BANDS',
  ]],
  [13, 'OFPET_TABLE_FEATURES_FAILED', [
    'OFPTFFC_BAD_TABLE', 'OFPTFFC_BAD_METADATA', 'OFPTFFC_BAD_TYPE', 'OFPTFFC_BAD_LEN',
    'OFPTFFC_BAD_ARGUMENT', 'OFPTFFC_EPERM',
  ]],
];

/**
 * Where Open vSwitch prints a different name for the same (type, code): it keeps its
 * OpenFlow 1.0 names, says primary/secondary, and names 1.3's table-features codes after
 * their 1.4 property-error equivalents.
 */
const OVS_ALIASES: Record<string, string> = {
  OFPBRC_BAD_MULTIPART: 'OFPBRC_BAD_STAT',
  OFPBRC_BAD_EXPERIMENTER: 'OFPBRC_BAD_VENDOR',
  OFPBRC_BAD_EXP_TYPE: 'OFPBRC_BAD_SUBTYPE',
  OFPBRC_IS_SLAVE: 'OFPBRC_IS_SECONDARY',
  OFPBAC_BAD_EXPERIMENTER: 'OFPBAC_BAD_VENDOR',
  OFPBAC_BAD_EXP_TYPE: 'OFPBAC_BAD_VENDOR_TYPE',
  OFPTFFC_BAD_TYPE: 'OFPBPC_BAD_TYPE',
  OFPTFFC_BAD_LEN: 'OFPBPC_BAD_LEN',
  OFPTFFC_BAD_ARGUMENT: 'OFPBPC_BAD_VALUE',
};

t.test('every error type and code has its spec name, and nothing more', async (t) => {
  t.same(
    Object.keys(ERROR_CODES).map(Number).sort((a, b) => a - b),
    SPEC.map(([n]) => n),
    'the code tables cover exactly types 0..13',
  );
  for (const [type, typeName, codes] of SPEC) {
    t.equal(errorTypeName(type), typeName);
    t.equal(Object.keys(ERROR_CODES[type]!.codes).length, codes.length, `${typeName} has ${codes.length} codes`);
    codes.forEach((name, code) => {
      t.equal(errorCodeName(type, code), name, `${typeName} code ${code}`);
      t.equal(errorCodeByName(type, name), code, `${name} by full name`);
      t.equal(errorCodeByName(type, name.replace(/^OFP[A-Z]+_/, '')), code, `${name} by short name`);
    });
    t.equal(errorCodeName(type, codes.length), `${ERROR_CODES[type]!.prefix}${codes.length}`, `${typeName}: the next code is unnamed`);
  }
  t.equal(errorTypeName(OFPET.EXPERIMENTER), 'OFPET_EXPERIMENTER');
  t.equal(errorTypeName(14), 'OFPET_14');
  t.equal(errorCodeName(0xffff, 2600), '2600');
  t.equal(errorCodeByName(1, 'NO_SUCH_CODE'), undefined);
  t.equal(errorCodeByName(1, 'constructor'), undefined, 'no prototype keys leak through');
});

t.test('Open vSwitch agrees on every (type, code) number', async (t) => {
  for (const [type, , codes] of SPEC) {
    codes.forEach((name, code) => {
      const msg = Buffer.alloc(12);
      msg.writeUInt32BE(0x0401000c, 0);
      msg.writeUInt16BE(type, 8);
      msg.writeUInt16BE(code, 10);
      const line = ofpPrint(msg).split('\n')[0]!;
      t.equal(line.replace(/^.*\): /, ''), OVS_ALIASES[name] ?? name, `${name} per ovs-ofctl`);
    });
  }
});
