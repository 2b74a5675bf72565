/**
 * Multipart replies in ofctl_v1_3's shapes (snake_case fields, reserved numbers by name,
 * "length"/"len" as the switch's struct sizes, 64-bit counters exact). One function per reply.
 */
import { OFPAT, OFPMBT, OFPMF } from '../../../protocol/index.js';
import type { FlowStats, GroupDesc, GroupFeatures, GroupStats, MeterConfig, MeterFeatures, MeterStats, PacketQueue, Port, PortStats, QueueStats, TableFeatureProp, TableFeatures, TableStats } from '../../../protocol/index.js';
import { encodeInstructions } from '../../../protocol/openflow/instructions.js';
import { encodeMatch } from '../../../protocol/openflow/match.js';
import { Writer } from '../../../protocol/index.js';
import { actionToRyu, instructionsToRyu } from './ryu-actions.js';
import { matchToRyu } from './ryu-json.js';
import { oxmNameRyu } from './ryu-nxm.js';
import { GROUPS, METERS, n64, PORTS, QUEUES, TABLES } from './ryu-values.js';

/** ofp_flow_stats length: 48 fixed bytes + the padded match + the instructions. */
export function flowStatsLength(f: FlowStats): number {
  const w = new Writer(128);
  encodeMatch(w, f.match);
  encodeInstructions(w, f.instructions);
  return 48 + w.pos;
}

export function flowStatsToRyu(f: FlowStats): Record<string, unknown> {
  return {
    priority: f.priority,
    cookie: n64(f.cookie),
    idle_timeout: f.idleTimeout,
    hard_timeout: f.hardTimeout,
    byte_count: n64(f.byteCount),
    duration_sec: f.durationSec,
    duration_nsec: f.durationNsec,
    packet_count: n64(f.packetCount),
    length: flowStatsLength(f),
    flags: f.flags,
    actions: instructionsToRyu(f.instructions),
    match: matchToRyu(f.match),
    table_id: TABLES.toUser(f.tableId),
  };
}

export const tableStatsToRyu = (t: TableStats) => ({
  active_count: t.activeCount,
  lookup_count: n64(t.lookupCount),
  matched_count: n64(t.matchedCount),
  table_id: TABLES.toUser(t.tableId),
});

export const portStatsToRyu = (s: PortStats) => ({
  rx_packets: n64(s.rxPackets),
  tx_packets: n64(s.txPackets),
  rx_bytes: n64(s.rxBytes),
  tx_bytes: n64(s.txBytes),
  rx_dropped: n64(s.rxDropped),
  tx_dropped: n64(s.txDropped),
  rx_errors: n64(s.rxErrors),
  tx_errors: n64(s.txErrors),
  rx_frame_err: n64(s.rxFrameErr),
  rx_over_err: n64(s.rxOverErr),
  rx_crc_err: n64(s.rxCrcErr),
  collisions: n64(s.collisions),
  duration_sec: s.durationSec,
  duration_nsec: s.durationNsec,
  port_no: PORTS.toUser(s.portNo),
});

export const portDescToRyu = (p: Port) => ({
  hw_addr: p.hwAddr,
  name: p.name,
  config: p.config,
  state: p.state,
  curr: p.curr,
  advertised: p.advertised,
  supported: p.supported,
  peer: p.peer,
  curr_speed: p.currSpeed,
  max_speed: p.maxSpeed,
  port_no: PORTS.toUser(p.portNo),
});

/** Queue stats keep port_no as a plain number, as Ryu prints them. */
export const queueStatsToRyu = (q: QueueStats) => ({
  duration_nsec: q.durationNsec,
  duration_sec: q.durationSec,
  port_no: q.portNo,
  queue_id: q.queueId,
  tx_bytes: n64(q.txBytes),
  tx_errors: n64(q.txErrors),
  tx_packets: n64(q.txPackets),
});

const QUEUE_PROPS: Readonly<Record<string, string>> = { minRate: 'MIN_RATE', maxRate: 'MAX_RATE', experimenter: 'EXPERIMENTER' };

export function queueConfigToRyu(port: number, queues: readonly PacketQueue[]): Record<string, unknown> {
  return {
    queues: queues.map((q) => ({
      properties: q.properties.map((p) => {
        const out: Record<string, unknown> = { property: QUEUE_PROPS[p.type] ?? 'UNKNOWN' };
        if (p.type === 'minRate' || p.type === 'maxRate') out.rate = p.rate;
        else if (p.type === 'experimenter') (out.experimenter = p.experimenter), (out.data = [...p.data]);
        return out;
      }),
      port: PORTS.toUser(q.port),
      queue_id: QUEUES.toUser(q.queueId),
    })),
    port: PORTS.toUser(port),
  };
}

export const GROUP_TYPE_NAMES = ['ALL', 'SELECT', 'INDIRECT', 'FF'] as const;

export const groupStatsToRyu = (g: GroupStats) => ({
  length: 40 + 16 * g.bucketStats.length,
  ref_count: g.refCount,
  packet_count: n64(g.packetCount),
  byte_count: n64(g.byteCount),
  duration_sec: g.durationSec,
  duration_nsec: g.durationNsec,
  bucket_stats: g.bucketStats.map((b) => ({ packet_count: n64(b.packetCount), byte_count: n64(b.byteCount) })),
  group_id: GROUPS.toUser(g.groupId),
});

/** Bucket watch_port/watch_group stay plain numbers in Ryu's output. */
export const groupDescToRyu = (d: GroupDesc) => ({
  buckets: d.buckets.map((b) => ({ weight: b.weight, watch_port: b.watchPort, watch_group: b.watchGroup, actions: b.actions.map(actionToRyu) })),
  group_id: GROUPS.toUser(d.groupId),
  type: GROUP_TYPE_NAMES[d.groupType] ?? null,
});

const GROUP_CAPS: [number, string][] = [[1, 'SELECT_WEIGHT'], [2, 'SELECT_LIVENESS'], [4, 'CHAINING'], [8, 'CHAINING_CHECKS']];
/** Ryu's act_convert order: by OFPAT number. */
const ACTION_NAMES = Object.entries(OFPAT).filter(([k]) => k !== 'EXPERIMENTER').sort((a, b) => a[1] - b[1]);

export function groupFeaturesToRyu(f: GroupFeatures): Record<string, unknown> {
  return {
    types: GROUP_TYPE_NAMES.filter((_n, k) => ((1 << k) & f.types) !== 0),
    capabilities: GROUP_CAPS.filter(([bit]) => (bit & f.capabilities) !== 0).map(([, n]) => n),
    max_groups: GROUP_TYPE_NAMES.map((n, k) => ({ [n]: f.maxGroups[k] })),
    actions: GROUP_TYPE_NAMES.map((n, k) => ({ [n]: ACTION_NAMES.filter(([, bit]) => (f.actions[k]! >>> 0) & (2 ** bit) ? true : false).map(([a]) => a) })),
  };
}

export const meterStatsToRyu = (m: MeterStats) => ({
  len: 40 + 16 * m.bandStats.length,
  flow_count: m.flowCount,
  packet_in_count: n64(m.packetInCount),
  byte_in_count: n64(m.byteInCount),
  duration_sec: m.durationSec,
  duration_nsec: m.durationNsec,
  band_stats: m.bandStats.map((b) => ({ packet_band_count: n64(b.packetBandCount), byte_band_count: n64(b.byteBandCount) })),
  meter_id: METERS.toUser(m.meterId),
});

const METER_FLAG_NAMES = (Object.entries(OFPMF) as [string, number][]).sort((a, b) => a[1] - b[1]);
const BAND_NAMES: Readonly<Record<string, string>> = { drop: 'DROP', dscpRemark: 'DSCP_REMARK', experimenter: 'EXPERIMENTER' };

export function meterConfigToRyu(c: MeterConfig): Record<string, unknown> {
  return {
    flags: METER_FLAG_NAMES.filter(([, bit]) => (bit & c.flags) !== 0).map(([n]) => n),
    bands: c.bands.map((b) => {
      const out: Record<string, unknown> = { rate: b.rate, burst_size: b.burstSize, type: BAND_NAMES[b.type] ?? '' };
      if (b.type === 'dscpRemark') out.prec_level = b.precLevel;
      else if (b.type === 'experimenter') out.experimenter = b.experimenter;
      return out;
    }),
    meter_id: METERS.toUser(c.meterId),
  };
}

export function meterFeaturesToRyu(f: MeterFeatures): Record<string, unknown> {
  return {
    max_meter: f.maxMeter,
    band_types: ([['DROP', OFPMBT.DROP], ['DSCP_REMARK', OFPMBT.DSCP_REMARK]] as [string, number][]).filter(([, k]) => ((1 << k) & f.bandTypes) !== 0).map(([n]) => n),
    capabilities: METER_FLAG_NAMES.filter(([, bit]) => (bit & f.capabilities) !== 0).map(([n]) => n),
    max_bands: f.maxBands,
    max_color: f.maxColor,
  };
}

const PROP_NAMES: Readonly<Record<string, string>> = {
  instructions: 'INSTRUCTIONS', instructionsMiss: 'INSTRUCTIONS_MISS', nextTables: 'NEXT_TABLES', nextTablesMiss: 'NEXT_TABLES_MISS',
  writeActions: 'WRITE_ACTIONS', writeActionsMiss: 'WRITE_ACTIONS_MISS', applyActions: 'APPLY_ACTIONS', applyActionsMiss: 'APPLY_ACTIONS_MISS',
  match: 'MATCH', wildcards: 'WILDCARDS', writeSetfield: 'WRITE_SETFIELD', writeSetfieldMiss: 'WRITE_SETFIELD_MISS',
  applySetfield: 'APPLY_SETFIELD', applySetfieldMiss: 'APPLY_SETFIELD_MISS', experimenter: 'EXPERIMENTER', experimenterMiss: 'EXPERIMENTER_MISS',
};

/** An instruction/action id's ofp length: 4, or 8 + data for an experimenter id. */
const idLen = (x: { experimenter?: number; data?: Uint8Array }) => (x.experimenter === undefined ? 4 : 8 + (x.data?.length ?? 0));

function propToRyu(p: TableFeatureProp): Record<string, unknown> {
  const out: Record<string, unknown> = { type: PROP_NAMES[p.type] ?? 'UNKNOWN' };
  if ('instructions' in p) out.instruction_ids = p.instructions.map((i) => ({ len: idLen(i), type: i.type }));
  else if ('tableIds' in p) out.table_ids = [...p.tableIds];
  else if ('actions' in p) out.action_ids = p.actions.map((a) => ({ len: idLen(a), type: a.type }));
  // As Ryu's OFPOxmId: hasmask 0/1, the field by name (NXM fields too), else field_<n>.
  else if ('oxmIds' in p) out.oxm_ids = p.oxmIds.map((o) => ({ hasmask: o.hasMask ? 1 : 0, length: o.length, type: oxmNameRyu(o.oxmClass, o.oxmField) }));
  return out;
}

export function tableFeaturesToRyu(t: TableFeatures): Record<string, unknown> {
  return {
    name: t.name,
    metadata_match: n64(t.metadataMatch),
    metadata_write: n64(t.metadataWrite),
    config: t.config,
    max_entries: t.maxEntries,
    properties: t.properties.map(propToRyu),
    table_id: TABLES.toUser(t.tableId),
  };
}
