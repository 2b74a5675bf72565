import { OFPQ_ALL } from './constants.js';
import {
  duration,
  flagNames,
  formatBand,
  formatBucket,
  formatInstructions,
  formatMatch,
  formatPort,
  GROUP_TYPES,
  groupName,
  hex,
  hexPad,
  METER_FLAGS,
  meterName,
  named,
  portName,
  quote,
  tableName,
} from './format-parts.js';
import type { MessageOf, MultipartKind, TableFeatures } from './types.js';

/** One-line text of multipart requests and replies: "OFPMP_FLOW flags=0 stats=3 [...] [...]". */

const KIND_NAMES: Record<MultipartKind, string> = {
  desc: 'OFPMP_DESC',
  flow: 'OFPMP_FLOW',
  aggregate: 'OFPMP_AGGREGATE',
  table: 'OFPMP_TABLE',
  portStats: 'OFPMP_PORT_STATS',
  queue: 'OFPMP_QUEUE',
  group: 'OFPMP_GROUP',
  groupDesc: 'OFPMP_GROUP_DESC',
  groupFeatures: 'OFPMP_GROUP_FEATURES',
  meter: 'OFPMP_METER',
  meterConfig: 'OFPMP_METER_CONFIG',
  meterFeatures: 'OFPMP_METER_FEATURES',
  tableFeatures: 'OFPMP_TABLE_FEATURES',
  portDesc: 'OFPMP_PORT_DESC',
  experimenter: 'OFPMP_EXPERIMENTER',
};

/** A log line stays readable: a reply with thousands of entries shows the first ones and a count. */
const MAX_ENTRIES = 16;

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const line = (parts: string[]): string => parts.filter(Boolean).join(' ');

function entries<T>(label: string, list: readonly T[], f: (x: T) => string): string {
  const shown = list.slice(0, MAX_ENTRIES).map((x) => `[${f(x)}]`);
  const more = list.length > MAX_ENTRIES ? `(+${list.length - MAX_ENTRIES} more)` : '';
  return line([`${label}=${list.length}`, ...shown, more]);
}

function head(kind: MultipartKind, flags: number): string {
  return `${KIND_NAMES[kind] ?? `OFPMP_${quote(String(kind))}`} flags=${flagNames(flags, { more: 1 })}`;
}

function tableFeatures(t: TableFeatures): string {
  return line([
    `table=${t.tableId}`,
    `name=${quote(t.name)}`,
    `metadata_match=${hex(t.metadataMatch)}`,
    `metadata_write=${hex(t.metadataWrite)}`,
    `config=${hex(t.config)}`,
    `max_entries=${t.maxEntries}`,
    `props=${t.properties.map((p) => (p.type === 'unknown' ? `prop${p.propType}` : snake(p.type))).join(',') || 'none'}`,
  ]);
}

export function formatMultipartRequest(m: MessageOf<'multipartRequest'>): string {
  const b = m.body;
  const h = head(b.kind, m.flags);
  switch (b.kind) {
    case 'flow':
    case 'aggregate':
      return line([
        h,
        `table=${tableName(b.tableId)}`,
        `out_port=${portName(b.outPort)}`,
        `out_group=${groupName(b.outGroup)}`,
        `cookie=${hex(b.cookie)}/${hex(b.cookieMask)}`,
        formatMatch(b.match),
      ]);
    case 'portStats':
      return `${h} port=${portName(b.portNo)}`;
    case 'queue':
      return `${h} port=${portName(b.portNo)} queue=${b.queueId === OFPQ_ALL ? 'ALL' : b.queueId}`;
    case 'group':
      return `${h} group=${groupName(b.groupId)}`;
    case 'meter':
    case 'meterConfig':
      return `${h} meter=${meterName(b.meterId)}`;
    case 'tableFeatures':
      return line([h, entries('tables', b.tables, tableFeatures)]);
    case 'experimenter':
      return `${h} experimenter=${hexPad(b.experimenter, 8)} exp_type=${b.expType} data_len=${b.data.length}`;
    default:
      return h;
  }
}

export function formatMultipartReply(m: MessageOf<'multipartReply'>): string {
  const b = m.body;
  const h = head(b.kind, m.flags);
  switch (b.kind) {
    case 'desc':
      return `${h} mfr=${quote(b.mfrDesc)} hw=${quote(b.hwDesc)} sw=${quote(b.swDesc)} serial=${quote(b.serialNum)} dp=${quote(b.dpDesc)}`;
    case 'flow':
      return line([
        h,
        entries('stats', b.stats, (s) =>
          line([
            `table=${s.tableId}`,
            `cookie=${hex(s.cookie)}`,
            `priority=${s.priority}`,
            `duration=${duration(s.durationSec, s.durationNsec)}`,
            `idle=${s.idleTimeout}`,
            `hard=${s.hardTimeout}`,
            s.flags ? `flags=${hex(s.flags)}` : '',
            `packets=${s.packetCount}`,
            `bytes=${s.byteCount}`,
            formatMatch(s.match),
            `actions=${formatInstructions(s.instructions)}`,
          ]),
        ),
      ]);
    case 'aggregate':
      return `${h} packets=${b.packetCount} bytes=${b.byteCount} flows=${b.flowCount}`;
    case 'table':
      return line([h, entries('stats', b.stats, (s) => `table=${s.tableId} active=${s.activeCount} lookup=${s.lookupCount} matched=${s.matchedCount}`)]);
    case 'portStats':
      return line([
        h,
        entries('stats', b.stats, (s) =>
          [
            `port=${portName(s.portNo)}`,
            `rx_pkts=${s.rxPackets} rx_bytes=${s.rxBytes} rx_drop=${s.rxDropped} rx_errs=${s.rxErrors}`,
            `rx_frame=${s.rxFrameErr} rx_over=${s.rxOverErr} rx_crc=${s.rxCrcErr}`,
            `tx_pkts=${s.txPackets} tx_bytes=${s.txBytes} tx_drop=${s.txDropped} tx_errs=${s.txErrors} coll=${s.collisions}`,
            `duration=${duration(s.durationSec, s.durationNsec)}`,
          ].join(' '),
        ),
      ]);
    case 'queue':
      return line([
        h,
        entries(
          'stats',
          b.stats,
          (s) =>
            `port=${portName(s.portNo)} queue=${s.queueId} tx_pkts=${s.txPackets} tx_bytes=${s.txBytes} tx_errs=${s.txErrors} ` +
            `duration=${duration(s.durationSec, s.durationNsec)}`,
        ),
      ]);
    case 'group':
      return line([
        h,
        entries(
          'stats',
          b.stats,
          (s) =>
            `group=${groupName(s.groupId)} ref_count=${s.refCount} packets=${s.packetCount} bytes=${s.byteCount} ` +
            `duration=${duration(s.durationSec, s.durationNsec)} buckets=${s.bucketStats.map((x) => `${x.packetCount}:${x.byteCount}`).join(',') || 'none'}`,
        ),
      ]);
    case 'groupDesc':
      return line([
        h,
        entries('stats', b.stats, (s) => line([`group=${groupName(s.groupId)}`, `type=${named(GROUP_TYPES, s.groupType)}`, ...s.buckets.map(formatBucket)])),
      ]);
    case 'groupFeatures':
      return (
        `${h} types=${hex(b.types)} capabilities=${hex(b.capabilities)} max_groups=${b.maxGroups.join(',')} ` +
        `actions=${b.actions.map((a) => hex(a)).join(',')}`
      );
    case 'meter':
      return line([
        h,
        entries(
          'stats',
          b.stats,
          (s) =>
            `meter=${meterName(s.meterId)} flows=${s.flowCount} packets_in=${s.packetInCount} bytes_in=${s.byteInCount} ` +
            `duration=${duration(s.durationSec, s.durationNsec)} bands=${s.bandStats.map((x) => `${x.packetBandCount}:${x.byteBandCount}`).join(',') || 'none'}`,
        ),
      ]);
    case 'meterConfig':
      return line([
        h,
        entries(
          'stats',
          b.stats,
          (s) => `meter=${meterName(s.meterId)} flags=${flagNames(s.flags, METER_FLAGS)} bands=${s.bands.map(formatBand).join(',') || 'none'}`,
        ),
      ]);
    case 'meterFeatures':
      return (
        `${h} max_meter=${b.maxMeter} band_types=${hex(b.bandTypes)} capabilities=${flagNames(b.capabilities, METER_FLAGS)} ` +
        `max_bands=${b.maxBands} max_color=${b.maxColor}`
      );
    case 'tableFeatures':
      return line([h, entries('tables', b.tables, tableFeatures)]);
    case 'portDesc':
      return line([h, entries('ports', b.ports, formatPort)]);
    case 'experimenter':
      return `${h} experimenter=${hexPad(b.experimenter, 8)} exp_type=${b.expType} data_len=${b.data.length}`;
    default:
      return h;
  }
}
