/**
 * Loading apps named in the config. A spec is either a built-in app name (a folder under apps/
 * with an index module) or a module: a path (./x.js, ../x.js, /abs/x.js, file: URL), resolved
 * against `baseDir`, or a package name. The module's default export is an App or a factory
 * given the app's options (appOptions.<name>).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { App, AppFactory } from '../../apps/sdk/index.js';

const HANDLERS = ['init', 'switchUp', 'switchDown', 'portStatus', 'packetIn', 'flowRemoved', 'error', 'tick', 'command', 'stateChanged', 'sharedChanged'] as const;

/** Where built-in apps live: apps/ beside src/ (dist/apps when compiled). */
const APPS_DIR = fileURLToPath(new URL('../../apps/', import.meta.url));
/** Running from TypeScript sources (tsx, tap) or compiled JavaScript. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export class AppLoadError extends Error {
  override readonly name = 'AppLoadError';
}

export function isPathSpec(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('file:') || isAbsolute(spec) || /\.(m?js|ts)$/.test(spec);
}

/** The names of the built-in apps (folders of apps/ with an index module, sdk excluded). */
export function builtinAppFile(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name === 'sdk') return undefined;
  const file = resolve(APPS_DIR, name, `index${EXT}`);
  return existsSync(file) ? file : undefined;
}

function moduleUrl(spec: string, baseDir: string): string {
  if (spec.startsWith('file:')) return spec;
  if (isPathSpec(spec)) return pathToFileURL(resolve(baseDir, spec)).href;
  const builtin = builtinAppFile(spec);
  return builtin ? pathToFileURL(builtin).href : spec;
}

/** Check that a default export is a usable App; returns it. */
export function checkApp(value: unknown, spec: string): App {
  if (value === null || typeof value !== 'object') throw new AppLoadError(`app ${spec}: the factory returned ${value === null ? 'null' : typeof value}, not an app`);
  const app = value as Record<string, unknown>;
  if (typeof app.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(app.name)) {
    throw new AppLoadError(`app ${spec}: name must be a non-empty string of letters, digits, ".", "_" or "-"`);
  }
  for (const h of HANDLERS) {
    if (app[h] !== undefined && typeof app[h] !== 'function') throw new AppLoadError(`app ${spec}: ${h} is not a function`);
  }
  return value as App;
}

export interface LoadOptions {
  /** Directory relative module paths are resolved against (default: cwd). */
  baseDir?: string;
  appOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Load one app. Errors name the spec. */
export async function loadApp(spec: string, opts: LoadOptions = {}): Promise<App> {
  const url = moduleUrl(spec, opts.baseDir ?? process.cwd());
  const file = url.startsWith('file:') ? fileURLToPath(url) : undefined;
  if (file && !existsSync(file)) throw new AppLoadError(`app ${spec}: module ${file} not found`);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!file && (e?.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(e?.message ?? '')) && e.message.includes(`'${spec}'`)) {
      throw new AppLoadError(`app ${spec}: not a built-in app or an installed package`);
    }
    throw new AppLoadError(`app ${spec}: failed to load: ${e?.message ?? String(err)}`);
  }
  const exported = mod.default;
  if (typeof exported === 'function') {
    // A factory gets the options under its spec name; the app's own name may differ for paths.
    const options = opts.appOptions?.[spec] ?? {};
    let app: unknown;
    try {
      app = (exported as AppFactory)(options);
    } catch (err) {
      throw new AppLoadError(`app ${spec}: factory failed: ${(err as Error)?.message ?? String(err)}`);
    }
    return checkApp(app, spec);
  }
  if (exported === undefined) throw new AppLoadError(`app ${spec}: the module has no default export`);
  return checkApp(exported, spec);
}

/** Load apps in order; names must be unique. */
export async function loadApps(specs: readonly string[], opts: LoadOptions = {}): Promise<App[]> {
  const apps: App[] = [];
  for (const spec of specs) {
    const app = await loadApp(spec, opts);
    const dup = apps.find((a) => a.name === app.name);
    if (dup) throw new AppLoadError(`app ${spec}: another app is already named ${app.name}`);
    apps.push(app);
  }
  return apps;
}
