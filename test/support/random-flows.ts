/**
 * Random flows in the REST API's JSON form for the bulk shortcuts' tests (test/rest/
 * flow-wire-fast.test.ts, flow-bytes-fast.test.ts): valid and invalid values of every match
 * field and action kind the API takes, cookies in every form. `common` flows mostly keep to the
 * shape the shortcuts take (so they run), the others range over everything.
 */
import type { FlowCommand } from '../../src/rest/flow-json.js';
import type { Prng } from './prng.js';

export const COMMANDS: FlowCommand[] = ['add', 'add', 'modify', 'delete'];

// Values per field: mostly valid ones of every accepted form, some invalid.
export const POOL: Record<string, unknown[]> = {
  in_port: [1, 2, 0xfffffffe, 0xffffffff, 'LOCAL', 'controller', '7', -1, 1.5, 2 ** 32, null],
  eth_dst: ['02:00:00:00:00:01', 'AA:BB:CC:DD:EE:FF', '02:00:00:00:00:00/ff:ff:ff:00:00:00', '02:00:00:00:00', 'zz:00:00:00:00:01', 5],
  eth_src: ['0a:1b:2c:3d:4e:5f', '02:00:00:00:00:01/01:00:00:00:00:00', '02-00-00-00-00-01'],
  eth_type: [0x0800, 0x0800, 0x0800, 0x86dd, 0x0806, 0x8100, '0x800', '2048', 0x10000, -5],
  vlan_vid: [0, 1, 100, 4095, 4096, 'none', 'present', '0x1005/0x1fff', '0x1064', '12'],
  vlan_pcp: [0, 3, 7, 8],
  ip_proto: [6, 6, 17, 17, 1, 58, 256, '6'],
  ip_dscp: [0, 46, 64],
  ipv4_src: ['10.0.0.1', '10.0.0.0/8', '10.1.2.3/24', '10.0.0.1/32', '0.0.0.0/0', '10.0.0.0/255.255.0.0', '10.0.0.0/33', '10.0.0', '300.0.0.1', ' 10.0.0.1', '10.0.0.1/ 16'],
  ipv4_dst: ['192.168.1.1', '192.168.0.0/16', '192.168.1.7/31', '1.2.3.4/1', '1.2.3.4/abc', 7],
  tcp_src: [80, 443, 0, 65535, 65536, '80'],
  tcp_dst: [22, 8080, 1.5],
  udp_src: [53, 67, 68],
  udp_dst: [53, 4789, -1],
  icmpv4_type: [8, 0],
  arp_op: [1, 2],
  ipv6_dst: ['2001:db8::1', '2001:db8::/32', 'fe80::1/64'],
  metadata: ['0x1', 5, '0x10/0xff'],
  tunnel_id: [5, '0x100'],
  ct_state: ['+trk+new', '0x21/0x3f'],
  nosuch_field: [1],
};
const FIELDS = Object.keys(POOL);
export const COMMON = ['in_port', 'eth_dst', 'eth_src', 'eth_type', 'vlan_vid', 'ip_proto', 'ipv4_src', 'ipv4_dst', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst'];

export const ACTIONS: unknown[] = [
  { type: 'output', port: 1 },
  { type: 'output', port: 2 },
  { type: 'output', port: 0xfffffffd },
  { type: 'output', port: 0xfffffffd, maxLen: 128 },
  { type: 'output', port: 3, maxLen: 0 },
  { type: 'output', port: 'CONTROLLER' },
  { type: 'output', port: '4' },
  { type: 'output', port: -1 },
  { type: 'output', port: 1, maxLen: 70000 },
  { type: 'output' },
  { type: 'output', port: 1, extra: true },
  { type: 'group', groupId: 3 },
  { type: 'setField', field: 'eth_dst', value: '02:00:00:00:00:09' },
  { type: 'pushVlan' },
  { type: 'decNwTtl' },
  { type: 'nosuch' },
  'output',
  null,
];

export const TOP: Record<string, unknown[]> = {
  table: [0, 1, 7, 254, 255, 256, -1, '3'],
  priority: [0, 100, 65535, 65536, 1.5, '100'],
  cookie: [0, 42, '0xbe7c4', 2 ** 40, '0xffffffffffffffff', '0X1234567890abcdef', '123456789012345', '0x2a', '0x', '0x1ffffffffffffffff', ' 0x2a', '1e3', '9007199254740993', 2 ** 53 - 1, 2 ** 53, -1],
  idleTimeout: [0, 10, 65535, 65536],
  hardTimeout: [0, 30, -3],
  bufferId: [0xffffffff, 5, 2 ** 32],
  outPort: [1, 0xffffffff, 'ANY', -1],
  outGroup: [0xffffffff, 3, 'x'],
  flags: [['send_flow_rem'], 1, ['nosuch']],
  strict: [true, false, 'yes'],
  cookieMask: [0, '0xff'],
  instructions: [[{ type: 'gotoTable', tableId: 3 }], []],
  persistent: [false],
};

export function randomFlow(r: Prng, common: boolean): unknown {
  if (r.chance(0.01)) return r.pick([null, 5, 'flow', [1]]);
  const flow: Record<string, unknown> = {};
  for (const k of Object.keys(TOP)) {
    const rare = !['table', 'priority', 'cookie', 'idleTimeout', 'hardTimeout'].includes(k);
    if (r.chance(rare ? (common ? 0.01 : 0.06) : 0.4)) flow[k] = r.pick(TOP[k]!);
  }
  if (!r.chance(0.05)) {
    const match: Record<string, unknown> = {};
    const names = common ? COMMON : FIELDS;
    const n = r.int(0, 5);
    for (let i = 0; i < n; i++) {
      const f = r.pick(names);
      // In "common" flows mostly valid values that satisfy prerequisites, so the shortcut runs.
      match[f] = common ? r.pick(POOL[f]!.slice(0, 3)) : r.pick(POOL[f]!);
    }
    if (common) {
      if (match.ip_proto !== undefined || match.ipv4_src !== undefined || match.ipv4_dst !== undefined || r.chance(0.5)) match.eth_type = 0x0800;
      if (match.tcp_src !== undefined || match.tcp_dst !== undefined) match.ip_proto = 6;
      if (match.udp_src !== undefined || match.udp_dst !== undefined) match.ip_proto = r.chance(0.9) ? 17 : 6;
    }
    flow.match = r.chance(0.02) ? r.pick([null, [], 'x']) : match;
  }
  if (r.chance(0.85)) {
    const n = r.int(0, 4);
    const list: unknown[] = [];
    for (let i = 0; i < n; i++) list.push(common ? r.pick(ACTIONS.slice(0, 5)) : r.pick(ACTIONS));
    flow.actions = r.chance(0.02) ? { type: 'output', port: 1 } : list;
  }
  return flow;
}

