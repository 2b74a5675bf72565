/**
 * Flows as ovs-ofctl writes them (`priority=100,tcp,in_port=1,tp_dst=80 actions=output:2`),
 * from the REST flow JSON. Field names follow ovs-ofctl's OpenFlow 1.0-era aliases where it
 * prints them (dl_dst, nw_src, tp_dst ...), protocol shorthands (ip, tcp, arp ...) replace the
 * eth_type/ip_proto pair as ovs-ofctl does.
 */
const ALIAS = {
  eth_src: 'dl_src', eth_dst: 'dl_dst', vlan_pcp: 'dl_vlan_pcp', ipv4_src: 'nw_src', ipv4_dst: 'nw_dst',
  ip_dscp: 'nw_tos', ip_ecn: 'nw_ecn', tcp_src: 'tp_src', tcp_dst: 'tp_dst', udp_src: 'tp_src', udp_dst: 'tp_dst',
  sctp_src: 'tp_src', sctp_dst: 'tp_dst', icmpv4_type: 'icmp_type', icmpv4_code: 'icmp_code', tunnel_id: 'tun_id',
  arp_op: 'arp_op', arp_spa: 'arp_spa', arp_tpa: 'arp_tpa', arp_sha: 'arp_sha', arp_tha: 'arp_tha',
};
const PROTO = { '0x800': { '': 'ip', 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' }, '0x86dd': { '': 'ipv6', 58: 'icmp6', 6: 'tcp6', 17: 'udp6', 132: 'sctp6' }, '0x806': { '': 'arp' } };

const hex = (v) => (typeof v === 'number' ? `0x${v.toString(16)}` : String(v).toLowerCase());

export function matchText(match = {}) {
  const m = { ...match };
  const parts = [];
  const et = m.eth_type === undefined ? undefined : hex(m.eth_type);
  const protos = et ? PROTO[et] : undefined;
  if (protos) {
    const p = m.ip_proto === undefined ? '' : Number(m.ip_proto);
    if (protos[p] !== undefined) { parts.push(protos[p]); delete m.eth_type; if (p !== '') delete m.ip_proto; }
  }
  if (m.eth_type !== undefined) { parts.push(`dl_type=${hex(m.eth_type)}`); delete m.eth_type; }
  if (m.ip_proto !== undefined) { parts.push(`nw_proto=${m.ip_proto}`); delete m.ip_proto; }
  if (m.in_port !== undefined) { parts.push(`in_port=${m.in_port}`); delete m.in_port; }
  if (m.vlan_vid !== undefined) {
    const v = m.vlan_vid;
    parts.push(v === 'none' ? 'vlan_tci=0x0000/0x1fff' : v === 'present' ? 'vlan_tci=0x1000/0x1000' : `dl_vlan=${v}`);
    delete m.vlan_vid;
  }
  for (const [k, v] of Object.entries(m)) {
    if (k === 'opaque') continue;
    parts.push(`${ALIAS[k] ?? k}=${v}`);
  }
  return parts.join(',');
}

export function actionText(a) {
  switch (a.type) {
    case 'output': return typeof a.port === 'number' ? `output:${a.port}` : a.port === 'CONTROLLER' ? `CONTROLLER:${a.maxLen ?? 65535}` : a.port === 'IN_PORT' ? 'IN_PORT' : String(a.port);
    case 'group': return `group:${a.groupId}`;
    case 'setQueue': return `set_queue:${a.queueId}`;
    case 'setField': return `set_field:${a.value}->${a.field}`;
    case 'pushVlan': return `push_vlan:${hex(a.ethertype ?? 0x8100)}`;
    case 'popVlan': return 'pop_vlan';
    case 'pushMpls': return `push_mpls:${hex(a.ethertype ?? 0x8847)}`;
    case 'popMpls': return `pop_mpls:${hex(a.ethertype ?? 0x800)}`;
    case 'pushPbb': return `push_pbb:${hex(a.ethertype ?? 0x88e7)}`;
    case 'popPbb': return 'pop_pbb';
    case 'setMplsTtl': return `set_mpls_ttl(${a.mplsTtl})`;
    case 'decMplsTtl': return 'dec_mpls_ttl';
    case 'setNwTtl': return `mod_nw_ttl:${a.nwTtl}`;
    case 'decNwTtl': return 'dec_ttl';
    case 'copyTtlOut': return 'copy_ttl_out';
    case 'copyTtlIn': return 'copy_ttl_in';
    default: return a.text ?? a.type;
  }
}

const list = (actions) => (actions.length ? actions.map(actionText).join(',') : 'drop');

export function actionsText(flow) {
  if (flow.actions) return list(flow.actions);
  const out = [];
  for (const i of flow.instructions ?? []) {
    switch (i.type) {
      case 'applyActions': out.push(i.actions.length ? list(i.actions) : ''); break;
      case 'writeActions': out.push(`write_actions(${i.actions.map(actionText).join(',')})`); break;
      case 'clearActions': out.push('clear_actions'); break;
      case 'gotoTable': out.push(`goto_table:${i.tableId}`); break;
      case 'meter': out.push(`meter:${i.meterId}`); break;
      case 'writeMetadata': out.push(`write_metadata:${hex(i.metadata)}${i.metadataMask !== undefined ? `/${hex(i.metadataMask)}` : ''}`); break;
      default: out.push(i.type);
    }
  }
  const s = out.filter(Boolean).join(',');
  return s || 'drop';
}

/** The whole ovs-ofctl dump-flows line (without duration, which changes every second). */
export function flowText(f) {
  const head = [`cookie=${f.cookie}`, `table=${f.table}`, `n_packets=${f.packetCount}`, `n_bytes=${f.byteCount}`];
  if (f.idleTimeout) head.push(`idle_timeout=${f.idleTimeout}`);
  if (f.hardTimeout) head.push(`hard_timeout=${f.hardTimeout}`);
  const m = matchText(f.match);
  return `${head.join(', ')}, priority=${f.priority}${m ? `,${m}` : ''} actions=${actionsText(f)}`;
}
