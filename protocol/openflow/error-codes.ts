/** OpenFlow 1.3.5 error types (ofp_error_type) and their codes, with the spec's names. */
export const OFPET = {
  HELLO_FAILED: 0,
  BAD_REQUEST: 1,
  BAD_ACTION: 2,
  BAD_INSTRUCTION: 3,
  BAD_MATCH: 4,
  FLOW_MOD_FAILED: 5,
  GROUP_MOD_FAILED: 6,
  PORT_MOD_FAILED: 7,
  TABLE_MOD_FAILED: 8,
  QUEUE_OP_FAILED: 9,
  SWITCH_CONFIG_FAILED: 10,
  ROLE_REQUEST_FAILED: 11,
  METER_MOD_FAILED: 12,
  TABLE_FEATURES_FAILED: 13,
  EXPERIMENTER: 0xffff,
} as const;

/** Code names per error type, indexed by code number, without their OFP??C_ prefix. */
const CODES: Record<number, { prefix: string; names: readonly string[] }> = {
  0: { prefix: 'OFPHFC_', names: ['INCOMPATIBLE', 'EPERM'] },
  1: {
    prefix: 'OFPBRC_',
    names: [
      'BAD_VERSION', 'BAD_TYPE', 'BAD_MULTIPART', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'EPERM',
      'BAD_LEN', 'BUFFER_EMPTY', 'BUFFER_UNKNOWN', 'BAD_TABLE_ID', 'IS_SLAVE', 'BAD_PORT',
      'BAD_PACKET', 'MULTIPART_BUFFER_OVERFLOW',
    ],
  },
  2: {
    prefix: 'OFPBAC_',
    names: [
      'BAD_TYPE', 'BAD_LEN', 'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_OUT_PORT', 'BAD_ARGUMENT',
      'EPERM', 'TOO_MANY', 'BAD_QUEUE', 'BAD_OUT_GROUP', 'MATCH_INCONSISTENT',
      'UNSUPPORTED_ORDER', 'BAD_TAG', 'BAD_SET_TYPE', 'BAD_SET_LEN', 'BAD_SET_ARGUMENT',
    ],
  },
  3: {
    prefix: 'OFPBIC_',
    names: [
      'UNKNOWN_INST', 'UNSUP_INST', 'BAD_TABLE_ID', 'UNSUP_METADATA', 'UNSUP_METADATA_MASK',
      'BAD_EXPERIMENTER', 'BAD_EXP_TYPE', 'BAD_LEN', 'EPERM',
    ],
  },
  4: {
    prefix: 'OFPBMC_',
    names: [
      'BAD_TYPE', 'BAD_LEN', 'BAD_TAG', 'BAD_DL_ADDR_MASK', 'BAD_NW_ADDR_MASK', 'BAD_WILDCARDS',
      'BAD_FIELD', 'BAD_VALUE', 'BAD_MASK', 'BAD_PREREQ', 'DUP_FIELD', 'EPERM',
    ],
  },
  5: {
    prefix: 'OFPFMFC_',
    names: ['UNKNOWN', 'TABLE_FULL', 'BAD_TABLE_ID', 'OVERLAP', 'EPERM', 'BAD_TIMEOUT', 'BAD_COMMAND', 'BAD_FLAGS'],
  },
  6: {
    prefix: 'OFPGMFC_',
    names: [
      'GROUP_EXISTS', 'INVALID_GROUP', 'WEIGHT_UNSUPPORTED', 'OUT_OF_GROUPS', 'OUT_OF_BUCKETS',
      'CHAINING_UNSUPPORTED', 'WATCH_UNSUPPORTED', 'LOOP', 'UNKNOWN_GROUP', 'CHAINED_GROUP',
      'BAD_TYPE', 'BAD_COMMAND', 'BAD_BUCKET', 'BAD_WATCH', 'EPERM',
    ],
  },
  7: { prefix: 'OFPPMFC_', names: ['BAD_PORT', 'BAD_HW_ADDR', 'BAD_CONFIG', 'BAD_ADVERTISE', 'EPERM'] },
  8: { prefix: 'OFPTMFC_', names: ['BAD_TABLE', 'BAD_CONFIG', 'EPERM'] },
  9: { prefix: 'OFPQOFC_', names: ['BAD_PORT', 'BAD_QUEUE', 'EPERM'] },
  10: { prefix: 'OFPSCFC_', names: ['BAD_FLAGS', 'BAD_LEN', 'EPERM'] },
  11: { prefix: 'OFPRRFC_', names: ['STALE', 'UNSUP', 'BAD_ROLE'] },
  12: {
    prefix: 'OFPMMFC_',
    names: [
      'UNKNOWN', 'METER_EXISTS', 'INVALID_METER', 'UNKNOWN_METER', 'BAD_COMMAND', 'BAD_FLAGS',
      'BAD_RATE', 'BAD_BURST', 'BAD_BAND', 'BAD_BAND_VALUE', 'OUT_OF_METERS', 'OUT_OF_BANDS',
    ],
  },
  13: {
    prefix: 'OFPTFFC_',
    names: ['BAD_TABLE', 'BAD_METADATA', 'BAD_TYPE', 'BAD_LEN', 'BAD_ARGUMENT', 'EPERM'],
  },
};

const TYPE_NAMES = new Map<number, string>(Object.entries(OFPET).map(([k, v]) => [v, `OFPET_${k}`]));

/** Spec name of an error type, e.g. OFPET_BAD_REQUEST; unknown numbers print as OFPET_<n>. */
export function errorTypeName(errType: number): string {
  return TYPE_NAMES.get(errType) ?? `OFPET_${errType}`;
}

/** Spec name of an error code within its type, e.g. OFPBRC_BAD_LEN. */
export function errorCodeName(errType: number, code: number): string {
  const entry = CODES[errType];
  if (!entry) return String(code);
  const name = entry.names[code];
  return name ? entry.prefix + name : `${entry.prefix}${code}`;
}

/** Look up a code number by type and short or full name (BAD_LEN or OFPBRC_BAD_LEN). */
export function errorCodeByName(errType: number, name: string): number | undefined {
  const entry = CODES[errType];
  if (!entry) return undefined;
  const short = name.startsWith(entry.prefix) ? name.slice(entry.prefix.length) : name;
  const i = entry.names.indexOf(short);
  return i < 0 ? undefined : i;
}

/** The code constants used by the codec itself, named like the spec. */
export const OFPBRC = { BAD_VERSION: 0, BAD_TYPE: 1, BAD_MULTIPART: 2, BAD_EXPERIMENTER: 3, BAD_LEN: 6 } as const;
export const OFPBMC = { BAD_TYPE: 0, BAD_LEN: 1, BAD_FIELD: 6, BAD_VALUE: 7, BAD_MASK: 8, BAD_PREREQ: 9, DUP_FIELD: 10 } as const;
export const OFPBAC = { BAD_TYPE: 0, BAD_LEN: 1, BAD_ARGUMENT: 5, BAD_SET_TYPE: 13, BAD_SET_LEN: 14, BAD_SET_ARGUMENT: 15 } as const;
export const OFPBIC = { UNKNOWN_INST: 0, BAD_LEN: 7 } as const;
export const OFPHFC = { INCOMPATIBLE: 0, EPERM: 1 } as const;
