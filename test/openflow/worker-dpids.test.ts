/**
 * Datapath id conflicts across worker processes (src/workers.ts): the primary's DpidHolders
 * decides which connection to close, and a worker's workerSwitchReports reports its switches
 * and closes only the connection an order names. (test/e2e/workers.test.ts runs it for real.)
 */
import t from 'tap';
import { DpidHolders, workerSwitchReports } from '../../src/workers.js';
import type { WorkerKeep, WorkerSwitch } from '../../src/workers.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';

const up = (dpid: string, conn: number): WorkerSwitch => ({ weft: 'switchUp', dpid, conn });
const down = (dpid: string, conn: number): WorkerSwitch => ({ weft: 'switchDown', dpid, conn });
const X = '00000000000000aa';

t.test('replace: a second worker reporting a datapath id gets it, the first is told to close its connection', async (t) => {
  const h = new DpidHolders('replace');
  t.equal(h.up(0, up(X, 1)), undefined);
  t.equal(h.up(0, up(X, 2)), undefined, 'within one worker its own server settles it');
  const order = h.up(1, up(X, 7));
  t.match(order, { index: 0, order: { weft: 'drop', dpid: X, conn: 2, reason: /replaced by a new connection for the same datapath in worker 1/ } });
  t.equal(h.holderOf(X), 1);
  h.down(0, down(X, 2));
  t.equal(h.holderOf(X), 1, "the old connection's switch-down does not forget the new holder");
  h.down(1, down(X, 7));
  t.equal(h.holderOf(X), undefined);
  h.up(1, up(X, 8));
  h.forget(1);
  t.equal(h.holderOf(X), undefined, 'a worker that exits takes its switches with it');
});

t.test('reject: the newcomer is told to close, the holder stays', async (t) => {
  const h = new DpidHolders('reject');
  h.up(0, up(X, 1));
  t.match(h.up(1, up(X, 3)), { index: 1, order: { conn: 3, reason: /already connected to worker 0 \(dpidConflict: reject\)/ } });
  t.equal(h.holderOf(X), 0);
  h.down(1, down(X, 3));
  t.equal(h.holderOf(X), 0, "the refused connection's switch-down changes nothing");
});

t.test("a worker reports its switches and closes only the connection an order names", async (t) => {
  const sent: (WorkerSwitch | WorkerKeep)[] = [];
  const r = workerSwitchReports((m) => sent.push(m));
  const closed: string[] = [];
  const fake = (dpid: string) => ({ info: { dpid }, close: (reason: string) => closed.push(`${dpid}: ${reason}`) }) as unknown as SwitchConnection;
  const a = fake(X);
  r.listener.switchUp!(a);
  t.same(sent, [up(X, 1)]);
  const switches = new Map([[X, a]]);
  t.equal(r.drop({ weft: 'drop', dpid: X, conn: 99, reason: 'old' }, switches), false, 'an order about another connection is ignored');
  t.equal(r.drop({ weft: 'drop', dpid: '00000000000000bb', conn: 1, reason: 'x' }, switches), false);
  t.same(closed, []);
  t.equal(r.drop({ weft: 'drop', dpid: X, conn: 1, reason: 'replaced' }, switches), true);
  t.same(closed, [`${X}: replaced`]);
  r.listener.switchDown!(a, 'closed');
  t.same(sent, [up(X, 1), down(X, 1)]);
});

t.test('replace with a probe: the old connection answers, so it keeps the dpid and the newcomer is closed', async (t) => {
  const h = new DpidHolders('replace', 500);
  h.up(0, up(X, 1));
  const order = h.up(1, up(X, 4));
  t.match(order, { index: 0, order: { weft: 'drop', conn: 1, probeMs: 500, newcomer: { index: 1, conn: 4 } } });
  const back = h.keep(0, { weft: 'keep', dpid: X, conn: 1, newcomer: { index: 1, conn: 4 } });
  t.match(back, { index: 1, order: { weft: 'drop', dpid: X, conn: 4, reason: /already connected to worker 0 and that switch answers echo requests/ } });
  t.equal(h.holderOf(X), 0, 'the live switch holds its dpid again');
  h.down(1, down(X, 4));
  t.equal(h.holderOf(X), 0);
});

t.test('a worker probes before closing: alive -> keep message, silent -> closed', async (t) => {
  for (const alive of [true, false]) {
    const sent: (WorkerSwitch | WorkerKeep)[] = [];
    const r = workerSwitchReports((m) => sent.push(m));
    const closed: string[] = [];
    const sw = { info: { dpid: X }, closed: false, probe: async () => alive, close: (reason: string) => closed.push(reason) } as unknown as SwitchConnection;
    r.listener.switchUp!(sw);
    t.equal(r.drop({ weft: 'drop', dpid: X, conn: 1, reason: 'replaced', probeMs: 100, newcomer: { index: 2, conn: 9 } }, new Map([[X, sw]])), true);
    await new Promise((res) => setImmediate(res));
    if (alive) {
      t.same(closed, [], 'alive: not closed');
      t.same(sent.at(-1), { weft: 'keep', dpid: X, conn: 1, newcomer: { index: 2, conn: 9 } }, 'alive: the primary is told to keep it');
    } else {
      t.same(closed, ['replaced (no echo reply within 100 ms)'], 'silent: closed');
    }
  }
});
