/**
 * Typed forms of the ONF bundle messages (EXT-230 in OpenFlow 1.3). On the wire each is an
 * OFPT_EXPERIMENTER message with experimenter ONF_EXPERIMENTER_ID; one not in the exact form the
 * encoder writes back stays `{ type: 'experimenter', ... }`.
 */

/** ONFT_BUNDLE_CONTROL: open, close, commit or discard a bundle, and the switch's replies. */
export interface BundleControl {
  type: 'bundleControl';
  xid: number;
  bundleId: number;
  /** OFPBCT_*. */
  ctrlType: number;
  /** OFPBF_* bits. */
  flags: number;
  /** Bundle properties (ofp_bundle_prop), raw; none in practice. */
  properties: Uint8Array;
}

/**
 * ONFT_BUNDLE_ADD_MESSAGE: one message (FLOW_MOD, GROUP_MOD, PORT_MOD, PACKET_OUT) into a bundle.
 * `message` is the whole inner message as bytes; its xid must equal the outer xid (the encoder
 * writes the outer xid into it). The outer message is padded to a multiple of 8 bytes.
 */
export interface BundleAdd {
  type: 'bundleAdd';
  xid: number;
  bundleId: number;
  flags: number;
  message: Uint8Array;
}

export type OnfMessage = BundleControl | BundleAdd;
