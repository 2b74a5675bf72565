/**
 * The bulk route for a body still arriving (docs/REST.md, "Atomic on switches that do
 * bundles"): the walk locates flows as their bytes come and each slice goes into a bundle at
 * once; the whole body is checked before the barrier, as one that arrived whole would be.
 */
import { Writer } from '../../protocol/index.js';
import { BundleGone, bulkViaBundle } from './bulk-bundle.js';
import { waitPreparing } from './bulk-store-prep.js';
import { checkTop, COMMANDS, done, messageOf, pause, prepStepper, refusedInBundle, store, storePrep } from './bulk-route.js';
import type { BulkContext, Top } from './bulk-route.js';
import type { FlowCommand } from './flow-json.js';
import { requireMaster } from './write.js';

/** The body turned out to need another command than the one its flows were sent with. */
const RESTART = new Error('bulk: send again from the whole body');

/**
 * The body while it arrives: once its first flow is there, flows go into a bundle as they are
 * located, with the command said before `flows` (else add). When the whole body is there it is
 * checked as fromWholeBody would; any answer about the body comes before anything the switch
 * said, as there. A body whose `command` after the flows says otherwise (or that has a second
 * `flows`) is discarded in the switch and sent again from the whole body: undefined.
 */
export async function whileArriving(ctx: BulkContext, maxFlows: number, length: number) {
  const { conn, walk } = ctx;
  if ((await walk.located(1)) < 1 || walk.over) return undefined;
  const command = (walk.fields.get('command') ?? 'add') as FlowCommand;
  if (!COMMANDS.has(command)) return undefined;
  // Every element takes 2 bytes at least (one and a comma): the upper bound of the count.
  const cap = Math.min(maxFlows, Math.floor(length / 2));
  const w = new Writer(Math.min(length, 1 << 26));
  const ends = new Uint32Array(cap);
  const message = messageOf(w, ends);
  let top: Top | undefined;
  // A persistent ADD is the default: its store operations are prepared while the switch works
  // (from the moment the body is all there), unless the body said otherwise before its flows,
  // and dropped if it says so after them.
  let prep = storePrep(ctx, { command, persistent: walk.fields.get('persistent') !== false, n: cap }, message);
  // Stepped only once the body is all there: while it arrives the client, weft and the switch
  // share the cores, and a body whose "persistent": false comes after its flows paid for it.
  const prepNow = () => (walk.over && walk.fields.get('persistent') !== false ? prep : undefined);
  /** The answer fromWholeBody would give about the body, if any: a 400 or 413 thrown here. */
  const sameCommand = async () => {
    const t = checkTop(await walk.finished, maxFlows);
    return t.command === command && walk.arrays === 1 ? t : undefined;
  };
  try {
    const out = await bulkViaBundle({
      conn, body: walk, n: cap, command, w, ends, pause,
      total: () => walk.count,
      settle: async (count) => {
        top = await sameCommand();
        if (!top) throw RESTART;
        if (top.n !== count) throw new Error(`bulk: ${count} flows sent, the body has ${top.n}`);
        if (prep && top.persistent) prep.setCount(top.n);
        else prep = storePrep(ctx, top, message);
      },
      encoded: () => {
        walk.release();
        ctx.release();
      },
      prepUpTo: prepStepper(prepNow),
      wait: (p) => waitPreparing(p, prepNow(), pause),
      requireMaster: () => requireMaster(conn),
    });
    if (out.kind === 'unsupported') return undefined;
    if (out.kind === 'refused') throw refusedInBundle(out, top!.n);
    await store(ctx, top!, prep, message, () => true);
    return done(ctx, top!.n, true);
  } catch (e) {
    if (e === RESTART) return undefined;
    if (top) throw e;
    // Failed before the body was checked (a bad flow, the switch gone): the body's own fault first.
    if (!(await sameCommand())) return undefined;
    // Said with the body's whole count, now known.
    throw e instanceof BundleGone ? new BundleGone(conn, e.sent, walk.count) : e;
  }
}
