import type { NxAction } from './nicira/types.js';
import type { BundleAdd, BundleControl } from './onf/types.js';
import type { Match, OxmEntry } from './oxm-types.js';
export type { Match, OxmEntry, OxmBasic, OxmOpaque, OxmFieldName, OxmValueTypes } from './oxm-types.js';
export type { BundleAdd, BundleControl, OnfMessage } from './onf/types.js';
export type { NxAction, NxCtAction, NxNatAction, NxResubmitAction, NxCtClearAction } from './nicira/types.js';

// ---------------------------------------------------------------- actions and instructions

export type Action =
  | { type: 'output'; port: number; maxLen: number }
  | { type: 'copyTtlOut' }
  | { type: 'copyTtlIn' }
  | { type: 'setMplsTtl'; mplsTtl: number }
  | { type: 'decMplsTtl' }
  | { type: 'pushVlan'; ethertype: number }
  | { type: 'popVlan' }
  | { type: 'pushMpls'; ethertype: number }
  | { type: 'popMpls'; ethertype: number }
  | { type: 'setQueue'; queueId: number }
  | { type: 'group'; groupId: number }
  | { type: 'setNwTtl'; nwTtl: number }
  | { type: 'decNwTtl' }
  | { type: 'setField'; field: OxmEntry }
  | { type: 'pushPbb'; ethertype: number }
  | { type: 'popPbb' }
  /** data: everything after the 8-byte experimenter action header (vendor body incl. padding). */
  | { type: 'experimenter'; experimenter: number; data: Uint8Array }
  /** An action type this codec does not know, from a switch: kept whole after its 4-byte header. */
  | { type: 'unknown'; actionType: number; body: Uint8Array }
  // Open vSwitch Nicira extensions (conntrack, NAT, resubmit): experimenter actions in typed form.
  | NxAction;

export type ActionType = Action['type'];

export type Instruction =
  | { type: 'gotoTable'; tableId: number }
  | { type: 'writeMetadata'; metadata: bigint; metadataMask: bigint }
  | { type: 'writeActions'; actions: Action[] }
  | { type: 'applyActions'; actions: Action[] }
  | { type: 'clearActions' }
  | { type: 'meter'; meterId: number }
  /** data: everything after the 8-byte experimenter instruction header. */
  | { type: 'experimenter'; experimenter: number; data: Uint8Array }
  | { type: 'unknown'; instructionType: number; body: Uint8Array };

// ---------------------------------------------------------------- shared structures

/** ofp_port (64 bytes). */
export interface Port {
  portNo: number;
  hwAddr: string;
  name: string;
  config: number;
  state: number;
  curr: number;
  advertised: number;
  supported: number;
  peer: number;
  currSpeed: number;
  maxSpeed: number;
}

/** ofp_bucket. */
export interface Bucket {
  weight: number;
  watchPort: number;
  watchGroup: number;
  actions: Action[];
}

export type MeterBand =
  | { type: 'drop'; rate: number; burstSize: number }
  | { type: 'dscpRemark'; rate: number; burstSize: number; precLevel: number }
  /** data: everything after the 16-byte experimenter band header. */
  | { type: 'experimenter'; rate: number; burstSize: number; experimenter: number; data: Uint8Array }
  | { type: 'unknown'; bandType: number; rate: number; burstSize: number; data: Uint8Array };

export type QueueProperty =
  | { type: 'minRate'; rate: number }
  | { type: 'maxRate'; rate: number }
  | { type: 'experimenter'; experimenter: number; data: Uint8Array }
  | { type: 'unknown'; propType: number; data: Uint8Array };

/** ofp_packet_queue. */
export interface PacketQueue {
  queueId: number;
  port: number;
  properties: QueueProperty[];
}

export type HelloElement =
  | { type: 'versionBitmap'; bitmaps: number[] }
  | { type: 'unknown'; elemType: number; data: Uint8Array };

/** [mask for the master/equal role, mask for the slave role], as in ofp_async_config. */
export type AsyncMaskPair = [number, number];

// ---------------------------------------------------------------- multipart bodies

export interface FlowStatsRequestBody {
  tableId: number;
  outPort: number;
  outGroup: number;
  cookie: bigint;
  cookieMask: bigint;
  match: Match;
}

export interface FlowStats {
  tableId: number;
  durationSec: number;
  durationNsec: number;
  priority: number;
  idleTimeout: number;
  hardTimeout: number;
  flags: number;
  cookie: bigint;
  packetCount: bigint;
  byteCount: bigint;
  match: Match;
  instructions: Instruction[];
}

export interface TableStats {
  tableId: number;
  activeCount: number;
  lookupCount: bigint;
  matchedCount: bigint;
}

export interface PortStats {
  portNo: number;
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxDropped: bigint;
  txDropped: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxFrameErr: bigint;
  rxOverErr: bigint;
  rxCrcErr: bigint;
  collisions: bigint;
  durationSec: number;
  durationNsec: number;
}

export interface QueueStats {
  portNo: number;
  queueId: number;
  txBytes: bigint;
  txPackets: bigint;
  txErrors: bigint;
  durationSec: number;
  durationNsec: number;
}

export interface GroupStats {
  groupId: number;
  refCount: number;
  packetCount: bigint;
  byteCount: bigint;
  durationSec: number;
  durationNsec: number;
  bucketStats: { packetCount: bigint; byteCount: bigint }[];
}

export interface GroupDesc {
  groupType: number;
  groupId: number;
  buckets: Bucket[];
}

export interface GroupFeatures {
  types: number;
  capabilities: number;
  maxGroups: [number, number, number, number];
  actions: [number, number, number, number];
}

export interface MeterStats {
  meterId: number;
  flowCount: number;
  packetInCount: bigint;
  byteInCount: bigint;
  durationSec: number;
  durationNsec: number;
  bandStats: { packetBandCount: bigint; byteBandCount: bigint }[];
}

export interface MeterConfig {
  flags: number;
  meterId: number;
  bands: MeterBand[];
}

export interface MeterFeatures {
  maxMeter: number;
  bandTypes: number;
  capabilities: number;
  maxBands: number;
  maxColor: number;
}

/** A table-features property (ofp_table_feature_prop_*), all 14 types plus experimenter. */
export type TableFeatureProp =
  | { type: 'instructions' | 'instructionsMiss'; instructions: { type: number; experimenter?: number; data?: Uint8Array }[] }
  | { type: 'nextTables' | 'nextTablesMiss'; tableIds: number[] }
  | { type: 'writeActions' | 'writeActionsMiss' | 'applyActions' | 'applyActionsMiss'; actions: { type: number; experimenter?: number; data?: Uint8Array }[] }
  /** OXM headers only (class, field, hasMask, length), as the switch lists them. */
  | {
      type: 'match' | 'wildcards' | 'writeSetfield' | 'writeSetfieldMiss' | 'applySetfield' | 'applySetfieldMiss';
      oxmIds: { oxmClass: number; oxmField: number; hasMask: boolean; length: number; experimenter?: number }[];
    }
  | { type: 'experimenter' | 'experimenterMiss'; experimenter: number; expType: number; data: Uint8Array }
  | { type: 'unknown'; propType: number; data: Uint8Array };

export interface TableFeatures {
  tableId: number;
  name: string;
  metadataMatch: bigint;
  metadataWrite: bigint;
  config: number;
  maxEntries: number;
  properties: TableFeatureProp[];
}

export interface DescStats {
  mfrDesc: string;
  hwDesc: string;
  swDesc: string;
  serialNum: string;
  dpDesc: string;
}

export type MultipartRequestBody =
  | { kind: 'desc' }
  | ({ kind: 'flow' } & FlowStatsRequestBody)
  | ({ kind: 'aggregate' } & FlowStatsRequestBody)
  | { kind: 'table' }
  | { kind: 'portStats'; portNo: number }
  | { kind: 'queue'; portNo: number; queueId: number }
  | { kind: 'group'; groupId: number }
  | { kind: 'groupDesc' }
  | { kind: 'groupFeatures' }
  | { kind: 'meter'; meterId: number }
  | { kind: 'meterConfig'; meterId: number }
  | { kind: 'meterFeatures' }
  | { kind: 'tableFeatures'; tables: TableFeatures[] }
  | { kind: 'portDesc' }
  | { kind: 'experimenter'; experimenter: number; expType: number; data: Uint8Array };

export type MultipartReplyBody =
  | ({ kind: 'desc' } & DescStats)
  | { kind: 'flow'; stats: FlowStats[] }
  | { kind: 'aggregate'; packetCount: bigint; byteCount: bigint; flowCount: number }
  | { kind: 'table'; stats: TableStats[] }
  | { kind: 'portStats'; stats: PortStats[] }
  | { kind: 'queue'; stats: QueueStats[] }
  | { kind: 'group'; stats: GroupStats[] }
  | { kind: 'groupDesc'; stats: GroupDesc[] }
  | ({ kind: 'groupFeatures' } & GroupFeatures)
  | { kind: 'meter'; stats: MeterStats[] }
  | { kind: 'meterConfig'; stats: MeterConfig[] }
  | ({ kind: 'meterFeatures' } & MeterFeatures)
  | { kind: 'tableFeatures'; tables: TableFeatures[] }
  | { kind: 'portDesc'; ports: Port[] }
  | { kind: 'experimenter'; experimenter: number; expType: number; data: Uint8Array };

export type MultipartKind = MultipartRequestBody['kind'];

// ---------------------------------------------------------------- messages

interface Base {
  /** Transaction id. The connection layer assigns it when an app leaves it 0. */
  xid: number;
}

/** version: the header's version, kept so the connection can negotiate; encode defaults to 4. */
export interface Hello extends Base { type: 'hello'; version?: number; elements: HelloElement[] }
/**
 * OFPT_ERROR. For the experimenter form (errType 0xffff) `code` holds exp_type and
 * `experimenter` the experimenter id. data: the offending message's first bytes, or text.
 */
export interface ErrorMsg extends Base { type: 'error'; errType: number; code: number; experimenter?: number; data: Uint8Array }
export interface EchoRequest extends Base { type: 'echoRequest'; data: Uint8Array }
export interface EchoReply extends Base { type: 'echoReply'; data: Uint8Array }
export interface Experimenter extends Base { type: 'experimenter'; experimenter: number; expType: number; data: Uint8Array }
export interface FeaturesRequest extends Base { type: 'featuresRequest' }
export interface FeaturesReply extends Base {
  type: 'featuresReply';
  datapathId: bigint;
  nBuffers: number;
  nTables: number;
  auxiliaryId: number;
  capabilities: number;
  reserved: number;
}
export interface GetConfigRequest extends Base { type: 'getConfigRequest' }
export interface GetConfigReply extends Base { type: 'getConfigReply'; flags: number; missSendLen: number }
export interface SetConfig extends Base { type: 'setConfig'; flags: number; missSendLen: number }
export interface PacketIn extends Base {
  type: 'packetIn';
  bufferId: number;
  totalLen: number;
  reason: number;
  tableId: number;
  cookie: bigint;
  match: Match;
  data: Uint8Array;
}
export interface FlowRemoved extends Base {
  type: 'flowRemoved';
  cookie: bigint;
  priority: number;
  reason: number;
  tableId: number;
  durationSec: number;
  durationNsec: number;
  idleTimeout: number;
  hardTimeout: number;
  packetCount: bigint;
  byteCount: bigint;
  match: Match;
}
export interface PortStatus extends Base { type: 'portStatus'; reason: number; desc: Port }
export interface PacketOut extends Base { type: 'packetOut'; bufferId: number; inPort: number; actions: Action[]; data: Uint8Array }
export interface FlowMod extends Base {
  type: 'flowMod';
  cookie: bigint;
  cookieMask: bigint;
  tableId: number;
  command: number;
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  bufferId: number;
  outPort: number;
  outGroup: number;
  flags: number;
  match: Match;
  instructions: Instruction[];
}
export interface GroupMod extends Base { type: 'groupMod'; command: number; groupType: number; groupId: number; buckets: Bucket[] }
export interface PortMod extends Base {
  type: 'portMod';
  portNo: number;
  hwAddr: string;
  config: number;
  mask: number;
  advertise: number;
}
export interface TableMod extends Base { type: 'tableMod'; tableId: number; config: number }
export interface MultipartRequest extends Base { type: 'multipartRequest'; flags: number; body: MultipartRequestBody }
export interface MultipartReply extends Base { type: 'multipartReply'; flags: number; body: MultipartReplyBody }
export interface BarrierRequest extends Base { type: 'barrierRequest' }
export interface BarrierReply extends Base { type: 'barrierReply' }
export interface QueueGetConfigRequest extends Base { type: 'queueGetConfigRequest'; port: number }
export interface QueueGetConfigReply extends Base { type: 'queueGetConfigReply'; port: number; queues: PacketQueue[] }
export interface RoleRequest extends Base { type: 'roleRequest'; role: number; generationId: bigint }
export interface RoleReply extends Base { type: 'roleReply'; role: number; generationId: bigint }
export interface GetAsyncRequest extends Base { type: 'getAsyncRequest' }
export interface AsyncConfig {
  packetInMask: AsyncMaskPair;
  portStatusMask: AsyncMaskPair;
  flowRemovedMask: AsyncMaskPair;
}
export interface GetAsyncReply extends Base, AsyncConfig { type: 'getAsyncReply' }
export interface SetAsync extends Base, AsyncConfig { type: 'setAsync' }
export interface MeterMod extends Base { type: 'meterMod'; command: number; flags: number; meterId: number; bands: MeterBand[] }

export type OfMessage =
  | Hello
  | ErrorMsg
  | EchoRequest
  | EchoReply
  | Experimenter
  | BundleControl
  | BundleAdd
  | FeaturesRequest
  | FeaturesReply
  | GetConfigRequest
  | GetConfigReply
  | SetConfig
  | PacketIn
  | FlowRemoved
  | PortStatus
  | PacketOut
  | FlowMod
  | GroupMod
  | PortMod
  | TableMod
  | MultipartRequest
  | MultipartReply
  | BarrierRequest
  | BarrierReply
  | QueueGetConfigRequest
  | QueueGetConfigReply
  | RoleRequest
  | RoleReply
  | GetAsyncRequest
  | GetAsyncReply
  | SetAsync
  | MeterMod;

export type MessageType = OfMessage['type'];
export type MessageOf<T extends MessageType> = Extract<OfMessage, { type: T }>;
