/**
 * The ONF bundle extension for OpenFlow 1.3 (EXT-230), as Open vSwitch implements it: OpenFlow
 * 1.4's bundle messages carried as OFPT_EXPERIMENTER messages of the ONF experimenter id, and
 * OpenFlow 1.4's OFPET_BUNDLE_FAILED codes carried as experimenter errors.
 */

/** Experimenter id of the Open Networking Foundation (ONF_EXPERIMENTER_ID). */
export const ONF_EXPERIMENTER_ID = 0x4f4e4600;

/** ONF experimenter message types (exp_type). */
export const ONFT = { BUNDLE_CONTROL: 2300, BUNDLE_ADD_MESSAGE: 2301 } as const;

/** ofp_bundle_ctrl_type. */
export const OFPBCT = {
  OPEN_REQUEST: 0,
  OPEN_REPLY: 1,
  CLOSE_REQUEST: 2,
  CLOSE_REPLY: 3,
  COMMIT_REQUEST: 4,
  COMMIT_REPLY: 5,
  DISCARD_REQUEST: 6,
  DISCARD_REPLY: 7,
} as const;

/** ofp_bundle_flags. */
export const OFPBF = { ATOMIC: 1, ORDERED: 2 } as const;

/**
 * OpenFlow 1.4's ofp_bundle_failed_code. In OpenFlow 1.3 Open vSwitch sends them as an
 * experimenter error (type 0xffff) with experimenter ONF_EXPERIMENTER_ID and exp_type
 * ONF_BUNDLE_ERROR_BASE + code (captured: BAD_ID is exp_type 2302, MSG_FAILED 2313).
 */
export const OFPBFC = {
  UNKNOWN: 0,
  EPERM: 1,
  BAD_ID: 2,
  BUNDLE_EXIST: 3,
  BUNDLE_CLOSED: 4,
  OUT_OF_BUNDLES: 5,
  BAD_TYPE: 6,
  BAD_FLAGS: 7,
  MSG_BAD_LEN: 8,
  MSG_BAD_XID: 9,
  MSG_UNSUP: 10,
  MSG_CONFLICT: 11,
  MSG_TOO_MANY: 12,
  MSG_FAILED: 13,
  TIMEOUT: 14,
  BUNDLE_IN_PROGRESS: 15,
} as const;

export const ONF_BUNDLE_ERROR_BASE = 2300;

/** ofp_bundle_ctrl_msg after the 16-byte experimenter header: bundle_id, type, flags. */
export const BUNDLE_CTRL_LEN = 24;
/** ofp_bundle_add_msg up to the inner message: header 16, bundle_id 4, pad 2, flags 2. */
export const BUNDLE_ADD_HEADER_LEN = 24;
