/**
 * Who should be master of each switch: a pure function of what every instance reads from etcd
 * (live members, which members each switch is connected to, current masters), so all instances
 * agree once they have seen the same revision. Switches are spread evenly over the live members
 * connected to them; a current master keeps its switch while it holds no more than its share,
 * so a rebalance moves only the switches it must.
 */

export interface AssignmentInput {
  /** Live instance names. */
  members: readonly string[];
  /** Per dpid: the live instances connected to it. */
  connected: ReadonlyMap<string, readonly string[]>;
  /** Per dpid: its current master, if any. */
  masters: ReadonlyMap<string, string>;
}

/** dpid -> the instance that should be its master (absent: no live member is connected). */
export function assignMasters(input: AssignmentInput): Map<string, string> {
  const live = new Set(input.members);
  const dpids = [...input.connected.keys()].sort();
  const share = Math.max(1, Math.floor(dpids.length / Math.max(1, live.size)));
  const count = new Map<string, number>([...live].map((m) => [m, 0]));
  const out = new Map<string, string>();
  const candidates = (dpid: string) => (input.connected.get(dpid) ?? []).filter((m) => live.has(m)).sort();
  // Current masters keep their switches up to their share.
  for (const dpid of dpids) {
    const m = input.masters.get(dpid);
    if (m === undefined || !candidates(dpid).includes(m) || count.get(m)! >= share) continue;
    out.set(dpid, m);
    count.set(m, count.get(m)! + 1);
  }
  // The rest go to the connected member with the fewest; ties rotate with the switch's index.
  dpids.forEach((dpid, i) => {
    if (out.has(dpid)) return;
    const c = candidates(dpid);
    if (c.length === 0) return;
    let best: string | undefined;
    for (let k = 0; k < c.length; k++) {
      const m = c[(i + k) % c.length]!;
      if (best === undefined || count.get(m)! < count.get(best)!) best = m;
    }
    out.set(dpid, best!);
    count.set(best!, count.get(best!)! + 1);
  });
  return out;
}
