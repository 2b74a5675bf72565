/**
 * OpenFlow 1.3.5 error types (ofp_error_type) and every code of each type, with the spec's
 * names (section A.4.4). The constant objects below are the one description: the name lookups
 * are derived from them. Checked against `ovs-ofctl ofp-print` (test/protocol/error-codes.test.ts).
 */
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
  /** The ofp_error_experimenter_msg form: exp_type and an experimenter id instead of a code. */
  EXPERIMENTER: 0xffff,
} as const;

/** ofp_hello_failed_code */
export const OFPHFC = { INCOMPATIBLE: 0, EPERM: 1 } as const;

/** ofp_bad_request_code */
export const OFPBRC = {
  BAD_VERSION: 0,
  BAD_TYPE: 1,
  BAD_MULTIPART: 2,
  BAD_EXPERIMENTER: 3,
  BAD_EXP_TYPE: 4,
  EPERM: 5,
  BAD_LEN: 6,
  BUFFER_EMPTY: 7,
  BUFFER_UNKNOWN: 8,
  BAD_TABLE_ID: 9,
  IS_SLAVE: 10,
  BAD_PORT: 11,
  BAD_PACKET: 12,
  MULTIPART_BUFFER_OVERFLOW: 13,
} as const;

/** ofp_bad_action_code */
export const OFPBAC = {
  BAD_TYPE: 0,
  BAD_LEN: 1,
  BAD_EXPERIMENTER: 2,
  BAD_EXP_TYPE: 3,
  BAD_OUT_PORT: 4,
  BAD_ARGUMENT: 5,
  EPERM: 6,
  TOO_MANY: 7,
  BAD_QUEUE: 8,
  BAD_OUT_GROUP: 9,
  MATCH_INCONSISTENT: 10,
  UNSUPPORTED_ORDER: 11,
  BAD_TAG: 12,
  BAD_SET_TYPE: 13,
  BAD_SET_LEN: 14,
  BAD_SET_ARGUMENT: 15,
} as const;

/** ofp_bad_instruction_code (DUP_INST = 9 arrived in 1.4; 1.3 has it only as an ONF extension). */
export const OFPBIC = {
  UNKNOWN_INST: 0,
  UNSUP_INST: 1,
  BAD_TABLE_ID: 2,
  UNSUP_METADATA: 3,
  UNSUP_METADATA_MASK: 4,
  BAD_EXPERIMENTER: 5,
  BAD_EXP_TYPE: 6,
  BAD_LEN: 7,
  EPERM: 8,
} as const;

/** ofp_bad_match_code */
export const OFPBMC = {
  BAD_TYPE: 0,
  BAD_LEN: 1,
  BAD_TAG: 2,
  BAD_DL_ADDR_MASK: 3,
  BAD_NW_ADDR_MASK: 4,
  BAD_WILDCARDS: 5,
  BAD_FIELD: 6,
  BAD_VALUE: 7,
  BAD_MASK: 8,
  BAD_PREREQ: 9,
  DUP_FIELD: 10,
  EPERM: 11,
} as const;

/** ofp_flow_mod_failed_code */
export const OFPFMFC = {
  UNKNOWN: 0,
  TABLE_FULL: 1,
  BAD_TABLE_ID: 2,
  OVERLAP: 3,
  EPERM: 4,
  BAD_TIMEOUT: 5,
  BAD_COMMAND: 6,
  BAD_FLAGS: 7,
} as const;

/** ofp_group_mod_failed_code */
export const OFPGMFC = {
  GROUP_EXISTS: 0,
  INVALID_GROUP: 1,
  WEIGHT_UNSUPPORTED: 2,
  OUT_OF_GROUPS: 3,
  OUT_OF_BUCKETS: 4,
  CHAINING_UNSUPPORTED: 5,
  WATCH_UNSUPPORTED: 6,
  LOOP: 7,
  UNKNOWN_GROUP: 8,
  CHAINED_GROUP: 9,
  BAD_TYPE: 10,
  BAD_COMMAND: 11,
  BAD_BUCKET: 12,
  BAD_WATCH: 13,
  EPERM: 14,
} as const;

/** ofp_port_mod_failed_code */
export const OFPPMFC = { BAD_PORT: 0, BAD_HW_ADDR: 1, BAD_CONFIG: 2, BAD_ADVERTISE: 3, EPERM: 4 } as const;

/** ofp_table_mod_failed_code */
export const OFPTMFC = { BAD_TABLE: 0, BAD_CONFIG: 1, EPERM: 2 } as const;

/** ofp_queue_op_failed_code */
export const OFPQOFC = { BAD_PORT: 0, BAD_QUEUE: 1, EPERM: 2 } as const;

/** ofp_switch_config_failed_code */
export const OFPSCFC = { BAD_FLAGS: 0, BAD_LEN: 1, EPERM: 2 } as const;

/** ofp_role_request_failed_code */
export const OFPRRFC = { STALE: 0, UNSUP: 1, BAD_ROLE: 2 } as const;

/** ofp_meter_mod_failed_code */
export const OFPMMFC = {
  UNKNOWN: 0,
  METER_EXISTS: 1,
  INVALID_METER: 2,
  UNKNOWN_METER: 3,
  BAD_COMMAND: 4,
  BAD_FLAGS: 5,
  BAD_RATE: 6,
  BAD_BURST: 7,
  BAD_BAND: 8,
  BAD_BAND_VALUE: 9,
  OUT_OF_METERS: 10,
  OUT_OF_BANDS: 11,
} as const;

/** ofp_table_features_failed_code */
export const OFPTFFC = { BAD_TABLE: 0, BAD_METADATA: 1, BAD_TYPE: 2, BAD_LEN: 3, BAD_ARGUMENT: 4, EPERM: 5 } as const;

/** Each error type's code prefix and code table. */
export const ERROR_CODES: Readonly<Record<number, { readonly prefix: string; readonly codes: Readonly<Record<string, number>> }>> = {
  [OFPET.HELLO_FAILED]: { prefix: 'OFPHFC_', codes: OFPHFC },
  [OFPET.BAD_REQUEST]: { prefix: 'OFPBRC_', codes: OFPBRC },
  [OFPET.BAD_ACTION]: { prefix: 'OFPBAC_', codes: OFPBAC },
  [OFPET.BAD_INSTRUCTION]: { prefix: 'OFPBIC_', codes: OFPBIC },
  [OFPET.BAD_MATCH]: { prefix: 'OFPBMC_', codes: OFPBMC },
  [OFPET.FLOW_MOD_FAILED]: { prefix: 'OFPFMFC_', codes: OFPFMFC },
  [OFPET.GROUP_MOD_FAILED]: { prefix: 'OFPGMFC_', codes: OFPGMFC },
  [OFPET.PORT_MOD_FAILED]: { prefix: 'OFPPMFC_', codes: OFPPMFC },
  [OFPET.TABLE_MOD_FAILED]: { prefix: 'OFPTMFC_', codes: OFPTMFC },
  [OFPET.QUEUE_OP_FAILED]: { prefix: 'OFPQOFC_', codes: OFPQOFC },
  [OFPET.SWITCH_CONFIG_FAILED]: { prefix: 'OFPSCFC_', codes: OFPSCFC },
  [OFPET.ROLE_REQUEST_FAILED]: { prefix: 'OFPRRFC_', codes: OFPRRFC },
  [OFPET.METER_MOD_FAILED]: { prefix: 'OFPMMFC_', codes: OFPMMFC },
  [OFPET.TABLE_FEATURES_FAILED]: { prefix: 'OFPTFFC_', codes: OFPTFFC },
};

const TYPE_NAMES = new Map<number, string>(Object.entries(OFPET).map(([k, v]) => [v, `OFPET_${k}`]));

/** Code number -> short name, per error type, built once from the tables above. */
const CODE_NAMES = new Map<number, Map<number, string>>(
  Object.entries(ERROR_CODES).map(([t, e]) => [Number(t), new Map(Object.entries(e.codes).map(([n, c]) => [c, n]))]),
);

/** Spec name of an error type, e.g. OFPET_BAD_REQUEST; unknown numbers print as OFPET_<n>. */
export function errorTypeName(errType: number): string {
  return TYPE_NAMES.get(errType) ?? `OFPET_${errType}`;
}

/** Spec name of an error code within its type, e.g. OFPBRC_BAD_LEN; unknown codes print as their prefix and number. */
export function errorCodeName(errType: number, code: number): string {
  const entry = ERROR_CODES[errType];
  if (!entry) return String(code);
  const name = CODE_NAMES.get(errType)?.get(code);
  return name ? entry.prefix + name : `${entry.prefix}${code}`;
}

/** Look up a code number by type and short or full name (BAD_LEN or OFPBRC_BAD_LEN). */
export function errorCodeByName(errType: number, name: string): number | undefined {
  const entry = ERROR_CODES[errType];
  if (!entry) return undefined;
  const short = name.startsWith(entry.prefix) ? name.slice(entry.prefix.length) : name;
  return Object.hasOwn(entry.codes, short) ? entry.codes[short] : undefined;
}
