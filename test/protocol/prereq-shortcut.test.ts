/**
 * checkPrerequisites visits only the fields a match has (FieldSlots' added list) instead of
 * scanning all 40 field numbers. Compared here with that general scan, written out as the
 * oracle, over random matches: the same matches accepted, and for a rejected one the same
 * error (the lowest field number lacking its prerequisite is named).
 */
import t from 'tap';
import type { Match, OxmBasic } from '../../protocol/index.js';
import { checkPrerequisites, PREREQ } from '../../protocol/openflow/match-prereq.js';
import { oxmField } from '../../protocol/openflow/oxm.js';
import { Prng } from '../support/prng.js';

/** The full scan in field-number order: the error text, or undefined when the match is fine. */
function oracle(match: Match): string | undefined {
  const at = new Map<number, number>();
  for (let i = 0; i < match.length; i++) {
    const d = oxmField(match[i]!.field);
    if (d === undefined || d.id >= PREREQ.length) continue;
    if (at.has(d.id)) return `${d.name} appears twice in the match`;
    at.set(d.id, i);
  }
  for (let num = 0; num < PREREQ.length; num++) {
    const p = PREREQ[num];
    const i = at.get(num);
    if (p === undefined || i === undefined) continue;
    const j = at.get(p.on);
    if (j === undefined || !p.ok(match[j] as OxmBasic)) return `${match[i]!.field} requires ${p.text} in the match`;
  }
  return undefined;
}

const POOL: Match = [
  { field: 'in_port', value: 1 },
  { field: 'in_phy_port', value: 2 },
  { field: 'eth_type', value: 0x0800 },
  { field: 'eth_type', value: 0x86dd },
  { field: 'eth_type', value: 0x0806 },
  { field: 'eth_type', value: 0x8847 },
  { field: 'eth_type', value: 0x0800, mask: 0xffff },
  { field: 'vlan_vid', value: 0x1005 },
  { field: 'vlan_vid', value: 5 },
  { field: 'vlan_pcp', value: 3 },
  { field: 'ip_proto', value: 6 },
  { field: 'ip_proto', value: 17 },
  { field: 'ip_proto', value: 58 },
  { field: 'ip_dscp', value: 4 },
  { field: 'ipv4_src', value: '10.0.0.1' },
  { field: 'ipv4_dst', value: '10.0.0.2' },
  { field: 'ipv6_src', value: '2001:db8::1' },
  { field: 'tcp_dst', value: 80 },
  { field: 'udp_src', value: 53 },
  { field: 'icmpv6_type', value: 135 },
  { field: 'ipv6_nd_target', value: '2001:db8::2' },
  { field: 'arp_op', value: 1 },
  { field: 'mpls_label', value: 7 },
  { field: 'eth_dst', value: '00:00:00:00:00:01' },
  { field: 'metadata', value: 5n },
] as Match;

t.test('checkPrerequisites agrees with the full field scan on random matches', async (t) => {
  let accepted = 0;
  let rejected = 0;
  for (const seed of [11, 12, 13]) {
    const rng = new Prng(seed);
    for (let c = 0; c < 3000; c++) {
      const match: Match = [];
      const len = rng.int(0, 6);
      for (let k = 0; k < len; k++) match.push(rng.pick(POOL));
      const want = oracle(match);
      let got: string | undefined;
      try {
        checkPrerequisites(match);
      } catch (e) {
        got = (e as Error).message.replace(/^OFPET_\w+\/OFPBMC_\w+: /, '');
      }
      if (got !== want) {
        t.fail(`seed ${seed} case ${c}: ${JSON.stringify(match, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}: got ${got}, want ${want}`);
        return;
      }
      if (want === undefined) accepted++;
      else rejected++;
    }
  }
  t.ok(accepted > 500 && rejected > 500, `both outcomes covered (${accepted} accepted, ${rejected} rejected)`);
  // And the slots are clean after a rejection: a valid match right after one passes.
  t.throws(() => checkPrerequisites([{ field: 'tcp_dst', value: 80 }, { field: 'udp_src', value: 5 }] as Match));
  t.doesNotThrow(() => checkPrerequisites([{ field: 'eth_type', value: 0x0800 }, { field: 'ip_proto', value: 6 }, { field: 'tcp_dst', value: 80 }] as Match));
});
