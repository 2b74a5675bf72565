import type { Action, Bucket, Instruction, Match, Port, TableFeatures } from '../../protocol/index.js';

/**
 * Building blocks of the sample corpus (sample-messages.ts): frames, ports, matches and
 * action lists as Open vSwitch 3.1 would send or accept them, with distinct, non-default
 * values. Matches list their prerequisites first (eth_type before ip_proto before tcp_dst).
 */

export const NO_BUFFER = 0xffffffff;
export const ANY = 0xffffffff;
export const CONTROLLER = 0xfffffffd;
export const LOCAL = 0xfffffffe;
export const FLOOD = 0xfffffffb;
export const IN_PORT = 0xfffffff8;

/** Hex (spaces allowed) to a plain Uint8Array, the type the decoder returns. */
export function hx(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

/** ARP request 10.0.0.1 -> who has 10.0.0.2, padded to the 60-byte Ethernet minimum. */
export const arpRequestFrame = hx(
  'ffffffffffff 9a1c2f304401 0806 0001 0800 06 04 0001 9a1c2f304401 0a000001 000000000000 0a000002' + '00'.repeat(18),
);

/** ARP reply 10.0.0.2 is-at 9a:1c:2f:30:44:02, padded to 60 bytes. */
export const arpReplyFrame = hx(
  '9a1c2f304401 9a1c2f304402 0806 0001 0800 06 04 0002 9a1c2f304402 0a000002 9a1c2f304401 0a000001' + '00'.repeat(18),
);

/**
 * A whole OFPT_FLOW_MOD (88 bytes, xid 9): in_port=1 actions=output:2, the request an error
 * message quotes.
 */
export const flowModBytes = hx(
  '040e0058 00000009 0000000000000000 0000000000000000 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000' +
    '0001 000c 80000004 00000001 00000000' +
    '0004 0018 00000000 0000 0010 00000002 ffe5 000000000000',
);

export const port1: Port = {
  portNo: 1,
  hwAddr: '9a:1c:2f:30:44:01',
  name: 's1-eth1',
  config: 0,
  state: 4, // LIVE
  curr: 0x840, // 10GB_FD | COPPER
  advertised: 0x2840, // + AUTONEG
  supported: 0x286f,
  peer: 0x2820,
  currSpeed: 10_000_000,
  maxSpeed: 40_000_000,
};

export const port3: Port = {
  portNo: 3,
  hwAddr: '9a:1c:2f:30:44:03',
  name: 's1-eth3',
  config: 64, // NO_PACKET_IN
  state: 1, // LINK_DOWN
  curr: 0x820, // 1GB_FD | COPPER
  advertised: 0x2020,
  supported: 0x283f,
  peer: 0,
  currSpeed: 1_000_000,
  maxSpeed: 10_000_000,
};

export const localPort: Port = {
  portNo: LOCAL,
  hwAddr: '0a:1b:2c:3d:4e:5f',
  name: 's1',
  config: 1, // PORT_DOWN
  state: 1, // LINK_DOWN
  curr: 0,
  advertised: 0,
  supported: 0,
  peer: 0,
  currSpeed: 0,
  maxSpeed: 0,
};

export const tcpMatch: Match = [
  { field: 'in_port', value: 1 },
  { field: 'eth_type', value: 0x0800 },
  { field: 'ip_proto', value: 6 },
  { field: 'ipv4_src', value: '10.0.0.0', mask: '255.255.255.0' },
  { field: 'ipv4_dst', value: '192.168.7.9' },
  { field: 'tcp_src', value: 49152 },
  { field: 'tcp_dst', value: 443 },
];

export const udp6Match: Match = [
  { field: 'eth_type', value: 0x86dd },
  { field: 'ip_proto', value: 17 },
  { field: 'ipv6_src', value: '2001:db8:1::', mask: 'ffff:ffff:ffff:ffff::' },
  { field: 'ipv6_dst', value: 'fe80::1' },
  { field: 'udp_src', value: 5353 },
  { field: 'udp_dst', value: 53 },
];

export const arpMatch: Match = [
  { field: 'eth_type', value: 0x0806 },
  { field: 'arp_op', value: 2 },
  { field: 'arp_spa', value: '10.0.0.2' },
  { field: 'arp_tpa', value: '10.0.0.0', mask: '255.255.255.0' },
  { field: 'arp_sha', value: '9a:1c:2f:30:44:02' },
  { field: 'arp_tha', value: '9a:1c:2f:30:00:00', mask: 'ff:ff:ff:ff:00:00' },
];

export const vlanMatch: Match = [
  { field: 'in_port', value: 4 },
  { field: 'eth_dst', value: '01:00:5e:00:00:00', mask: 'ff:ff:ff:80:00:00' },
  { field: 'vlan_vid', value: 0x1000 | 20 },
  { field: 'vlan_pcp', value: 5 },
  { field: 'eth_type', value: 0x0800 },
  { field: 'ip_dscp', value: 46 },
  { field: 'ip_ecn', value: 2 },
  { field: 'ip_proto', value: 132 },
  { field: 'sctp_src', value: 2905 },
  { field: 'sctp_dst', value: 2906 },
];

export const icmp6Match: Match = [
  { field: 'in_port', value: 5 },
  { field: 'eth_type', value: 0x86dd },
  { field: 'ipv6_flabel', value: 0x12345, mask: 0xfffff },
  { field: 'ip_proto', value: 58 },
  { field: 'icmpv6_type', value: 135 },
  { field: 'icmpv6_code', value: 0 },
  { field: 'ipv6_nd_target', value: '2001:db8::7' },
  { field: 'ipv6_nd_sll', value: '9a:1c:2f:30:44:07' },
];

/** Neighbour advertisement from 2001:db8::8. */
export const ndAdvertMatch: Match = [
  { field: 'eth_type', value: 0x86dd },
  { field: 'ip_proto', value: 58 },
  { field: 'icmpv6_type', value: 136 },
  { field: 'icmpv6_code', value: 0 },
  { field: 'ipv6_nd_target', value: '2001:db8::8' },
  { field: 'ipv6_nd_tll', value: '9a:1c:2f:30:44:08' },
];

export const icmp4Match: Match = [
  { field: 'metadata', value: 0x00000000000000a0n, mask: 0x00000000000000f0n },
  { field: 'tunnel_id', value: 0x0000000000001234n },
  { field: 'eth_src', value: '9a:1c:2f:30:44:02' },
  { field: 'eth_type', value: 0x0800 },
  { field: 'ip_proto', value: 1 },
  { field: 'icmpv4_type', value: 8 },
  { field: 'icmpv4_code', value: 0 },
];

export const mplsMatch: Match = [
  { field: 'eth_type', value: 0x8847 },
  { field: 'mpls_label', value: 1001 },
  { field: 'mpls_tc', value: 3 },
  { field: 'mpls_bos', value: 1 },
];

/** Fields and actions below are valid OpenFlow 1.3 that Open vSwitch does not implement. */
export const unsupportedMatch: Match = [
  { field: 'in_port', value: 8 },
  { field: 'in_phy_port', value: 9 },
  { field: 'eth_type', value: 0x86dd },
  { field: 'ipv6_exthdr', value: 0x004, mask: 0x1ff },
];

export const pbbMatch: Match = [
  { field: 'eth_type', value: 0x88e7 },
  { field: 'pbb_isid', value: 0xabcd00, mask: 0xffff00 },
];

/** MPLS push at the edge. */
export const mplsPushActions: Action[] = [
  { type: 'pushMpls', ethertype: 0x8847 },
  { type: 'setField', field: { field: 'mpls_label', value: 2002 } },
  { type: 'setMplsTtl', mplsTtl: 63 },
  { type: 'output', port: 6, maxLen: 0 },
];

/** MPLS pop at the egress LSR. */
export const mplsPopActions: Action[] = [
  { type: 'decMplsTtl' },
  { type: 'popMpls', ethertype: 0x0800 },
  { type: 'output', port: 7, maxLen: 0 },
];

export const ttlCopyActions: Action[] = [
  { type: 'copyTtlOut' },
  { type: 'copyTtlIn' },
  { type: 'output', port: 10, maxLen: 0 },
];

export const pbbActions: Action[] = [
  { type: 'popPbb' },
  { type: 'pushPbb', ethertype: 0x88e7 },
  { type: 'setField', field: { field: 'pbb_isid', value: 0x0a0b0c } },
  { type: 'output', port: IN_PORT, maxLen: 0 },
];

export const tcpInstructions: Instruction[] = [
  { type: 'meter', meterId: 9 },
  {
    type: 'applyActions',
    actions: [
      { type: 'setField', field: { field: 'eth_dst', value: 'aa:bb:cc:dd:ee:0f' } },
      { type: 'setField', field: { field: 'ipv4_dst', value: '10.0.0.9' } },
      { type: 'setField', field: { field: 'tcp_dst', value: 8443 } },
      { type: 'decNwTtl' },
      { type: 'output', port: 2, maxLen: 0 },
      { type: 'output', port: CONTROLLER, maxLen: 128 },
    ],
  },
  { type: 'clearActions' },
  { type: 'writeActions', actions: [{ type: 'setQueue', queueId: 3 }, { type: 'group', groupId: 17 }] },
  { type: 'writeMetadata', metadata: 0x00000000000000abn, metadataMask: 0x00000000000000ffn },
  { type: 'gotoTable', tableId: 5 },
];

export const selectBuckets: Bucket[] = [
  {
    weight: 60,
    watchPort: ANY,
    watchGroup: ANY,
    actions: [
      { type: 'setField', field: { field: 'eth_src', value: '9a:1c:2f:30:44:aa' } },
      { type: 'output', port: 1, maxLen: 0 },
    ],
  },
  { weight: 40, watchPort: ANY, watchGroup: ANY, actions: [{ type: 'setQueue', queueId: 2 }, { type: 'output', port: 2, maxLen: 0 }] },
];

export const failoverBuckets: Bucket[] = [
  { weight: 0, watchPort: 3, watchGroup: ANY, actions: [{ type: 'output', port: 3, maxLen: 0 }] },
  {
    weight: 0,
    watchPort: 4,
    watchGroup: ANY,
    actions: [{ type: 'pushVlan', ethertype: 0x88a8 }, { type: 'setField', field: { field: 'vlan_vid', value: 0x1000 | 300 } }, { type: 'output', port: 4, maxLen: 0 }],
  },
];

const oxmId = (oxmField: number, length: number, hasMask = false) => ({ oxmClass: 0x8000, oxmField, hasMask, length });
const instructionIds = [1, 2, 3, 4, 5, 6].map((type) => ({ type }));
const actionIds = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].map((type) => ({ type }));

/** The classifier table as a switch describes it: every standard property type once. */
export const classifierFeatures: TableFeatures = {
  tableId: 0,
  name: 'classifier',
  metadataMatch: 0xffffffffffffffffn,
  metadataWrite: 0xfffffffffffffff0n,
  config: 0,
  maxEntries: 1_000_000,
  properties: [
    { type: 'instructions', instructions: instructionIds },
    { type: 'instructionsMiss', instructions: instructionIds.slice(0, 4) },
    { type: 'nextTables', tableIds: [1, 2, 3, 4, 5] },
    { type: 'nextTablesMiss', tableIds: [1] },
    { type: 'writeActions', actions: actionIds },
    { type: 'writeActionsMiss', actions: actionIds.slice(0, 3) },
    { type: 'applyActions', actions: actionIds.slice(1) },
    { type: 'applyActionsMiss', actions: actionIds.slice(0, 1) },
    { type: 'match', oxmIds: [oxmId(0, 4), oxmId(2, 16, true), oxmId(3, 12, true), oxmId(5, 2)] },
    { type: 'wildcards', oxmIds: [oxmId(2, 8), oxmId(3, 6)] },
    { type: 'writeSetfield', oxmIds: [oxmId(3, 6), oxmId(4, 6)] },
    { type: 'writeSetfieldMiss', oxmIds: [oxmId(6, 2)] },
    { type: 'applySetfield', oxmIds: [oxmId(11, 4), oxmId(12, 4)] },
    { type: 'applySetfieldMiss', oxmIds: [oxmId(14, 2)] },
  ],
};

export const aclFeatures: TableFeatures = {
  tableId: 1,
  name: 'acl',
  metadataMatch: 0xff00n,
  metadataWrite: 0x00ffn,
  config: 3,
  maxEntries: 4096,
  // The eight properties a table-features request must carry (the *Miss ones are optional).
  properties: [
    { type: 'instructions', instructions: [{ type: 1 }, { type: 4 }] },
    { type: 'nextTables', tableIds: [2, 3] },
    { type: 'writeActions', actions: [{ type: 0 }] },
    { type: 'applyActions', actions: [{ type: 0 }, { type: 25 }] },
    { type: 'match', oxmIds: [oxmId(0, 4), oxmId(5, 2), oxmId(10, 1), oxmId(11, 8, true)] },
    { type: 'wildcards', oxmIds: [oxmId(11, 4)] },
    { type: 'writeSetfield', oxmIds: [] },
    { type: 'applySetfield', oxmIds: [oxmId(3, 6)] },
  ],
};
