/**
 * `ovs-ofctl dump-flows` text as comparable records: the flow without its counters (the key) and
 * the numbers that tell a flow that kept running from one deleted and added again.
 */

export interface DumpedFlow {
  /** The line without duration, packet and byte counts, idle and hard age. */
  key: string;
  durationS: number;
  packets: number;
  /** 0 when the flow has none. */
  idleTimeoutS: number;
  idleAgeS: number;
}

export function parseFlowDump(text: string): Map<string, DumpedFlow> {
  const out = new Map<string, DumpedFlow>();
  for (const line of text.split('\n')) {
    if (!line.includes('actions=')) continue;
    const num = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    const key = line.replace(/\b(duration|n_packets|n_bytes|idle_age|hard_age)=[^,\s]+,\s?/g, '').trim();
    out.set(key, { key, durationS: num('duration'), packets: num('n_packets'), idleTimeoutS: num('idle_timeout'), idleAgeS: num('idle_age') });
  }
  return out;
}

export interface FlowChurn {
  /** Present before and after, duration grown: never deleted. */
  kept: number;
  /** Present before and after with a duration that went down: deleted and added again. */
  readded: string[];
  /** Gone, though its idle timeout cannot have run out in between: deleted. */
  deleted: string[];
  /** Gone after running out of idle time without traffic (its own expiry). */
  expired: number;
  /** New since `before`. */
  added: string[];
}

/**
 * Compare two dumps of one switch taken `elapsedS` apart. A flow whose duration went down was
 * deleted and added again; a missing flow that had idle time left at the first dump (counting
 * a second of rounding: OVS prints whole seconds of idle age) was deleted.
 */
export function flowChurn(before: Map<string, DumpedFlow>, after: Map<string, DumpedFlow>, elapsedS: number): FlowChurn {
  const churn: FlowChurn = { kept: 0, readded: [], deleted: [], expired: 0, added: [] };
  for (const [key, b] of before) {
    const a = after.get(key);
    if (a) {
      if (a.durationS >= b.durationS) churn.kept++;
      else churn.readded.push(`${key} (duration ${b.durationS}s -> ${a.durationS}s)`);
    } else if (b.idleTimeoutS > 0 && b.idleTimeoutS - b.idleAgeS - 1 <= elapsedS) {
      churn.expired++;
    } else {
      churn.deleted.push(key);
    }
  }
  for (const key of after.keys()) if (!before.has(key)) churn.added.push(key);
  return churn;
}
