/**
 * The groups, meters and flows the capture installs, as ovs-ofctl text. The same strings are sent
 * to the real bridge (so its stats replies have content) and to the fake switch (so we record the
 * FLOW_MOD/GROUP_MOD/METER_MOD bytes Open vSwitch itself encodes). Values are distinct on purpose.
 */

export const METERS = [
  'meter=5,kbps,burst,stats,bands=type=drop,rate=1200,burst_size=340',
  'meter=6,pktps,stats,bands=type=drop,rate=77',
];

export const GROUPS = [
  'group_id=17,type=select,bucket=weight:30,actions=output:1,bucket=weight:70,actions=set_field:02:00:00:00:0a:0b->eth_dst,output:2',
  'group_id=18,type=all,bucket=actions=output:1,bucket=actions=output:3',
  'group_id=19,type=indirect,bucket=actions=dec_ttl,output:2',
  'group_id=20,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,watch_group:18,actions=output:2',
];

/** Flows of the real bridge (also replayed at the fake switch). */
export const FLOWS = [
  // table-miss: packets that match nothing else go to the controller (reason NO_MATCH)
  'table=0,priority=0,cookie=0x5e,actions=CONTROLLER:128',
  // UDP 5353 from port 1: tag metadata, continue in table 2, which sends it to the controller (reason ACTION)
  'table=0,priority=300,cookie=0xc0ffee0000000001,idle_timeout=3600,hard_timeout=7200,send_flow_rem,in_port=1,udp,udp_dst=5353,actions=write_metadata:0xabc/0xfff,goto_table:2',
  'table=2,priority=20,cookie=0xc0ffee0000000002,metadata=0xabc/0xfff,actions=CONTROLLER:96',
  // UDP 7777: metered and sent through the select group (gives meter and group stats)
  'table=0,priority=250,cookie=0x7777,udp,udp_dst=7777,actions=meter:5,group:17',
  'table=0,priority=200,cookie=0x1111,tcp,nw_src=10.0.0.0/8,nw_dst=192.168.7.9,nw_tos=32,tp_dst=80,actions=dec_ttl,set_field:00:11:22:33:44:55->eth_dst,push_vlan:0x8100,set_field:4196->vlan_vid,output:2',
  'table=0,priority=150,cookie=0x2222,icmp6,ipv6_src=2001:db8::/64,ipv6_dst=fe80::1,icmp_type=135,icmp_code=0,nd_target=2001:db8::7,actions=group:19',
  'table=0,priority=140,cookie=0x3333,arp,arp_op=1,arp_spa=10.1.1.1,arp_tpa=10.1.1.0/24,arp_sha=02:00:00:00:00:01,actions=clear_actions,write_actions(set_queue:3,output:3)',
  'table=0,priority=130,cookie=0x4444,dl_vlan=100,dl_vlan_pcp=5,dl_src=02:00:00:00:00:aa,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=pop_vlan,output:1',
  'table=0,priority=120,cookie=0x5555,mpls,mpls_label=1000,mpls_tc=3,mpls_bos=1,actions=pop_mpls:0x0800,output:1',
  'table=1,priority=110,cookie=0x6666,ip,actions=push_mpls:0x8847,set_mpls_ttl:9,dec_mpls_ttl,set_field:77->mpls_label,output:2',
  'table=1,priority=100,cookie=0x8888,tun_id=0x1234/0xffff,tcp6,ipv6_label=0x12345,tcp_src=443,actions=set_nw_ttl:33,output:LOCAL',
  'table=3,priority=90,cookie=0x9999,sctp,sctp_src=1,sctp_dst=2,ip_dscp=10,ip_ecn=1,actions=set_field:3->ip_dscp,output:IN_PORT',
  'table=3,priority=80,cookie=0xaaaa,icmp,icmp_type=8,icmp_code=0,actions=NORMAL',
];

/** A flow whose removal is reported (reason DELETE, after two packets hit it). */
export const FLOW_REM_DELETE = 'table=0,priority=40,cookie=0xdeadbeef00000007,idle_timeout=77,hard_timeout=99,send_flow_rem,udp,udp_src=4321,actions=drop';
/** A flow that expires (reason HARD_TIMEOUT). */
export const FLOW_REM_HARD = 'table=5,priority=41,cookie=0xdeadbeef00000008,hard_timeout=1,send_flow_rem,eth_type=0x88cc,actions=drop';
