/**
 * Open vSwitch's Nicira extension numbers (include/openflow/nicira-ext.h and lib/ofp-actions.c
 * in Open vSwitch): the vendor id of experimenter actions, the action subtypes weft decodes into
 * typed actions, and the bits of their flag fields.
 */

/** Experimenter id of every Nicira extension action (NX_VENDOR_ID). */
export const NX_VENDOR_ID = 0x00002320;

/** Nicira action subtypes (enum nx_action_subtype) that have a typed form here. */
export const NXAST = { RESUBMIT_TABLE: 14, CT: 35, NAT: 36, CT_CLEAR: 43 } as const;

/** ct() flags (NX_CT_F_*). */
export const NX_CT_F = { COMMIT: 1, FORCE: 2 } as const;

/** ct(table=...) absent: no recirculation. */
export const NX_CT_RECIRC_NONE = 0xff;

/** ct(alg=...) values: the L4 port of the helper's protocol. */
export const NX_CT_ALG = { FTP: 21, TFTP: 69 } as const;

/** nat() flags (NX_NAT_F_*). */
export const NX_NAT_F = { SRC: 1, DST: 2, PERSISTENT: 4, PROTO_HASH: 8, PROTO_RANDOM: 16 } as const;

/** nat() range_present bits: which range values follow the fixed part, in this order. */
export const NX_NAT_RANGE = { IPV4_MIN: 1, IPV4_MAX: 2, IPV6_MIN: 4, IPV6_MAX: 8, PROTO_MIN: 16, PROTO_MAX: 32 } as const;

/** ct_state match bits (CS_*), as ovs-ofctl spells them: +new, +est, +trk ... */
export const CT_STATE = { new: 0x01, est: 0x02, rel: 0x04, rpl: 0x08, inv: 0x10, trk: 0x20, snat: 0x40, dnat: 0x80 } as const;

/** resubmit's in_port is an OpenFlow 1.0 (16-bit) port: 0xfff8 (OFPP_IN_PORT) means "unchanged". */
export const NX_RESUBMIT_IN_PORT = 0xfff8;
/** resubmit's table 255 means "the current table". */
export const NX_RESUBMIT_CURRENT_TABLE = 0xff;

/** OXM class of Open vSwitch's own match fields (NXM_1), where ct_state and friends live. */
export const NXM1_CLASS = 0x0001;
