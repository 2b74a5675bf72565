/**
 * Run-time app options in the host: saved changes applied after init() at start over the
 * configured options; a saved change the app refuses now is skipped with a warning.
 */
import t from 'tap';
import { memoryAppState } from '../../apps/sdk/index.js';
import type { App } from '../../apps/sdk/index.js';
import { makeHost } from './helpers.js';

function knob(seen: Record<string, unknown>[]): App {
  return {
    name: 'knob',
    setOptions(o) {
      if (typeof o.level !== 'number' || o.level > 5) throw new RangeError(`knob option level: expected a number up to 5, got ${JSON.stringify(o.level)}`);
      seen.push({ ...o });
    },
  };
}

t.test('saved changes come back at start; refused ones are skipped with a warning', async (t) => {
  const state = memoryAppState();
  const seen: Record<string, unknown>[] = [];
  const first = makeHost([knob(seen)], { appState: () => state, appOptions: { knob: { level: 1, mode: 'a' } } });
  t.same(await first.host.setAppOptions('knob', { level: 3 }), { level: 3, mode: 'a' });
  const refused = await first.host.setAppOptions('knob', { level: 9 }).then(() => undefined, (e: unknown) => e);
  t.match(refused, { status: 400, field: 'level' });
  t.same(state.get('options'), { level: 3 }, 'only the accepted change is saved');

  const second = makeHost([knob(seen)], { appState: () => state, appOptions: { knob: { level: 1, mode: 'b' } } });
  t.same(seen.at(-1), { level: 3, mode: 'b' }, 'applied at start over the configured options');
  t.same(second.host.appOptions('knob'), { level: 3, mode: 'b' });

  await state.put('options', { level: 7 });
  const third = makeHost([knob(seen)], { appState: () => state, appOptions: { knob: { level: 1 } } });
  t.ok(third.lines.some((l) => l.msg === 'persisted app options skipped: the app refuses them' && /up to 5/.test(String(l.err))), 'a warning naming the problem');
  let missing: unknown;
  try {
    third.host.appOptions('nope');
  } catch (e) {
    missing = e;
  }
  t.match(missing, { status: 404 });
});
