import t from 'tap';
import type { Action, Instruction, MessageType, MultipartKind, OfMessage, OxmEntry } from '../../protocol/index.js';
import type { OxmFieldName } from '../../protocol/openflow/oxm-types.js';
import { allSampleMessages, extraSampleMessages, sampleMessages } from '../support/sample-messages.js';

// The corpus other tests rely on must stay complete: these records fail to compile when a
// message type, multipart kind, action, instruction or OXM field is added to types.ts.
const MESSAGE_TYPES: Record<MessageType, true> = {
  hello: true, error: true, echoRequest: true, echoReply: true, experimenter: true, bundleControl: true, bundleAdd: true, featuresRequest: true,
  featuresReply: true, getConfigRequest: true, getConfigReply: true, setConfig: true, packetIn: true,
  flowRemoved: true, portStatus: true, packetOut: true, flowMod: true, groupMod: true, portMod: true,
  tableMod: true, multipartRequest: true, multipartReply: true, barrierRequest: true, barrierReply: true,
  queueGetConfigRequest: true, queueGetConfigReply: true, roleRequest: true, roleReply: true,
  getAsyncRequest: true, getAsyncReply: true, setAsync: true, meterMod: true,
};
const KINDS: Record<MultipartKind, true> = {
  desc: true, flow: true, aggregate: true, table: true, portStats: true, queue: true, group: true,
  groupDesc: true, groupFeatures: true, meter: true, meterConfig: true, meterFeatures: true,
  tableFeatures: true, portDesc: true, experimenter: true,
};
const ACTIONS: Record<Action['type'], true> = {
  output: true, copyTtlOut: true, copyTtlIn: true, setMplsTtl: true, decMplsTtl: true, pushVlan: true,
  popVlan: true, pushMpls: true, popMpls: true, setQueue: true, group: true, setNwTtl: true, decNwTtl: true,
  setField: true, pushPbb: true, popPbb: true, experimenter: true, unknown: true,
  nxCt: true, nxNat: true, nxResubmit: true, nxCtClear: true,
};
const INSTRUCTIONS: Record<Instruction['type'], true> = {
  gotoTable: true, writeMetadata: true, writeActions: true, applyActions: true, clearActions: true,
  meter: true, experimenter: true, unknown: true,
};
const FIELDS: Record<OxmFieldName, true> = {
  in_port: true, in_phy_port: true, metadata: true, eth_dst: true, eth_src: true, eth_type: true,
  vlan_vid: true, vlan_pcp: true, ip_dscp: true, ip_ecn: true, ip_proto: true, ipv4_src: true,
  ipv4_dst: true, tcp_src: true, tcp_dst: true, udp_src: true, udp_dst: true, sctp_src: true,
  sctp_dst: true, icmpv4_type: true, icmpv4_code: true, arp_op: true, arp_spa: true, arp_tpa: true,
  arp_sha: true, arp_tha: true, ipv6_src: true, ipv6_dst: true, ipv6_flabel: true, icmpv6_type: true,
  icmpv6_code: true, ipv6_nd_target: true, ipv6_nd_sll: true, ipv6_nd_tll: true, mpls_label: true,
  mpls_tc: true, mpls_bos: true, pbb_isid: true, tunnel_id: true, ipv6_exthdr: true,
  ct_state: true, ct_zone: true, ct_mark: true, ct_label: true, tun_dst: true,
};

/** Every OXM entry, action and instruction reachable from a message, found by shape. */
function walk(v: unknown, seen: { oxm: Set<string>; actions: Set<string>; instructions: Set<string> }, key = ''): void {
  if (Array.isArray(v)) {
    for (const x of v) {
      if (key === 'match' || key === 'field') seen.oxm.add((x as OxmEntry).field);
      if (key === 'actions' && typeof (x as Action).type === 'string') seen.actions.add((x as Action).type);
      if (key === 'instructions' && typeof (x as Instruction).type === 'string') seen.instructions.add((x as Instruction).type);
      walk(x, seen, key);
    }
  } else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'field' && x && typeof x === 'object') seen.oxm.add((x as OxmEntry).field);
      walk(x, seen, k);
    }
  }
}

t.test('sampleMessages holds every message type and multipart kind', async (t) => {
  const types = new Set(sampleMessages.map((m) => m.type));
  t.same([...types].sort(), Object.keys(MESSAGE_TYPES).sort());
  const kinds = (type: OfMessage['type']) =>
    new Set(sampleMessages.flatMap((m) => (m.type === type && (m.type === 'multipartRequest' || m.type === 'multipartReply') ? [m.body.kind] : [])));
  t.same([...kinds('multipartRequest')].sort(), Object.keys(KINDS).sort());
  t.same([...kinds('multipartReply')].sort(), Object.keys(KINDS).sort());
});

t.test('allSampleMessages holds every action, instruction and OXM field', async (t) => {
  const seen = { oxm: new Set<string>(), actions: new Set<string>(), instructions: new Set<string>() };
  walk(allSampleMessages, seen);
  t.same([...seen.actions].sort(), Object.keys(ACTIONS).sort());
  t.same([...seen.instructions].sort(), Object.keys(INSTRUCTIONS).sort());
  t.same([...seen.oxm].filter((f) => f !== 'opaque').sort(), Object.keys(FIELDS).sort());
  t.ok(seen.oxm.has('opaque'));
});

t.test('xids are distinct within each corpus', async (t) => {
  // Replies reuse their request's xid on purpose; nothing else repeats.
  for (const list of [sampleMessages, extraSampleMessages]) {
    const counts = new Map<number, number>();
    for (const m of list) counts.set(m.xid, (counts.get(m.xid) ?? 0) + 1);
    const repeated = [...counts].filter(([xid, n]) => n > 2 || (n > 1 && xid !== 0 && !list.some((m) => m.xid === xid && /Reply$/.test(m.type))));
    t.same(repeated, []);
  }
});
