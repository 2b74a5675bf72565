import t from 'tap';
import {
  formatActions,
  formatInstructions,
  formatMatch,
  formatMessage,
  type Action,
  type FlowStats,
  type Instruction,
  type OfMessage,
} from '../../protocol/index.js';
import { allSampleMessages, sampleMessages } from '../support/sample-messages.js';
import * as p from '../support/sample-parts.js';

const find = <T extends OfMessage['type']>(type: T, xid?: number) =>
  sampleMessages.find((m) => m.type === type && (xid === undefined || m.xid === xid)) as Extract<OfMessage, { type: T }>;

/** The token each action and instruction type prints as, to check lists generically. */
const ACTION_TOKENS: Record<Action['type'], string> = {
  output: 'output:',
  copyTtlOut: 'copy_ttl_out',
  copyTtlIn: 'copy_ttl_in',
  setMplsTtl: 'set_mpls_ttl:',
  decMplsTtl: 'dec_mpls_ttl',
  pushVlan: 'push_vlan:0x',
  popVlan: 'pop_vlan',
  pushMpls: 'push_mpls:0x',
  popMpls: 'pop_mpls:0x',
  setQueue: 'set_queue:',
  group: 'group:',
  setNwTtl: 'set_nw_ttl:',
  decNwTtl: 'dec_ttl',
  setField: 'set_field:',
  pushPbb: 'push_pbb:0x',
  popPbb: 'pop_pbb',
  experimenter: 'experimenter(0x',
  unknown: 'unknown_action(type=',
  nxCt: 'ct(',
  nxNat: 'nat(',
  nxResubmit: 'resubmit(',
  nxCtClear: 'ct_clear',
};
const INSTRUCTION_TOKENS: Record<Exclude<Instruction['type'], 'applyActions'>, string> = {
  gotoTable: 'goto_table:',
  writeMetadata: 'write_metadata:0x',
  writeActions: 'write_actions(',
  clearActions: 'clear_actions',
  meter: 'meter:',
  experimenter: 'experimenter_instruction(0x',
  unknown: 'unknown_instruction(type=',
};

t.test('every sample formats to one line with its name and xid', async (t) => {
  for (const m of allSampleMessages) {
    const s = formatMessage(m);
    t.notMatch(s, /[\r\n\u2028\u2029]/, `${m.type} has no line break`);
    t.match(s, new RegExp(`^(OFPT|ONFT)_[A-Z_]+ xid=0x${m.xid.toString(16)}( |$)`), s.slice(0, 60));
    t.notMatch(s, /undefined|NaN|\[object/, `${m.type} prints no placeholder`);
  }
});

t.test('every match field, action and instruction of every sample shows up', async (t) => {
  const check = (s: string, v: unknown, key = ''): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x !== 'object') continue; // groupFeatures.actions is a list of bitmaps
        if (key === 'match') t.ok(s.includes(`${x.field === 'opaque' ? '' : x.field}=`), `${x.field} in ${s.slice(0, 50)}`);
        if (key === 'actions') t.ok(s.includes(ACTION_TOKENS[(x as Action).type]), `${x.type} in ${s.slice(0, 50)}`);
        if (key === 'instructions' && x.type !== 'applyActions') {
          t.ok(s.includes(INSTRUCTION_TOKENS[x.type as keyof typeof INSTRUCTION_TOKENS]), `${x.type} in ${s.slice(0, 50)}`);
        }
        check(s, x, key);
      }
    } else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      // Table-features properties list instruction and action *ids*, not instructions.
      for (const [k, x] of Object.entries(v)) if (k !== 'properties') check(s, x, k);
    }
  };
  for (const m of allSampleMessages) check(formatMessage(m), m);
});

t.test('flow mod, packet in and error read like ofp-print', async (t) => {
  t.equal(
    formatMessage(find('flowMod', 13)),
    'OFPT_FLOW_MOD xid=0xd ADD table=2 cookie=0x1122334455667788 priority=1000 idle=30 hard=300 flags=send_flow_rem|check_overlap ' +
      'in_port=1,eth_type=0x0800,ip_proto=6,ipv4_src=10.0.0.0/255.255.255.0,ipv4_dst=192.168.7.9,tcp_src=49152,tcp_dst=443 ' +
      'actions=meter:9,set_field:aa:bb:cc:dd:ee:0f->eth_dst,set_field:10.0.0.9->ipv4_dst,set_field:8443->tcp_dst,dec_ttl,output:2,' +
      'output:CONTROLLER:128,clear_actions,write_actions(set_queue:3,group:17),write_metadata:0xab/0xff,goto_table:5',
  );
  t.equal(
    formatMessage(find('flowMod', 14)),
    'OFPT_FLOW_MOD xid=0xe DELETE_STRICT table=all cookie=0xa1000000000000/0xffff000000000000 priority=1500 out_port=5 out_group=18 ' +
      'eth_type=0x0806,arp_op=2,arp_spa=10.0.0.2,arp_tpa=10.0.0.0/255.255.255.0,arp_sha=9a:1c:2f:30:44:02,' +
      'arp_tha=9a:1c:2f:30:00:00/ff:ff:ff:ff:00:00 actions=drop',
  );
  t.equal(
    formatMessage(find('packetIn')),
    'OFPT_PACKET_IN xid=0x0 total_len=60 in_port=2,metadata=0x42 reason=action table=3 cookie=0xa1000000000005 buffer=none data_len=60',
  );
  t.equal(
    formatMessage(find('error', 9)),
    'OFPT_ERROR xid=0x9 OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL data_len=88 request=OFPT_FLOW_MOD(xid=0x9)',
  );
  t.equal(
    formatMessage({ type: 'error', xid: 3, errType: 4, code: 9, data: new Uint8Array(64) }),
    'OFPT_ERROR xid=0x3 OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ data_len=64 request=OFPT_HELLO(xid=0x0)',
  );
  t.equal(
    formatMessage(find('error', 2)),
    'OFPT_ERROR xid=0x2 OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE data_len=28 text="We support version 0x04 only"',
  );
  t.equal(
    formatMessage({ type: 'error', xid: 4, errType: 0xffff, code: 7, experimenter: 0x2320, data: new Uint8Array(2) }),
    'OFPT_ERROR xid=0x4 OFPET_EXPERIMENTER experimenter=0x00002320 exp_type=7 data_len=2',
  );
});

t.test('other messages carry their key fields', async (t) => {
  const expect: [OfMessage, string[]][] = [
    [find('hello'), ['version=4', 'version_bitmap=0x12']],
    [find('featuresReply'), ['dpid=0x00000a1b2c3d4e5f', 'n_buffers=256', 'n_tables=254', 'auxiliary_id=1', 'capabilities=FLOW_STATS|TABLE_STATS|PORT_STATS|GROUP_STATS|QUEUE_STATS']],
    [find('getConfigReply'), ['frags=drop', 'miss_send_len=128']],
    [find('setConfig'), ['frags=reasm', 'miss_send_len=NO_BUFFER']],
    [find('flowRemoved'), ['reason=hard_timeout', 'table=4', 'cookie=0xa1000000000006', 'priority=2000', 'duration=3600.250s', 'idle=60', 'hard=3600', 'packets=1234', 'bytes=567890', 'ipv6_src=2001:db8:1::/ffff:ffff:ffff:ffff::']],
    [find('portStatus'), ['reason=modify', 'port=3', 'name="s1-eth3"', 'addr=9a:1c:2f:30:44:03', 'config=NO_PACKET_IN', 'state=LINK_DOWN', 'curr=1GB_FD|COPPER', 'curr_speed=1000000']],
    [find('packetOut'), ['in_port=CONTROLLER', 'buffer=none', 'actions=push_vlan:0x8100,set_field:0x102a->vlan_vid,output:3,pop_vlan,output:FLOOD', 'data_len=60']],
    [find('groupMod', 17), ['ADD', 'type=select', 'group_id=17', 'bucket(weight=60,actions=set_field:9a:1c:2f:30:44:aa->eth_src,output:1)']],
    [find('groupMod', 18), ['MODIFY', 'type=ff', 'bucket(weight=0,watch_port=4,actions=push_vlan:0x88a8']],
    [find('portMod'), ['port=3', 'config=PORT_DOWN', 'mask=PORT_DOWN|NO_PACKET_IN', 'advertise=10GB_FD|COPPER|AUTONEG']],
    [find('tableMod'), ['table=2', 'config=0x3']],
    [find('queueGetConfigReply'), ['port=1', 'queue(id=0,port=1,min_rate=100,max_rate=900)', 'queue(id=1,port=1,min_rate=200)']],
    [find('roleReply'), ['role=slave', 'generation_id=12345678901234567890']],
    [find('getAsyncReply'), ['packet_in=0x7/0x0', 'port_status=0x7/0x6', 'flow_removed=0xf/0x1']],
    [find('meterMod', 27), ['ADD', 'meter=9', 'flags=KBPS|BURST|STATS', 'bands=drop(rate=20000,burst=2000)']],
    [find('meterMod', 28), ['MODIFY', 'bands=dscp_remark(rate=300,burst=30,prec_level=2)']],
    [find('experimenter'), ['experimenter=0x00002320', 'exp_type=16', 'data_len=4']],
    [find('echoRequest'), ['data_len=8']],
  ];
  for (const [m, parts] of expect) {
    const s = formatMessage(m);
    for (const part of parts) t.ok(s.includes(part), `${part} in ${s}`);
  }
});

t.test('every multipart kind names itself and its main fields', async (t) => {
  const lines = sampleMessages
    .filter((m) => m.type === 'multipartRequest' || m.type === 'multipartReply')
    .map((m) => formatMessage(m));
  const has = (prefix: string, ...parts: string[]) => {
    const line = lines.find((l) => l.startsWith(prefix));
    t.ok(line, prefix);
    for (const part of parts) t.ok(line?.includes(part), `${part} in ${line}`);
  };
  const req = 'OFPT_MULTIPART_REQUEST xid=0x';
  t.equal(lines.filter((l) => l.startsWith(req)).length, 15);
  t.ok(lines.some((l) => /^OFPT_MULTIPART_REQUEST xid=0x\w+ OFPMP_DESC flags=0$/.test(l)));
  has(`${req}101 OFPMP_FLOW`, 'table=all', 'out_port=ANY', 'out_group=ANY', 'cookie=0xa1000000000000/0xffff000000000000', 'ipv4_dst=10.0.0.0/255.0.0.0');
  has(`${req}102 OFPMP_AGGREGATE`, 'table=1', 'out_port=2', 'out_group=17', 'cookie=0x5/0xff', 'in_port=2');
  has(`${req}104 OFPMP_PORT_STATS`, 'port=ANY');
  has(`${req}105 OFPMP_QUEUE`, 'port=1', 'queue=ALL');
  has(`${req}106 OFPMP_GROUP`, 'group=ALL');
  has(`${req}109 OFPMP_METER`, 'meter=ALL');
  has(`${req}10a OFPMP_METER_CONFIG`, 'meter=5');
  has(`${req}10c OFPMP_TABLE_FEATURES`, 'tables=1', 'name="acl"', 'props=instructions,next_tables,write_actions');
  has(`${req}10e OFPMP_EXPERIMENTER`, 'experimenter=0x00002320', 'exp_type=3');
  const rep = 'OFPT_MULTIPART_REPLY xid=0x';
  has(`${rep}10f OFPMP_DESC`, 'mfr="Nicira, Inc."', 'hw="Open vSwitch"', 'sw="3.1.0"', 'serial="None"', 'dp="s1"');
  has(`${rep}110 OFPMP_FLOW`, 'flags=more', 'stats=5', 'packets=9000000000', 'bytes=12345678901234', 'mpls_label=1001', 'actions=drop');
  has(`${rep}111 OFPMP_AGGREGATE`, 'packets=98765', 'bytes=12345678', 'flows=42');
  has(`${rep}112 OFPMP_TABLE`, 'stats=2', '[table=0 active=5 lookup=1000 matched=900]');
  has(`${rep}113 OFPMP_PORT_STATS`, 'port=LOCAL', 'rx_crc=11', 'coll=12', 'duration=3599.999s');
  has(`${rep}114 OFPMP_QUEUE`, 'queue=2', 'tx_bytes=65536', 'tx_errs=1');
  has(`${rep}115 OFPMP_GROUP`, 'group=17', 'ref_count=2', 'buckets=180:18000,120:12000');
  has(`${rep}116 OFPMP_GROUP_DESC`, 'type=select', 'type=ff', 'watch_port=3');
  has(`${rep}117 OFPMP_GROUP_FEATURES`, 'types=0xf', 'max_groups=4096,1024,256,64', 'actions=0xfff9801,');
  has(`${rep}118 OFPMP_METER`, 'meter=5', 'packets_in=700', 'bands=12:1200');
  has(`${rep}119 OFPMP_METER_CONFIG`, 'flags=KBPS|BURST|STATS', 'dscp_remark(rate=500,burst=50,prec_level=1)');
  has(`${rep}11a OFPMP_METER_FEATURES`, 'max_meter=4096', 'band_types=0x6', 'max_bands=8', 'max_color=2');
  has(`${rep}11b OFPMP_TABLE_FEATURES`, 'tables=2', 'metadata_write=0xfffffffffffffff0', 'max_entries=1000000', 'apply_setfield_miss');
  has(`${rep}11c OFPMP_PORT_DESC`, 'ports=3', 'port=1', 'port=LOCAL', 'max_speed=40000000');
  has(`${rep}11d OFPMP_EXPERIMENTER`, 'exp_type=3', 'data_len=88');
});

t.test('formatMatch, formatActions and formatInstructions', async (t) => {
  t.equal(formatMatch([]), '');
  t.equal(
    formatMatch(p.icmp4Match),
    'metadata=0xa0/0xf0,tunnel_id=0x1234,eth_src=9a:1c:2f:30:44:02,eth_type=0x0800,ip_proto=1,icmpv4_type=8,icmpv4_code=0',
  );
  t.equal(
    formatMatch([
      { field: 'in_port', value: 0xfffffffe },
      { field: 'vlan_vid', value: 0x1000, mask: 0x1000 },
      { field: 'opaque', oxmClass: 1, oxmField: 0, hasMask: false, body: p.hx('0000002a') },
      { field: 'opaque', oxmClass: 0x0003, oxmField: 5, hasMask: true, body: p.hx('0a0b') },
    ]),
    'in_port=LOCAL,vlan_vid=0x1000/0x1000,NXM_1:0=0000002a,0x0003:5=0a/0b',
  );
  t.equal(formatActions([]), 'drop');
  const reserved: [number, string][] = [
    [0xfffffff8, 'IN_PORT'],
    [0xfffffff9, 'TABLE'],
    [0xfffffffa, 'NORMAL'],
    [0xfffffffb, 'FLOOD'],
    [0xfffffffc, 'ALL'],
    [0xfffffffe, 'LOCAL'],
    [0xffffffff, 'ANY'],
    [0xffffff00, '4294967040'],
  ];
  for (const [port, name] of reserved) t.equal(formatActions([{ type: 'output', port, maxLen: 0 }]), `output:${name}`);
  t.equal(formatActions([{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }]), 'output:CONTROLLER:65535');
  t.equal(
    formatActions([
      { type: 'copyTtlOut' },
      { type: 'copyTtlIn' },
      { type: 'setMplsTtl', mplsTtl: 64 },
      { type: 'decMplsTtl' },
      { type: 'pushVlan', ethertype: 0x8100 },
      { type: 'popVlan' },
      { type: 'pushMpls', ethertype: 0x8848 },
      { type: 'popMpls', ethertype: 0x86dd },
      { type: 'setQueue', queueId: 4 },
      { type: 'group', groupId: 0xfffffffc },
      { type: 'setNwTtl', nwTtl: 17 },
      { type: 'decNwTtl' },
      { type: 'setField', field: { field: 'metadata', value: 0x10n, mask: 0xf0n } },
      { type: 'setField', field: { field: 'ipv6_dst', value: '2001:db8::1' } },
      { type: 'pushPbb', ethertype: 0x88e7 },
      { type: 'popPbb' },
      { type: 'experimenter', experimenter: 0x2320, data: p.hx('0102') },
      { type: 'unknown', actionType: 30, body: p.hx('ff') },
    ]),
    'copy_ttl_out,copy_ttl_in,set_mpls_ttl:64,dec_mpls_ttl,push_vlan:0x8100,pop_vlan,push_mpls:0x8848,pop_mpls:0x86dd,' +
      'set_queue:4,group:ALL,set_nw_ttl:17,dec_ttl,set_field:0x10/0xf0->metadata,set_field:2001:db8::1->ipv6_dst,' +
      'push_pbb:0x88e7,pop_pbb,experimenter(0x00002320,data=0102),unknown_action(type=30,body=ff)',
  );
  t.equal(formatInstructions([]), 'drop');
  t.equal(
    formatInstructions([
      { type: 'meter', meterId: 0xfffffffe },
      { type: 'applyActions', actions: [] },
      { type: 'writeActions', actions: [] },
      { type: 'experimenter', experimenter: 0xabc, data: p.hx('00') },
      { type: 'unknown', instructionType: 9, body: p.hx('') },
      { type: 'gotoTable', tableId: 254 },
    ]),
    'meter:CONTROLLER,apply_actions(),write_actions(),experimenter_instruction(0x00000abc,data=00),unknown_instruction(type=9,body=),goto_table:254',
  );
});

t.test('odd but well-typed values never throw nor break the line', async (t) => {
  const port = { ...p.port1, name: 'evil\nname\u2028"x"' };
  const odd: OfMessage[] = [
    { type: 'error', xid: 0xffffffff, errType: 99, code: 77, data: new Uint8Array(0) },
    { type: 'error', xid: 1, errType: 0, code: 9, data: new TextEncoder().encode('line1\nline2\r\n') },
    { type: 'portStatus', xid: 2, reason: 9, desc: port },
    { type: 'packetIn', xid: 3, bufferId: 7, totalLen: 0, reason: 200, tableId: 255, cookie: 0xffffffffffffffffn, match: [], data: new Uint8Array(0) },
    { type: 'multipartReply', xid: 4, flags: 0xffff, body: { kind: 'desc', mfrDesc: 'a\nb', hwDesc: '', swDesc: '\u0000', serialNum: '\\', dpDesc: '"' } },
    { ...find('flowMod', 13), command: 77, flags: 0x8000, tableId: 0xff },
    { type: 'roleRequest', xid: 5, role: 42, generationId: 0xffffffffffffffffn },
    { type: 'hello', xid: 6, elements: [] },
  ];
  for (const m of odd) {
    const s = formatMessage(m);
    t.notMatch(s, /[\r\n\u2028\u2029]/, s);
  }
  t.match(formatMessage(odd[0]!), 'OFPET_99/77 data_len=0');
  t.match(formatMessage(odd[1]!), 'text="line1\\u000aline2\\u000d\\u000a"');
  t.match(formatMessage(odd[2]!), 'reason=9 port=1 name="evil\\u000aname\\u2028\\"x\\""');
  t.match(formatMessage(odd[5]!), /^OFPT_FLOW_MOD xid=0xd 77 table=all .* flags=0x8000 /);
  t.match(formatMessage(odd[6]!), 'role=42 generation_id=18446744073709551615');
  t.equal(formatMessage(odd[7]!), 'OFPT_HELLO xid=0x6');
  // A value that breaks the types (from an untyped caller) still yields a line, not an exception.
  const broken = { type: 'flowMod', xid: 7, match: null } as unknown as OfMessage;
  t.match(formatMessage(broken), /^OFPT_FLOW_MOD xid=0x7 \(unprintable: /);
  t.match(formatMessage({ type: 'nonsense', xid: 8 } as unknown as OfMessage), /^OFPT_"nonsense" xid=0x8$/);
});

t.test('a long reply lists the first entries and counts the rest', async (t) => {
  const flow = (find('multipartReply', 0x110).body as { stats: FlowStats[] }).stats[4]!;
  const stats = Array.from({ length: 40 }, (_, i) => ({ ...flow, priority: i }));
  const s = formatMessage({ type: 'multipartReply', xid: 9, flags: 0, body: { kind: 'flow', stats } });
  t.match(s, 'stats=40');
  t.match(s, 'priority=15 ');
  t.notMatch(s, 'priority=16 ');
  t.match(s, /\(\+24 more\)$/);
});
