/**
 * The conntrack backend: the flows it installs, checked by the independent decoder
 * (`ovs-ofctl ofp-print`) and by what they say: ct(nat) in table 0 for both directions, commits
 * with the rule's nat() in the ct table, everything then on to the routing table.
 */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { encode, formatActions, formatMatch } from '../../../protocol/index.js';
import type { FlowMod } from '../../../protocol/index.js';
import { lab } from './lab.js';

t.test('conntrack flows: no per-connection packet-in, ovs-ofctl reads every flow as meant', async (t) => {
  const l = lab({ backend: 'conntrack', zone: 9, ctTable: 3 });
  const flows = [...l.sw.flows(0), ...l.sw.flows(3)].filter((f) => f.priority >= 500);
  const text = flows.map((f) => `table=${f.tableId} prio=${f.priority} ${formatMatch(f.match)} -> ${f.instructions.map((i) => (i.type === 'applyActions' ? formatActions(i.actions) : i.type === 'gotoTable' ? `goto:${i.tableId}` : i.type)).join(' ')}`);
  const has = (re: RegExp, what: string) => t.ok(text.some((x) => re.test(x)), what);
  has(/table=0 prio=510 eth_dst=0e:00:c0:a8:01:01,eth_type=0x0800,ipv4_src=192\.168\.1\.0\/255\.255\.255\.0 -> ct\(table=3,zone=9,nat\)/, 'inside traffic goes through ct(nat)');
  has(/table=0 prio=510 eth_type=0x0800,ipv4_dst=203\.0\.113\.100 -> ct\(table=3,zone=9,nat\)/, 'traffic to the outside address too');
  has(/table=3 prio=510 .*ipv4_src=192\.168\.1\.0\/255\.255\.255\.0,ct_state=\+new\+trk -> ct\(commit,zone=9,nat\(src=203\.0\.113\.100:1024-65535\)\),resubmit\(,1\)/, 'masquerade commit');
  has(/table=3 prio=515 .*ipv4_dst=203\.0\.113\.103,ct_state=\+new\+trk -> ct\(commit,zone=9,nat\(dst=192\.168\.1\.3\)\),resubmit\(,1\)/, 'static DNAT');
  has(/table=3 prio=515 .*ipv4_src=192\.168\.1\.3,ct_state=\+new\+trk -> ct\(commit,zone=9,nat\(src=203\.0\.113\.103\)\),resubmit\(,1\)/, 'static SNAT');
  has(/table=3 prio=516 .*tcp_dst=8080,ct_state=\+new\+trk -> ct\(commit,zone=9,nat\(dst=192\.168\.1\.2:80\)\),resubmit\(,1\)/, 'port forward');
  has(/table=3 prio=500 eth_type=0x0800 -> resubmit\(,1\)/, 'established traffic continues to routing');
  t.notOk(text.some((x) => /prio=525/.test(x)), 'no session flows');

  // Open vSwitch's own decoder accepts each flow-mod and prints the same ct() actions.
  for (const f of flows) {
    const fm: FlowMod = { type: 'flowMod', xid: 1, cookie: f.cookie, cookieMask: 0n, tableId: f.tableId, command: 0, idleTimeout: 0, hardTimeout: 0, priority: f.priority, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: f.match, instructions: f.instructions };
    const out = execFileSync('ovs-ofctl', ['ofp-print', encode(fm).toString('hex')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    t.notMatch(out, /\*\*\*|WARN/, `ofp-print accepts table ${f.tableId} priority ${f.priority}`);
    for (const i of f.instructions) if (i.type === 'applyActions' && i.actions.some((a) => a.type === 'nxCt')) t.ok(out.includes(formatActions(i.actions)), `ofp-print shows ${formatActions(i.actions)}`);
  }
  t.same((l.nat.sessions() as { backend: string; sessions: unknown[] }).sessions, []);
});
