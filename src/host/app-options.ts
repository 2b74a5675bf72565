/**
 * App options changed at run time (REST GET/PUT /api/v1/apps/NAME/options). An app that can
 * take new options while it runs implements App.setOptions (called with its whole option set;
 * it throws to refuse, changing nothing). The changed keys are kept in the app's state
 * (`options`, beside its other keys) and applied again after init() at every start, over the
 * configured options; `null` for a key drops the change (back to the configuration).
 */
import { HttpError, saved } from '../../apps/sdk/index.js';
import type { AppLogger } from '../../apps/sdk/index.js';
import type { Entry } from './host-types.js';

export const OPTIONS_KEY = 'options';

type Options = Record<string, unknown>;

function overrides(e: Entry): Options {
  const v = e.ctx.state.get(OPTIONS_KEY);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Options) : {};
}

/** The options the app runs with: the configured ones with the run-time changes over them. */
export function effectiveOptions(e: Entry): Options {
  return { ...e.ctx.options, ...overrides(e) };
}

/** At start, after init(): the saved changes, or a warning when the app refuses them now. */
export function restoreOptions(e: Entry, log: AppLogger): void {
  const saved = overrides(e);
  if (!e.app.setOptions || Object.keys(saved).length === 0) return;
  try {
    e.app.setOptions(effectiveOptions(e));
    log.info({ app: e.app.name, options: saved }, 'app options changed at run time restored from the state store');
  } catch (err) {
    log.warn({ app: e.app.name, options: saved, err: (err as Error).message }, 'persisted app options skipped: the app refuses them');
  }
}

/** Apply and save a change; answers the options now in force. */
export async function changeOptions(e: Entry, patch: unknown): Promise<Options> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw HttpError.badRequest('the body must be an object of option keys and values (null: back to the configured value)');
  }
  if (!e.app.setOptions) throw new HttpError(409, 'conflict', `app ${e.app.name} takes its options at start only (config appOptions)`);
  const next = { ...overrides(e) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  const effective = { ...e.ctx.options, ...next };
  try {
    e.app.setOptions(effective);
  } catch (err) {
    const msg = (err as Error).message;
    throw HttpError.badRequest(msg, Object.keys(patch).find((k) => msg.includes(k)));
  }
  return saved(effective, e.ctx.state.put(OPTIONS_KEY, next));
}
