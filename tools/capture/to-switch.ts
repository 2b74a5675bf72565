import type { FixtureSet } from './fixture-file.js';
import { udpFrame } from './frames.js';
import { hello, mpReply, OFPMP, OFPT, ofMsg, ofpPort } from './of-bytes.js';
import { ofctlAsSwitch } from './ofctl-talk.js';
import { FLOWS, GROUPS, METERS } from './specs.js';

/**
 * Controller -> switch: we pretend to be a switch on a loopback port and point
 * `ovs-ofctl -O OpenFlow13 CMD tcp:127.0.0.1:PORT ...` at it, answering just enough (HELLO,
 * FEATURES, PORT_DESC, BARRIER ...) for ovs-ofctl to send its command, whose bytes we record.
 */

/** Minimal answers of the fake switch; everything else gets no reply. */
export function fakeSwitchAnswer(m: Buffer, tableFeaturesReply: Buffer[]): Buffer | undefined {
  const xid = m.readUInt32BE(4);
  switch (m[1]) {
    case OFPT.HELLO:
      return hello(xid);
    case OFPT.ECHO_REQUEST:
      return ofMsg(OFPT.ECHO_REPLY, xid, m.subarray(8));
    case OFPT.BARRIER_REQUEST:
      return ofMsg(OFPT.BARRIER_REPLY, xid);
    case OFPT.FEATURES_REQUEST:
      return ofMsg(OFPT.FEATURES_REPLY, xid, Buffer.from('0000000000000001' + '00000000' + 'fe' + '00' + '0000' + '0000004f' + '00000000', 'hex'));
    case OFPT.GET_CONFIG_REQUEST:
      return ofMsg(OFPT.GET_CONFIG_REPLY, xid, Buffer.from('00000080', 'hex'));
    case OFPT.QUEUE_GET_CONFIG_REQUEST:
      return ofMsg(OFPT.QUEUE_GET_CONFIG_REPLY, xid, Buffer.concat([m.subarray(8, 12), Buffer.alloc(4)]));
    case OFPT.MULTIPART_REQUEST: {
      const mpType = m.readUInt16BE(8);
      if (mpType === OFPMP.PORT_DESC) {
        return mpReply(mpType, xid, Buffer.concat([ofpPort(1, '02:00:00:00:01:01', 'p1'), ofpPort(2, '02:00:00:00:02:02', 'p2')]));
      }
      if (mpType === OFPMP.DESC) return mpReply(mpType, xid, Buffer.alloc(1056));
      // ovs-ofctl asks for table features (to learn table names) before flow and group commands and
      // accepts nothing less than a complete reply: replay the one the real bridge sent.
      if (mpType === OFPMP.TABLE_FEATURES) {
        return Buffer.concat(tableFeaturesReply.map((part) => {
          const copy = Buffer.from(part);
          copy.writeUInt32BE(xid, 4);
          return copy;
        }));
      }
      return mpReply(mpType, xid);
    }
    default:
      return undefined;
  }
}

/** tableFeaturesReply: every part of a real OVS table-features reply (from the from-switch capture). */
export async function captureToSwitch(fx: FixtureSet, tableFeaturesReply: Buffer[]): Promise<void> {
  const ofctl = await ofctlAsSwitch((m) => fakeSwitchAnswer(m, tableFeaturesReply));
  let lastStderr = '';
  /** Run one ovs-ofctl command against the fake switch; returns every message it sent. */
  const talk = async (args: string[]): Promise<Buffer[]> => {
    const { msgs, stderr } = await ofctl.talk(args);
    lastStderr = stderr;
    return msgs;
  };

  /** Record the first message of `type` (and multipart type) that `ovs-ofctl args` sends. */
  const rec = async (name: string, type: number, args: string[], mpType?: number) => {
    const msgs = await talk(args);
    const m = msgs.find((x) => x[1] === type && (mpType === undefined || x.readUInt16BE(8) === mpType));
    const cmdText = `ovs-ofctl -O OpenFlow13 ${args[0]} tcp:127.0.0.1:PORT ${args.slice(1).map((a) => `'${a}'`).join(' ')}`.trim();
    if (m) fx.add(name, m, `controller->switch, bytes ovs-ofctl sent to a fake switch: ${cmdText}`);
    else fx.miss(name, `${cmdText} (stderr: ${lastStderr.trim().split('\n').pop()}) sent types [${msgs.map((x) => (x[1] === OFPT.MULTIPART_REQUEST ? `18/${x.readUInt16BE(8)}` : x[1])).join(',')}]`);
  };

  try {
    await rec('hello-ovs-ofctl', OFPT.HELLO, ['probe']);
    await rec('echo-request-ovs-ofctl', OFPT.ECHO_REQUEST, ['probe']);
    await rec('features-request', OFPT.FEATURES_REQUEST, ['show']);
    await rec('get-config-request', OFPT.GET_CONFIG_REQUEST, ['get-frags']);
    await rec('set-config', OFPT.SET_CONFIG, ['set-frags', 'drop']);
    await rec('barrier-request', OFPT.BARRIER_REQUEST, ['add-flow', FLOWS[1]!]);

    await rec('flow-mod-add-udp-goto', OFPT.FLOW_MOD, ['add-flow', FLOWS[1]!]);
    await rec('flow-mod-add-tcp-actions', OFPT.FLOW_MOD, ['add-flow', FLOWS[4]!]);
    await rec('flow-mod-add-ipv6-nd', OFPT.FLOW_MOD, ['add-flow', FLOWS[5]!]);
    await rec('flow-mod-add-arp-write-actions', OFPT.FLOW_MOD, ['add-flow', FLOWS[6]!]);
    await rec('flow-mod-add-vlan-masked-mac', OFPT.FLOW_MOD, ['add-flow', FLOWS[7]!]);
    await rec('flow-mod-add-mpls-push', OFPT.FLOW_MOD, ['add-flow', FLOWS[9]!]);
    await rec('flow-mod-add-tunnel-flabel', OFPT.FLOW_MOD, ['add-flow', FLOWS[10]!]);
    await rec('flow-mod-modify', OFPT.FLOW_MOD, ['mod-flows', 'table=0,cookie=0x1111/0xffff,tcp,actions=output:3']);
    await rec('flow-mod-modify-strict', OFPT.FLOW_MOD, ['mod-flows', '--strict', 'table=3,priority=90,sctp,sctp_src=1,sctp_dst=2,actions=drop']);
    await rec('flow-mod-delete', OFPT.FLOW_MOD, ['del-flows', 'table=1,out_port=2,ip']);
    await rec('flow-mod-delete-strict', OFPT.FLOW_MOD, ['del-flows', '--strict', 'table=0,priority=130,dl_vlan=100,dl_vlan_pcp=5']);
    await rec('flow-mod-delete-all', OFPT.FLOW_MOD, ['del-flows']);

    await rec('group-mod-add-select', OFPT.GROUP_MOD, ['add-group', GROUPS[0]!]);
    await rec('group-mod-add-ff', OFPT.GROUP_MOD, ['add-group', GROUPS[3]!]);
    await rec('group-mod-modify', OFPT.GROUP_MOD, ['mod-group', 'group_id=18,type=all,bucket=actions=output:2']);
    await rec('group-mod-delete', OFPT.GROUP_MOD, ['del-groups', 'group_id=19']);
    await rec('meter-mod-add', OFPT.METER_MOD, ['add-meter', METERS[0]!]);
    await rec('meter-mod-add-dscp-remark', OFPT.METER_MOD, ['add-meter', 'meter=9,pktps,burst,bands=type=dscp_remark,rate=300,burst_size=30,prec_level=2']);
    await rec('meter-mod-modify', OFPT.METER_MOD, ['mod-meter', 'meter=6,kbps,bands=type=drop,rate=88']);
    await rec('meter-mod-delete', OFPT.METER_MOD, ['del-meters', 'meter=5']);
    await rec('port-mod', OFPT.PORT_MOD, ['mod-port', 'p2', 'down']);
    await rec('port-mod-no-flood', OFPT.PORT_MOD, ['mod-port', 'p1', 'no-flood']);
    const frame = udpFrame({ dst: '02:0a:0b:0c:0d:0e', src: '02:01:02:03:04:05', ipSrc: '172.16.5.4', ipDst: '172.16.5.9', sport: 1234, dport: 4321, payload: Buffer.from('packet-out payload') });
    await rec('packet-out', OFPT.PACKET_OUT, ['packet-out', `in_port=1,packet=${frame.toString('hex')},actions=set_field:02:99:88:77:66:55->eth_src,output:2`]);
    await rec('queue-get-config-request', OFPT.QUEUE_GET_CONFIG_REQUEST, ['queue-get-config', '7']);

    const MP = OFPT.MULTIPART_REQUEST;
    await rec('desc-request', MP, ['dump-desc'], OFPMP.DESC);
    await rec('flow-stats-request', MP, ['dump-flows', 'table=2,cookie=0x1234/0xffff,out_port=3,udp,udp_dst=53'], OFPMP.FLOW);
    await rec('aggregate-request', MP, ['dump-aggregate', 'table=1,ip,nw_dst=10.9.8.0/24'], OFPMP.AGGREGATE);
    await rec('table-stats-request', MP, ['dump-tables'], OFPMP.TABLE);
    await rec('port-stats-request', MP, ['dump-ports', '2'], OFPMP.PORT_STATS);
    await rec('queue-stats-request', MP, ['queue-stats', '1', '5'], OFPMP.QUEUE);
    await rec('group-stats-request', MP, ['dump-group-stats', 'group_id=18'], OFPMP.GROUP);
    await rec('group-desc-request', MP, ['dump-groups'], OFPMP.GROUP_DESC);
    await rec('group-features-request', MP, ['dump-group-features'], OFPMP.GROUP_FEATURES);
    await rec('meter-stats-request', MP, ['meter-stats', 'meter=5'], OFPMP.METER);
    await rec('meter-config-request', MP, ['dump-meters', 'meter=6'], OFPMP.METER_CONFIG);
    await rec('meter-features-request', MP, ['meter-features'], OFPMP.METER_FEATURES);
    await rec('table-features-request', MP, ['dump-table-features'], OFPMP.TABLE_FEATURES);
    await rec('port-desc-request', MP, ['dump-ports-desc'], OFPMP.PORT_DESC);
  } finally {
    ofctl.close();
  }
  fx.miss('table-mod', "ovs-ofctl refuses mod-table in OpenFlow 1.3 (its config bits are deprecated): 'table_mod drop requires OpenFlow11 or OpenFlow12'");
  fx.miss('role-request', 'ovs-ofctl has no command that sends OFPT_ROLE_REQUEST (the from-switch capture sends one by hand; its reply is role-reply)');
  fx.miss('get-async-request/set-async', 'ovs-ofctl has no command for them in OpenFlow 1.3');
}
