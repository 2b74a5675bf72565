/**
 * The streaming flow diff (FlowDiffStream, fed one multipart part at a time) against the
 * whole-dump diff (diffFlows) on randomized switches and desired states: the same adds,
 * modifies (same objects, same order), blocked and conflicting flows, the same counts, and the
 * same deletes (the stream keeps them as encoded DELETE_STRICTs, compared decoded). Small value
 * domains make identities collide: kept, modified, re-cookied, duplicated on the switch,
 * conflicting desired flows, ours and foreign.
 */
import t from 'tap';
import { decode, encode } from '../../protocol/index.js';
import type { FlowMod, FlowStats } from '../../protocol/index.js';
import { flowAdd, output } from '../../apps/sdk/index.js';
import { completeDesired, deleteStrict, diffFlows, FlowDiffStream } from '../../src/host/reconcile-diff.js';
import type { DesiredFlow, DiffPolicy } from '../../src/host/reconcile-diff.js';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const OURS = 0x42n << 48n;

function randomFlow(r: (n: number) => number): FlowMod {
  const match: Record<string, unknown> = { in_port: 1 + r(3) };
  if (r(2)) match.eth_dst = `0a:00:00:00:00:0${r(4)}`;
  if (r(3) === 0) Object.assign(match, { eth_type: 0x0800, ipv4_dst: `10.0.${r(2)}.${r(4)}` });
  return flowAdd({
    table: r(2),
    priority: 10 * (1 + r(3)),
    match,
    actions: [output(1 + r(3))],
    cookie: (r(3) ? OURS : 0x99n << 48n) | BigInt(r(4)),
    idle: r(5) === 0 ? 30 : 0,
  });
}

function asStats(f: FlowMod): FlowStats {
  return { tableId: f.tableId, durationSec: 1, durationNsec: 0, priority: f.priority, idleTimeout: f.idleTimeout, hardTimeout: f.hardTimeout, flags: f.flags, cookie: f.cookie, packetCount: 0n, byteCount: 0n, match: f.match, instructions: f.instructions };
}

function policyOf(r: (n: number) => number): DiffPolicy {
  const deleteForeign = r(4) === 0;
  const adoptBit = BigInt(r(4));
  const blockBit = r(3);
  return {
    isOurs: (c) => c >> 48n === 0x42n,
    adopt: (f) => (f.cookie & 3n) === adoptBit,
    deleteForeign,
    blocked: blockBit === 0 ? undefined : (d) => d.flow.priority === 10 * blockBit && d.flow.tableId === 1,
  };
}

const wire = (f: FlowMod) => decode(encode({ ...f, xid: 1 }));

t.test('the streaming diff equals the whole-dump diff on 400 randomized switches', async (t) => {
  let nonTrivial = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed * 7919);
    const onSwitch = Array.from({ length: r(40) }, () => asStats(randomFlow(r)));
    const desiredFlows = Array.from({ length: r(30) }, () => randomFlow(r));
    // Some desired flows are exactly on the switch (kept).
    for (let i = 0; i < onSwitch.length; i += 3) desiredFlows.push({ ...randomFlow(r), ...onSwitch[i]!, type: 'flowMod', xid: 0, command: 0, cookieMask: 0n, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff } as FlowMod);
    const desired: DesiredFlow[] = desiredFlows.map((flow, i) => completeDesired({ owner: `app${i % 3}`, flow }));
    const seedPolicy = r(1 << 20);
    const whole = diffFlows(onSwitch, desired, policyOf(rng(seedPolicy)));
    const stream = new FlowDiffStream(desired, policyOf(rng(seedPolicy)));
    // Random part boundaries, empty parts included.
    for (let i = 0; i < onSwitch.length; ) {
      const n = r(7);
      stream.feed(onSwitch.slice(i, i + n));
      i += n;
    }
    const plan = stream.finish();
    const ctx = `seed ${seed}`;
    t.equal(plan.onSwitch, onSwitch.length, ctx);
    const same = (a: readonly DesiredFlow[], b: readonly DesiredFlow[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    if (!same(plan.add, whole.add)) t.fail(`${ctx}: adds differ`);
    if (!same(plan.modify, whole.modify)) t.fail(`${ctx}: modifies differ`);
    if (!same(plan.blocked, whole.blocked)) t.fail(`${ctx}: blocked differ`);
    if (!same(plan.conflicts, whole.conflicts)) t.fail(`${ctx}: conflicts differ`);
    t.same([plan.kept, plan.adopted, plan.foreign], [whole.kept, whole.adopted, whole.foreign], `${ctx}: counts`);
    t.equal(plan.delete.length, whole.delete.length, `${ctx}: as many deletes`);
    const deletes = Array.from({ length: plan.delete.length }, (_, k) => ({ ...plan.delete.flowMod(k), xid: 1 }));
    t.same(deletes, whole.delete.map((f) => wire(deleteStrict(f))), `${ctx}: the same deletes, in order`);
    if (whole.add.length && whole.modify.length && whole.delete.length && whole.kept) nonTrivial++;
  }
  t.ok(nonTrivial >= 20, `${nonTrivial} runs had adds, modifies, deletes and kept flows at once`);
});

t.test('feeding after finish is refused; finish twice gives the same plan', async (t) => {
  const d = completeDesired({ owner: 'a', flow: randomFlow(rng(3)) });
  const s = new FlowDiffStream([d], { isOurs: () => true, adopt: () => false, deleteForeign: false });
  const p = s.finish();
  t.equal(p.add.length, 1);
  t.equal(s.finish(), p);
  t.equal(s.finish().add.length, 1, 'the missing flow is added once');
  t.throws(() => s.feed([]), /after finish/);
});
