import { OFPC, OFPCML_NO_BUFFER, OFPG_ANY, OFPP, OFPQ_ALL, OFPT } from './constants.js';
import { errorCodeName, errorTypeName, OFPET } from './error-codes.js';
import {
  bufferName,
  bytesHex,
  duration,
  flagNames,
  formatActions,
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
  portConfig,
  portFeatures,
  portName,
  quote,
  tableName,
} from './format-parts.js';
import { u32At } from '../wire/reader.js';
import { decode } from './codec.js';
import { formatBundleAddHead, formatBundleControl } from './onf/format.js';
import { onfErrorNames } from './onf/bundle.js';
import { formatMultipartReply, formatMultipartRequest } from './format-multipart.js';
import type { AsyncConfig, MessageOf, MessageType, OfMessage } from './types.js';

export { formatActions, formatInstructions, formatMatch } from './format-parts.js';

/**
 * A one-line text form of any message for logs and error messages, in the spirit of
 * `ovs-ofctl ofp-print`: "OFPT_FLOW_MOD xid=0x5 ADD table=0 cookie=0x1 priority=100 in_port=1
 * actions=output:2". Cookies, datapath ids and masks print in hex, counters in decimal.
 */

const OFPT_NAMES: Record<MessageType, string> = {
  hello: 'OFPT_HELLO',
  error: 'OFPT_ERROR',
  echoRequest: 'OFPT_ECHO_REQUEST',
  echoReply: 'OFPT_ECHO_REPLY',
  experimenter: 'OFPT_EXPERIMENTER',
  bundleControl: 'ONFT_BUNDLE_CONTROL',
  bundleAdd: 'ONFT_BUNDLE_ADD_MESSAGE',
  featuresRequest: 'OFPT_FEATURES_REQUEST',
  featuresReply: 'OFPT_FEATURES_REPLY',
  getConfigRequest: 'OFPT_GET_CONFIG_REQUEST',
  getConfigReply: 'OFPT_GET_CONFIG_REPLY',
  setConfig: 'OFPT_SET_CONFIG',
  packetIn: 'OFPT_PACKET_IN',
  flowRemoved: 'OFPT_FLOW_REMOVED',
  portStatus: 'OFPT_PORT_STATUS',
  packetOut: 'OFPT_PACKET_OUT',
  flowMod: 'OFPT_FLOW_MOD',
  groupMod: 'OFPT_GROUP_MOD',
  portMod: 'OFPT_PORT_MOD',
  tableMod: 'OFPT_TABLE_MOD',
  multipartRequest: 'OFPT_MULTIPART_REQUEST',
  multipartReply: 'OFPT_MULTIPART_REPLY',
  barrierRequest: 'OFPT_BARRIER_REQUEST',
  barrierReply: 'OFPT_BARRIER_REPLY',
  queueGetConfigRequest: 'OFPT_QUEUE_GET_CONFIG_REQUEST',
  queueGetConfigReply: 'OFPT_QUEUE_GET_CONFIG_REPLY',
  roleRequest: 'OFPT_ROLE_REQUEST',
  roleReply: 'OFPT_ROLE_REPLY',
  getAsyncRequest: 'OFPT_GET_ASYNC_REQUEST',
  getAsyncReply: 'OFPT_GET_ASYNC_REPLY',
  setAsync: 'OFPT_SET_ASYNC',
  meterMod: 'OFPT_METER_MOD',
};

const OFPT_BY_NUMBER: Record<number, string> = Object.fromEntries(Object.entries(OFPT).map(([k, v]) => [v, `OFPT_${k}`]));
const FLOW_MOD_COMMANDS = { 0: 'ADD', 1: 'MODIFY', 2: 'MODIFY_STRICT', 3: 'DELETE', 4: 'DELETE_STRICT' };
const GROUP_METER_COMMANDS = { 0: 'ADD', 1: 'MODIFY', 2: 'DELETE' };
const PACKET_IN_REASONS = { 0: 'no_match', 1: 'action', 2: 'invalid_ttl' };
const FLOW_REMOVED_REASONS = { 0: 'idle_timeout', 1: 'hard_timeout', 2: 'delete', 3: 'group_delete' };
const PORT_REASONS = { 0: 'add', 1: 'delete', 2: 'modify' };
const ROLES = { 0: 'nochange', 1: 'equal', 2: 'master', 3: 'slave' };
const FRAGS = { 0: 'normal', 1: 'drop', 2: 'reasm', 3: 'frag_mask' };
const FLOW_MOD_FLAGS = { send_flow_rem: 1, check_overlap: 2, reset_counts: 4, no_pkt_counts: 8, no_byt_counts: 16 };

function switchConfig(m: { flags: number; missSendLen: number }): string {
  const extra = m.flags & ~3;
  const frags = named(FRAGS, m.flags & 3) + (extra ? `|${hex(extra)}` : '');
  const miss = m.missSendLen === OFPCML_NO_BUFFER ? 'NO_BUFFER' : String(m.missSendLen);
  return `frags=${frags} miss_send_len=${miss}`;
}

function asyncConfig(m: AsyncConfig): string {
  const pair = (p: [number, number]) => `${hex(p[0])}/${hex(p[1])}`;
  return `packet_in=${pair(m.packetInMask)} port_status=${pair(m.portStatusMask)} flow_removed=${pair(m.flowRemovedMask)}`;
}

function errorBody(m: MessageOf<'error'>): string {
  const onfNames = m.errType === OFPET.EXPERIMENTER ? onfErrorNames(m.experimenter, m.code) : undefined;
  const name = onfNames
    ? `${onfNames.type}/${onfNames.code}`
    : m.errType === OFPET.EXPERIMENTER
      ? `OFPET_EXPERIMENTER experimenter=${hexPad(m.experimenter ?? 0, 8)} exp_type=${m.code}`
      : `${errorTypeName(m.errType)}/${errorCodeName(m.errType, m.code)}`;
  // HELLO_FAILED carries a human-readable reason; other errors quote the failed request.
  const d = m.data;
  let extra = '';
  if (m.errType === OFPET.HELLO_FAILED) extra = ` text=${quote(Buffer.from(d).toString('latin1'))}`;
  else if (d.length >= 8) {
    const xid = u32At(d, 4);
    extra = ` request=${OFPT_BY_NUMBER[d[1]!] ?? `type${d[1]}`}(xid=${hex(xid)})`;
  }
  return `${name} data_len=${d.length}${extra}`;
}

/** The fields after "OFPT_X xid=0x.." for each message type; the record keeps it exhaustive. */
const BODY: { [T in MessageType]: (m: MessageOf<T>) => string } = {
  hello: (m) =>
    [
      m.version === undefined ? '' : `version=${m.version}`,
      ...m.elements.map((e) =>
        e.type === 'versionBitmap' ? `version_bitmap=${e.bitmaps.map(hex).join(',')}` : `element(type=${e.elemType},data=${bytesHex(e.data)})`,
      ),
    ].filter(Boolean).join(' '),
  error: errorBody,
  echoRequest: (m) => `data_len=${m.data.length}`,
  echoReply: (m) => `data_len=${m.data.length}`,
  experimenter: (m) => `experimenter=${hexPad(m.experimenter, 8)} exp_type=${m.expType} data_len=${m.data.length}`,
  bundleControl: formatBundleControl,
  bundleAdd: (m) => {
    let inner: string;
    try {
      inner = formatMessage(decode(m.message));
    } catch (e) {
      inner = `(undecodable ${m.message.length} bytes: ${quote(String((e as Error).message))})`;
    }
    return `${formatBundleAddHead(m)} message=${inner}`;
  },
  featuresRequest: () => '',
  featuresReply: (m) =>
    `dpid=${hexPad(m.datapathId, 16)} n_buffers=${m.nBuffers} n_tables=${m.nTables} auxiliary_id=${m.auxiliaryId} ` +
    `capabilities=${flagNames(m.capabilities, OFPC)} reserved=${hex(m.reserved)}`,
  getConfigRequest: () => '',
  getConfigReply: switchConfig,
  setConfig: switchConfig,
  packetIn: (m) =>
    [
      `total_len=${m.totalLen}`,
      formatMatch(m.match),
      `reason=${named(PACKET_IN_REASONS, m.reason)}`,
      `table=${m.tableId}`,
      `cookie=${hex(m.cookie)}`,
      `buffer=${bufferName(m.bufferId)}`,
      `data_len=${m.data.length}`,
    ].filter(Boolean).join(' '),
  flowRemoved: (m) =>
    [
      `reason=${named(FLOW_REMOVED_REASONS, m.reason)}`,
      `table=${m.tableId}`,
      `cookie=${hex(m.cookie)}`,
      `priority=${m.priority}`,
      `duration=${duration(m.durationSec, m.durationNsec)}`,
      `idle=${m.idleTimeout}`,
      `hard=${m.hardTimeout}`,
      `packets=${m.packetCount}`,
      `bytes=${m.byteCount}`,
      formatMatch(m.match),
    ].filter(Boolean).join(' '),
  portStatus: (m) => `reason=${named(PORT_REASONS, m.reason)} ${formatPort(m.desc)}`,
  packetOut: (m) => `in_port=${portName(m.inPort)} buffer=${bufferName(m.bufferId)} actions=${formatActions(m.actions)} data_len=${m.data.length}`,
  flowMod: (m) =>
    [
      named(FLOW_MOD_COMMANDS, m.command),
      `table=${tableName(m.tableId)}`,
      `cookie=${hex(m.cookie)}${m.cookieMask === 0n ? '' : `/${hex(m.cookieMask)}`}`,
      `priority=${m.priority}`,
      m.idleTimeout ? `idle=${m.idleTimeout}` : '',
      m.hardTimeout ? `hard=${m.hardTimeout}` : '',
      m.flags ? `flags=${flagNames(m.flags, FLOW_MOD_FLAGS)}` : '',
      m.bufferId === 0xffffffff ? '' : `buffer=${hex(m.bufferId)}`,
      m.outPort === OFPP.ANY ? '' : `out_port=${portName(m.outPort)}`,
      m.outGroup === OFPG_ANY ? '' : `out_group=${groupName(m.outGroup)}`,
      formatMatch(m.match),
      `actions=${formatInstructions(m.instructions)}`,
    ].filter(Boolean).join(' '),
  groupMod: (m) =>
    [
      named(GROUP_METER_COMMANDS, m.command),
      `type=${named(GROUP_TYPES, m.groupType)}`,
      `group_id=${groupName(m.groupId)}`,
      ...m.buckets.map(formatBucket),
    ].filter(Boolean).join(' '),
  portMod: (m) =>
    `port=${portName(m.portNo)} addr=${m.hwAddr} config=${portConfig(m.config)} mask=${portConfig(m.mask)} advertise=${portFeatures(m.advertise)}`,
  tableMod: (m) => `table=${tableName(m.tableId)} config=${hex(m.config)}`,
  multipartRequest: formatMultipartRequest,
  multipartReply: formatMultipartReply,
  barrierRequest: () => '',
  barrierReply: () => '',
  queueGetConfigRequest: (m) => `port=${portName(m.port)}`,
  queueGetConfigReply: (m) =>
    [
      `port=${portName(m.port)}`,
      ...m.queues.map((q) => {
        const props = q.properties.map((p) => {
          if (p.type === 'minRate' || p.type === 'maxRate') return `${p.type === 'minRate' ? 'min_rate' : 'max_rate'}=${p.rate}`;
          if (p.type === 'experimenter') return `experimenter(${hexPad(p.experimenter, 8)},data=${bytesHex(p.data)})`;
          return `property(type=${p.propType},data=${bytesHex(p.data)})`;
        });
        return `queue(${[`id=${q.queueId === OFPQ_ALL ? 'ALL' : q.queueId}`, `port=${portName(q.port)}`, ...props].join(',')})`;
      }),
    ].filter(Boolean).join(' '),
  roleRequest: (m) => `role=${named(ROLES, m.role)} generation_id=${m.generationId}`,
  roleReply: (m) => `role=${named(ROLES, m.role)} generation_id=${m.generationId}`,
  getAsyncRequest: () => '',
  getAsyncReply: asyncConfig,
  setAsync: asyncConfig,
  meterMod: (m) =>
    `${named(GROUP_METER_COMMANDS, m.command)} meter=${meterName(m.meterId)} flags=${flagNames(m.flags, METER_FLAGS)} ` +
    `bands=${m.bands.length ? m.bands.map(formatBand).join(',') : 'none'}`,
};

/** One line, no newline, never throws for a well-typed message. */
export function formatMessage(msg: OfMessage): string {
  const head = `${OFPT_NAMES[msg.type] ?? `OFPT_${quote(String(msg.type))}`} xid=${hex(msg.xid >>> 0)}`;
  let body: string;
  try {
    const f = BODY[msg.type] as ((m: OfMessage) => string) | undefined;
    body = f ? f(msg) : '';
  } catch (e) {
    // A log line must never take the caller down; say what went wrong instead.
    body = `(unprintable: ${quote(String((e as Error)?.message ?? e))})`;
  }
  // No part contains a line break by design; the replace guards against log injection all the same.
  return (body ? `${head} ${body}` : head).replace(/[\r\n\u2028\u2029]/g, ' ');
}
