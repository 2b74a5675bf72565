/**
 * Build the configuration: defaults < config file < environment < flags. Each source is checked
 * on its own so a problem names where it came from; then the merged result gets the checks that
 * span keys (TLS files for ssl listeners, port clashes). Any problem is a ConfigError (exit 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { BY_ENV, BY_FLAG } from './options.js';
import type { OptionDef } from './options.js';
import { defaultConfig, DEFAULT_APPS, parseListen, restExposureProblem, SCHEMA } from './schema.js';
import type { WeftConfig } from './schema.js';
import { coerce, merge, setPath, specAt, validate } from './validate.js';
import type { Problem } from './validate.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
}

export type CliRequest = { kind: 'run'; config: WeftConfig; configFile: string | undefined } | { kind: 'help' } | { kind: 'version' };

export interface LoadInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

function fail(problems: Problem[], origin?: (p: Problem) => string): never {
  const lines = problems.map((p) => `${origin ? origin(p) : p.path}: ${p.message}`);
  throw new ConfigError(lines.join('\n'));
}

interface Parsed {
  values: Map<OptionDef, string[]>;
  help: boolean;
  version: boolean;
}

/** Parse argv: --flag value, --flag=value; unknown flags and missing values are errors. */
export function parseFlags(argv: readonly string[]): Parsed {
  const values = new Map<OptionDef, string[]>();
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--version' || a === '-v') version = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      const def = BY_FLAG.get(name);
      if (!def) throw new ConfigError(`unknown option ${name} (see weft --help)`);
      let v: string | undefined;
      if (eq > 0) v = a.slice(eq + 1);
      else if (def.boolean) v = 'true';
      else {
        v = argv[i + 1];
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new ConfigError(`${name}: missing value (${def.arg})`);
        i++;
      }
      const list = values.get(def) ?? [];
      if (list.length > 0 && !def.repeat) throw new ConfigError(`${name}: given twice`);
      list.push(v);
      values.set(def, list);
    } else {
      throw new ConfigError(`unexpected argument ${JSON.stringify(a)} (options start with --; see weft --help)`);
    }
  }
  return { values, help, version };
}

/** A partial config from option texts; problems name `label(def)`. */
function fromOptions(entries: [OptionDef, string][], label: (d: OptionDef) => string): Record<string, unknown> {
  const partial: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const owner = new Map<string, OptionDef>();
  for (const [def, text] of entries) {
    const spec = specAt(SCHEMA, def.path);
    const value = coerce(text, spec);
    const path = `config.${def.path}`;
    owner.set(path, def);
    validate(value, spec, path, problems);
    setPath(partial, def.path, value);
  }
  if (problems.length) {
    fail(problems, (p) => {
      const def = [...owner].find(([k]) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`))?.[1];
      return def ? `${label(def)} (${p.path})` : p.path;
    });
  }
  return partial;
}

/** Make relative paths in a config file relative to the file, not to the cwd. */
function rebase(file: Record<string, unknown>, dir: string): void {
  const of = file.openflow as Record<string, unknown> | undefined;
  const tls = of?.tls as Record<string, unknown> | undefined;
  if (tls) for (const k of ['cert', 'key', 'ca']) if (typeof tls[k] === 'string' && !isAbsolute(tls[k] as string)) tls[k] = resolve(dir, tls[k] as string);
  const state = file.state as Record<string, unknown> | undefined;
  if (state && typeof state.dir === 'string' && !isAbsolute(state.dir)) state.dir = resolve(dir, state.dir);
  if (Array.isArray(file.apps)) {
    file.apps = file.apps.map((a) => (typeof a === 'string' && (a.startsWith('./') || a.startsWith('../')) ? resolve(dir, a) : a));
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path}: invalid JSON (${(e as Error).message})`);
  }
  const problems = validate(value, SCHEMA, 'config');
  if (problems.length) fail(problems, (p) => `${p.path} (in ${path})`);
  rebase(value as Record<string, unknown>, dirname(path));
  return value as Record<string, unknown>;
}

/** Checks across keys, on the merged config. */
function crossCheck(cfg: WeftConfig): void {
  const problems: Problem[] = [];
  const listeners = [{ host: cfg.openflow.host, port: cfg.openflow.port, proto: 'tcp', path: 'config.openflow.port' }];
  cfg.openflow.listen.forEach((s, i) => listeners.push({ ...parseListen(s)!, path: `config.openflow.listen[${i}]` }));
  const seen = new Map<string, string>();
  for (const l of listeners) {
    const key = `${l.host}:${l.port}`;
    const other = seen.get(key);
    if (other) problems.push({ path: l.path, message: `${key} is already used by ${other}` });
    seen.set(key, l.path);
    if (l.port === cfg.rest.port && (l.host === cfg.rest.host || l.host === '0.0.0.0' || cfg.rest.host === '0.0.0.0')) {
      problems.push({ path: 'config.rest.port', message: `${cfg.rest.port} is also an OpenFlow listener port (${l.path})` });
    }
  }
  const ssl = cfg.openflow.listen.find((s) => s.startsWith('ssl:'));
  if (ssl) {
    for (const k of ['cert', 'key', 'ca'] as const) {
      const file = cfg.openflow.tls[k];
      if (!file) problems.push({ path: `config.openflow.tls.${k}`, message: `required by the listener ${ssl}` });
      else if (!existsSync(file)) problems.push({ path: `config.openflow.tls.${k}`, message: `file ${file} does not exist` });
    }
  }
  const exposed = restExposureProblem(cfg.rest);
  if (exposed) problems.push({ path: 'config.rest.host', message: exposed });
  if (cfg.cluster.etcd !== null && cfg.openflow.workers > 1) problems.push({ path: 'config.cluster.etcd', message: 'a cluster instance runs with openflow.workers 1 (more instances take the place of workers)' });
  if (cfg.cluster.etcd !== null && cfg.cluster.etcdTimeoutMs >= cfg.cluster.leaseTtl * 1000) problems.push({ path: 'config.cluster.etcdTimeoutMs', message: `must be shorter than the lease TTL (${cfg.cluster.leaseTtl} s)` });
  if (cfg.apps.length === 0) problems.push({ path: 'config.apps', message: `no apps to load (the default is ${DEFAULT_APPS.join(', ')})` });
  const dup = cfg.apps.find((a, i) => cfg.apps.indexOf(a) !== i);
  if (dup) problems.push({ path: 'config.apps', message: `${dup} is listed twice` });
  if (problems.length) fail(problems);
}

/** The state directory when no source names one: $XDG_STATE_HOME/weft, else ./weft-state. */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg && isAbsolute(xdg) ? resolve(xdg, 'weft') : resolve(cwd, 'weft-state');
}

export function loadConfig(input: LoadInput): CliRequest {
  const cwd = input.cwd ?? process.cwd();
  const flags = parseFlags(input.argv);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };

  const envEntries: [OptionDef, string][] = [];
  for (const [name, value] of Object.entries(input.env)) {
    if (!name.startsWith('WEFT_') || value === undefined) continue;
    const def = BY_ENV.get(name);
    if (!def) throw new ConfigError(`${name}: unknown environment variable (known: ${[...BY_ENV.keys()].join(', ')})`);
    envEntries.push([def, value]);
  }
  const flagEntries: [OptionDef, string][] = [];
  for (const [def, list] of flags.values) {
    // Repeated list flags (--listen a --listen b) join into one list.
    flagEntries.push([def, def.repeat ? list.join(',') : list[0]!]);
  }

  const configPath = (flagEntries.find(([d]) => d.path === '@config') ?? envEntries.find(([d]) => d.path === '@config'))?.[1];
  const configFile = configPath === undefined ? undefined : resolve(cwd, configPath);
  const file = configFile ? readConfigFile(configFile) : {};
  const notConfig = ([d]: [OptionDef, string]) => d.path !== '@config';
  const env = fromOptions(envEntries.filter(notConfig), (d) => d.env);
  const cli = fromOptions(flagEntries.filter(notConfig), (d) => d.flag);

  const config = merge(merge(merge(defaultConfig(), file), env), cli);
  const stateGiven = [file, env, cli].some((src) => (src.state as Record<string, unknown> | undefined)?.dir !== undefined);
  if (!stateGiven) config.state.dir = defaultStateDir(input.env, cwd);
  else if (typeof config.state.dir === 'string') config.state.dir = resolve(cwd, config.state.dir);
  crossCheck(config);
  return { kind: 'run', config, configFile };
}
