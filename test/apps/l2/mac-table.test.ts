import t from 'tap';
import { MacTables } from '../../../apps/l2-learning/mac-table.js';
import { macToNumber, numberToMac } from '../../../protocol/packet/index.js';

const D1 = '00000000000000d1';
const D2 = '00000000000000d2';
const M1 = '0a:00:00:00:0d:01';
const M2 = '0a:00:00:00:0d:02';
const M3 = '0a:00:00:00:0d:03';

function tables(limits = { maxMacsPerSwitch: 4, maxMacsPerPort: 3, ttlMs: 1000 }) {
  let now = 5_000;
  const macs = new MacTables(limits, () => now);
  return { macs, at: (ms: number) => void (now = ms), now: () => now };
}

t.test('learn, refresh, move: results, the index and the live entry locate() returns', async (t) => {
  const { macs, at } = tables();
  t.same(macs.learn(D1, M1, 3), { kind: 'new' });
  const e = macs.locate(M1)!;
  t.same({ ...e }, { port: 3, firstSeen: 5_000, lastSeen: 5_000, dpid: D1 });
  at(5_400);
  t.same(macs.learn(D1, M1, 3), { kind: 'refreshed' });
  t.equal(macs.locate(M1), e, 'refreshed in place: the same entry');
  t.equal(e.lastSeen, 5_400);
  at(5_500);
  macs.refresh(e, 5_450);
  t.equal(macs.locate(M1)!.lastSeen, 5_450, 'refresh() is a sighting where locate() found it');
  t.same(macs.learn(D1, M1, 4), { kind: 'moved', from: 3 });
  const moved = macs.locate(M1)!;
  t.same({ ...moved }, { port: 4, firstSeen: 5_000, lastSeen: 5_500, dpid: D1 });
  t.equal(macs.peek(D1)!.portCount(3), 0);
  t.equal(macs.peek(D1)!.portCount(4), 1);
  t.same(macs.learn(D2, M1, 7), { kind: 'new' }, 'another switch learns on its own');
  t.equal(macs.switchOf(M1), D2, 'the index follows the last learning');
  t.equal(macs.locate(M1)!.port, 7);
  t.same(macs.learn(D1, M1, 4), { kind: 'refreshed' }, 'the first switch still has it');
  t.equal(macs.switchOf(M1), D1);
  macs.forget(M1);
  t.equal(macs.peek(D1)!.get(M1), undefined);
  t.equal(macs.switchOf(M1), undefined, 'forgotten where indexed');
  t.equal(macs.peek(D2)!.get(M1)?.port, 7, 'the other table keeps its own');
  t.equal(macs.size, 1);
  t.equal(macs.indexSize, 0);
});

t.test('expiry: after more than the TTL a MAC is gone from lookups and the index; learning again is new', async (t) => {
  const { macs, at } = tables();
  macs.learn(D1, M1, 1);
  macs.learn(D1, M2, 2);
  at(6_000);
  t.ok(macs.locate(M1), 'exactly the TTL: still there');
  t.same([...macs.peek(D1)!.entries()], [], 'but entries() lists only what has time left');
  at(6_001);
  t.equal(macs.locate(M1), undefined, 'past the TTL');
  t.equal(macs.switchOf(M1), undefined, 'dropped from the index when found expired');
  t.equal(macs.size, 1, 'M2 stays counted until read or purged');
  t.same(macs.learn(D1, M2, 2), { kind: 'new' }, 'an expired MAC is learned anew');
  t.equal(macs.locate(M2)!.firstSeen, 6_001);
  macs.learn(D1, M3, 2);
  at(7_500);
  macs.purgeStale();
  t.equal(macs.size, 0);
  t.equal(macs.indexSize, 0);
  t.equal(macs.peek(D1)!.portCount(2), 0);
});

t.test('caps refuse instead of evicting; entries() and forgetPort() go most recently seen first', async (t) => {
  const { macs, at } = tables({ maxMacsPerSwitch: 3, maxMacsPerPort: 2, ttlMs: 10_000 });
  macs.learn(D1, M1, 1);
  at(5_010);
  macs.learn(D1, M2, 1);
  t.same(macs.learn(D1, M3, 1), { kind: 'refusedPortCap' });
  t.equal(macs.switchOf(M3), undefined, 'a refused MAC is not indexed');
  macs.learn(D1, M3, 2);
  t.same(macs.learn(D1, '0a:00:00:00:0d:04', 3), { kind: 'refusedSwitchCap' });
  at(5_020);
  macs.learn(D1, M1, 1);
  t.same([...macs.peek(D1)!.entries()].map(([m]) => m), [M1, M3, M2]);
  t.same(macs.forgetPort(D1, 1), [M1, M2]);
  t.equal(macs.switchOf(M1), undefined);
  t.same([...macs.peek(D1)!.entries()].map(([m, e]) => `${m}@${e.port}`), [`${M3}@2`]);
  macs.dropSwitch(D1);
  t.equal(macs.peek(D1), undefined);
  t.equal(macs.indexSize, 0, 'dropping a switch empties its part of the index');
});

t.test('randomized: the index by number (what packet-ins use) answers as by text', async (t) => {
  let seed = 777;
  const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000);
  const { macs, at } = tables({ maxMacsPerSwitch: 40, maxMacsPerPort: 15, ttlMs: 2_000 });
  const pool = Array.from({ length: 200 }, (_, i) => numberToMac(0x020000000000 + i * 65_537));
  let now = 5_000;
  let differences = 0;
  for (let step = 0; step < 5_000; step++) {
    now += Math.floor(r() * 20);
    at(now);
    const mac = pool[Math.floor(r() * pool.length)]!;
    const dpid = r() < 0.5 ? D1 : D2;
    const what = r();
    if (what < 0.6) {
      // learn() by number and by text must be the same operation: alternate them.
      if (r() < 0.5) macs.learn(dpid, mac, 1 + Math.floor(r() * 4), now, macToNumber(mac));
      else macs.learn(dpid, mac, 1 + Math.floor(r() * 4), now);
    } else if (what < 0.65) macs.forget(mac);
    else if (what < 0.67) macs.forgetPort(dpid, 1 + Math.floor(r() * 4));
    else if (what < 0.68) macs.purgeStale();
    const probe = pool[Math.floor(r() * pool.length)]!;
    const byText = macs.locate(probe, now);
    const byNumber = macs.locate(macToNumber(probe), now);
    if (byText !== byNumber) differences++;
    if (macs.switchOf(probe) !== macs.switchOf(probe.toUpperCase())) differences++;
  }
  t.equal(differences, 0, 'the same entry every time');
  t.ok(macs.indexSize > 0 && macs.indexSize <= 80, `the index holds what the tables hold (${macs.indexSize})`);
  t.equal(macs.locate('not a mac'), undefined, 'text that is no MAC is found nowhere');
  t.doesNotThrow(() => macs.forget('not a mac'));
});
