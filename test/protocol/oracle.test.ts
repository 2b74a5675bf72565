import { execFile } from 'node:child_process';
import t from 'tap';
import { codecForName, encode, errorCodeName } from '../../protocol/index.js';
import type { MultipartReply, MultipartRequest, OfMessage } from '../../protocol/index.js';
import { sampleMessages } from '../support/sample-messages.js';

/**
 * The independent oracle: every message of the sample corpus is encoded by our codec and decoded
 * by Open vSwitch's `ovs-ofctl ofp-print HEX`. It must decode without complaint (no "***" marker,
 * no WARN/ERR log line) and show the message's key fields as we meant them. Requires
 * openvswitch-common; its absence fails the test (never skips).
 */

const CONCURRENCY = 2;

function ofpPrint(hex: string): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile('ovs-ofctl', ['ofp-print', hex], { timeout: 20_000, maxBuffer: 16 << 20 }, (e, out, err) => {
      if (e && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('ovs-ofctl not found: apt-get install openvswitch-switch openvswitch-common'));
      } else if (e) reject(e);
      else resolve({ out, err });
    });
  });
}

const SPECIAL_PORTS: Record<number, string> = {
  0xfffffff8: 'IN_PORT', 0xfffffff9: 'TABLE', 0xfffffffa: 'NORMAL', 0xfffffffb: 'FLOOD', 0xfffffffc: 'ALL',
  0xfffffffd: 'CONTROLLER', 0xfffffffe: 'LOCAL', 0xffffffff: 'ANY',
};
const portText = (p: number) => SPECIAL_PORTS[p] ?? String(p);
const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const MP_NAMES: Record<string, string> = {
  desc: 'DESC', flow: 'FLOW', aggregate: 'AGGREGATE', table: 'TABLE', portStats: 'PORT', queue: 'QUEUE', group: 'GROUP',
  groupDesc: 'GROUP_DESC', groupFeatures: 'GROUP_FEATURES', meter: 'METER', meterConfig: 'METER_CONFIG',
  meterFeatures: 'METER_FEATURES', tableFeatures: 'TABLE_FEATURES', portDesc: 'PORT_DESC',
};
const CMD3 = ['ADD', 'MOD', 'DEL'];

/** Text that ofp-print must show for this message: its key fields as OVS writes them. */
function keyTexts(m: OfMessage): string[] {
  const k = [`(xid=${hex(m.xid)})`];
  const name = codecForName(m.type)!.ofpName;
  if (m.type !== 'experimenter' && m.type !== 'multipartRequest' && m.type !== 'multipartReply' && m.type !== 'bundleControl' && m.type !== 'bundleAdd') k.push(name);
  switch (m.type) {
    case 'bundleControl':
      k.push('ONFT_BUNDLE_CONTROL', `bundle_id=${hex(m.bundleId)}`, `type=${['OPEN_REQUEST', 'OPEN_REPLY', 'CLOSE_REQUEST', 'CLOSE_REPLY', 'COMMIT_REQUEST', 'COMMIT_REPLY', 'DISCARD_REQUEST', 'DISCARD_REPLY'][m.ctrlType]}`);
      break;
    case 'bundleAdd':
      k.push('ONFT_BUNDLE_ADD_MESSAGE', `bundle_id=${hex(m.bundleId)}`, `OFPT_FLOW_MOD (OF1.3) (xid=${hex(m.xid)})`);
      break;
    case 'hello': {
      const versions = m.elements.flatMap((e) => (e.type === 'versionBitmap' ? [0, 1, 2, 3, 4, 5, 6, 7].filter((v) => (e.bitmaps[0]! >> v) & 1) : []));
      k.push(`version bitmap: ${versions.map((v) => `0x0${v}`).join(', ')}`);
      break;
    }
    case 'error':
      k.push(errorCodeName(m.errType, m.code));
      break;
    case 'echoRequest':
    case 'echoReply':
      k.push(`${m.data.length} bytes of payload`);
      break;
    case 'featuresReply':
      k.push(`dpid:${m.datapathId.toString(16).padStart(16, '0')}`, `n_tables:${m.nTables}`, `n_buffers:${m.nBuffers}`);
      if (m.auxiliaryId) k.push(`auxiliary_id:${m.auxiliaryId}`);
      break;
    case 'getConfigReply':
    case 'setConfig':
      k.push(`frags=${['normal', 'drop', 'reassemble', 'nx-match'][m.flags & 3]} miss_send_len=${m.missSendLen}`);
      break;
    case 'packetIn':
      k.push(`total_len=${m.totalLen}`, `(via ${['no_match', 'action', 'invalid_ttl'][m.reason]})`, `data_len=${m.data.length}`);
      if (m.cookie) k.push(`cookie=${hex(m.cookie)}`);
      if (m.tableId) k.push(`table_id=${m.tableId}`);
      break;
    case 'flowRemoved':
      k.push(`priority=${m.priority}`, `reason=${['idle', 'hard', 'delete', 'group_delete'][m.reason]}`, `table_id=${m.tableId}`,
        `cookie:${hex(m.cookie)}`, `idle${m.idleTimeout} hard${m.hardTimeout} pkts${m.packetCount} bytes${m.byteCount}`);
      break;
    case 'portStatus':
      k.push(`${['ADD', 'DEL', 'MOD'][m.reason]}: ${portText(m.desc.portNo)}(${m.desc.name}): addr:${m.desc.hwAddr}`);
      break;
    case 'packetOut':
      k.push(`in_port=${portText(m.inPort)}`, `data_len=${m.data.length}`);
      break;
    case 'flowMod':
      k.push(`${['ADD', 'MOD', 'MOD_STRICT', 'DEL', 'DEL_STRICT'][m.command]} `);
      if (m.tableId) k.push(`table:${m.tableId}`);
      if (m.priority !== 0x8000) k.push(`priority=${m.priority}`);
      // OpenFlow 1.1+ MODIFY/DELETE use the cookie only as a filter with cookie_mask; OVS prints it then.
      if (m.cookieMask) k.push(`cookie:${hex(m.cookie)}/${hex(m.cookieMask)}`);
      else if (m.command === 0 && m.cookie) k.push(`cookie:${hex(m.cookie)}`);
      if (m.idleTimeout) k.push(`idle:${m.idleTimeout}`);
      if (m.hardTimeout) k.push(`hard:${m.hardTimeout}`);
      break;
    case 'groupMod':
      k.push(`${CMD3[m.command]} group_id=${m.groupId},type=${['all', 'select', 'indirect', 'ff'][m.groupType]}`);
      break;
    case 'portMod':
      k.push(`port: ${portText(m.portNo)}: addr:${m.hwAddr}`);
      break;
    case 'tableMod':
      k.push(`table_id=${m.tableId}`);
      break;
    case 'queueGetConfigRequest':
      k.push(`port=${portText(m.port)}`);
      break;
    case 'queueGetConfigReply':
      k.push(`port=${portText(m.port)}`, ...m.queues.map((q) => `queue ${q.queueId}:`));
      break;
    case 'roleRequest':
    case 'roleReply':
      k.push(`role=${['nochange', 'equal', 'primary', 'secondary'][m.role]} generation_id=${m.generationId}`);
      break;
    case 'getAsyncReply':
    case 'setAsync':
      k.push(' primary:', 'PACKET_IN:', ' secondary:');
      break;
    case 'meterMod':
      k.push(`${CMD3[m.command]} meter=${m.meterId}`, ...m.bands.map((b) => `rate=${b.rate}`));
      break;
    case 'multipartRequest':
      k.push(...requestTexts(m));
      break;
    case 'multipartReply':
      k.push(...replyTexts(m));
      break;
  }
  return k;
}

function requestTexts(m: MultipartRequest): string[] {
  const b = m.body;
  if (b.kind === 'experimenter') return [' request (OF1.3)'];
  const k = [`OFPST_${MP_NAMES[b.kind]} request`];
  if (b.kind === 'flow' || b.kind === 'aggregate') {
    if (b.tableId !== 0xff) k.push(`table=${b.tableId}`);
    if (b.outPort !== 0xffffffff) k.push(`out_port=${portText(b.outPort)}`);
  }
  if (b.kind === 'portStats') k.push(`port_no=${portText(b.portNo)}`);
  if (b.kind === 'queue') k.push(`port=${portText(b.portNo)} queue=${b.queueId === 0xffffffff ? 'ALL' : b.queueId}`);
  if (b.kind === 'group') k.push(`group_id=${b.groupId === 0xfffffffc ? 'ALL' : b.groupId}`);
  if (b.kind === 'meter' || b.kind === 'meterConfig') k.push(`meter=${b.meterId === 0xffffffff ? 'all' : b.meterId}`);
  if (b.kind === 'tableFeatures') k.push(...b.tables.map((x) => `max_entries=${x.maxEntries}`));
  return k;
}

function replyTexts(m: MultipartReply): string[] {
  const b = m.body;
  if (b.kind === 'experimenter') return [' reply (OF1.3)'];
  const k = [`OFPST_${MP_NAMES[b.kind]} reply`];
  if (m.flags & 1) k.push('flags=[more]');
  switch (b.kind) {
    case 'desc':
      k.push(`Manufacturer: ${b.mfrDesc}`, `Hardware: ${b.hwDesc}`, `Software: ${b.swDesc}`, `Serial Num: ${b.serialNum}`, `DP Description: ${b.dpDesc}`);
      break;
    case 'flow':
      for (const s of b.stats) k.push(`cookie=${hex(s.cookie)}, duration=`, `table=${s.tableId}, n_packets=${s.packetCount}, n_bytes=${s.byteCount}`);
      break;
    case 'aggregate':
      k.push(`packet_count=${b.packetCount} byte_count=${b.byteCount} flow_count=${b.flowCount}`);
      break;
    case 'table':
      for (const s of b.stats) k.push(`table ${s.tableId}:`, `active=${s.activeCount}, lookup=${s.lookupCount}, matched=${s.matchedCount}`);
      break;
    case 'portStats':
      for (const s of b.stats) k.push(`rx pkts=${s.rxPackets}, bytes=${s.rxBytes}`, `tx pkts=${s.txPackets}, bytes=${s.txBytes}`);
      break;
    case 'queue':
      for (const s of b.stats) k.push(`port ${portText(s.portNo)} queue ${s.queueId}: bytes=${s.txBytes}, pkts=${s.txPackets}, errors=${s.txErrors}`);
      break;
    case 'group':
      for (const s of b.stats) k.push(`group_id=${s.groupId},duration=`, `ref_count=${s.refCount},packet_count=${s.packetCount},byte_count=${s.byteCount}`);
      break;
    case 'groupDesc':
      for (const s of b.stats) k.push(`group_id=${s.groupId},type=${['all', 'select', 'indirect', 'ff'][s.groupType]}`);
      break;
    case 'groupFeatures':
      k.push(`Types:  ${hex(b.types)}`, `Capabilities:  ${hex(b.capabilities)}`, ...b.maxGroups.map((g) => `max_groups=${hex(g)}`));
      break;
    case 'meter':
      for (const s of b.stats) k.push(`meter:${s.meterId} flow_count:${s.flowCount} packet_in_count:${s.packetInCount} byte_in_count:${s.byteInCount}`);
      break;
    case 'meterConfig':
      for (const s of b.stats) k.push(`meter=${s.meterId}`, ...s.bands.map((x) => `rate=${x.rate}`));
      break;
    case 'meterFeatures':
      k.push(`max_meter:${b.maxMeter} max_bands:${b.maxBands} max_color:${b.maxColor}`);
      break;
    case 'tableFeatures':
      for (const x of b.tables) k.push(`table ${x.tableId}`, `max_entries=${x.maxEntries}`);
      break;
    case 'portDesc':
      for (const p of b.ports) k.push(`${portText(p.portNo)}(${p.name}): addr:${p.hwAddr}`);
      break;
  }
  return k;
}

function label(m: OfMessage): string {
  const kind = m.type === 'multipartRequest' || m.type === 'multipartReply' ? ` ${m.body.kind}` : '';
  return `${m.type}${kind} xid=${hex(m.xid)}`;
}

async function check(t: Tap, m: OfMessage): Promise<void> {
  const bytes = encode(m);
  const { out, err } = await ofpPrint(bytes.toString('hex'));
  const complaints = [...out.split('\n').filter((l) => l.includes('***')), ...err.split('\n').filter((l) => /\|(WARN|ERR|EMER)\|/.test(l))];
  t.strictSame(complaints, [], `${label(m)}: ofp-print decodes it without complaint`);
  const missing = keyTexts(m).filter((s) => !out.includes(s));
  t.strictSame(missing, [], `${label(m)}: key fields appear in ofp-print text`);
  if (missing.length || complaints.length) t.comment(out.slice(0, 2000));
}

interface Tap {
  strictSame(found: unknown, wanted: unknown, msg?: string): unknown;
  comment(...args: unknown[]): unknown;
}

t.test('ovs-ofctl ofp-print decodes every sample message with its key fields', async (t) => {
  t.ok(sampleMessages.length >= 50, `${sampleMessages.length} sample messages`);
  const types = new Set(sampleMessages.map((m) => m.type));
  t.equal(types.size, 32, 'every message type is in the corpus (30 of OpenFlow 1.3, 2 ONF bundle messages)');
  let next = 0;
  const worker = async () => {
    while (next < sampleMessages.length) await check(t as unknown as Tap, sampleMessages[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
});
