/**
 * Captures the bytes ovs-ofctl encodes for Nicira conntrack/NAT and tunnel (tun_dst) flows into
 * test/fixtures/openflow/nx-*.json (tun-dst-*.json for the tunnel flows). Run: npx tsx tools/capture-nicira.ts
 * Like tools/capture/to-switch.ts (whose fake-switch answers it reuses) we pretend to be a switch on a loopback port; ovs-ofctl's
 * table-features request is answered with the last part of a real OVS reply (the fixture
 * table-features-reply-last.json), which is enough for it to go on and send the flow-mod.
 */
import { readFileSync } from 'node:fs';
import { FixtureSet } from './capture/fixture-file.js';
import { OFPT } from './capture/of-bytes.js';
import { ofctlAsSwitch } from './capture/ofctl-talk.js';
import { fakeSwitchAnswer } from './capture/to-switch.js';

const tfLast = Buffer.from(
  (JSON.parse(readFileSync(new URL('../test/fixtures/openflow/table-features-reply-last.json', import.meta.url), 'utf8')) as { hex: string }).hex,
  'hex',
);

const FLOWS: Record<string, string> = {
  'nx-ct-commit-nat-src': 'table=3,priority=300,cookie=0x7a,ip,ct_state=+trk+new,ct_zone=5,in_port=1,actions=ct(commit,zone=5,nat(src=203.0.113.100:1024-65535)),output:2',
  'nx-ct-recirc-nat': 'table=1,priority=210,cookie=0x7b,tcp,ct_state=-trk,actions=ct(table=4,zone=NXM_NX_REG3[0..15],nat)',
  'nx-ct-dst-nat-range': 'table=4,priority=220,cookie=0x7c,tcp,ct_state=+new+trk-est,ct_mark=0x2a/0xff,ct_label=0x1/0xff,actions=ct(commit,force,zone=9,alg=ftp,exec(set_field:0x11->ct_mark),nat(dst=192.168.1.2-192.168.1.9:80-88,random)),resubmit(,6),ct_clear',
  'tun-dst-set-field': 'table=2,priority=240,cookie=0x7e,ip,nw_dst=10.244.2.0/24,actions=set_field:0x1f40->tun_id,set_field:172.31.0.2->tun_dst,output:9',
  'tun-dst-match': 'table=0,priority=250,cookie=0x7f,in_port=9,tun_id=0x1f40,tun_dst=172.31.0.0/255.255.255.0,actions=goto_table:1',
  'nx-ct-nat-ipv6-hash': 'table=2,priority=230,cookie=0x7d,ipv6,ct_state=+est+rpl,actions=ct(commit,zone=12,nat(src=[2001:db8::5]-[2001:db8::8],persistent,hash)),resubmit(7,8)',
};

const fx = new FixtureSet();
const ofctl = await ofctlAsSwitch((m) => fakeSwitchAnswer(m, [tfLast]));
try {
  for (const [name, flow] of Object.entries(FLOWS)) {
    const { msgs: got, stderr } = await ofctl.talk(['add-flow', flow]);
    const m = got.find((x) => x[1] === OFPT.FLOW_MOD);
    if (m) fx.add(name, m, `controller->switch, bytes ovs-ofctl sent to a fake switch: ovs-ofctl -O OpenFlow13 add-flow tcp:127.0.0.1:PORT '${flow}'`);
    else fx.miss(name, `${stderr.trim()} (sent types ${got.map((x) => x[1]).join(',')})`);
  }
} finally {
  ofctl.close();
}
if (process.argv.includes('--write')) fx.write();
for (const f of fx.fixtures.values()) console.log(f.name, f.hex, '\n', f.ofpPrint);
