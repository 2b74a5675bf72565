export { ConfigError, loadConfig, parseFlags } from './load.js';
export type { CliRequest, LoadInput } from './load.js';
export { defaultConfig, DEFAULT_APPS, parseListen } from './schema.js';
export type { WeftConfig, ListenSpec, TlsConfig } from './schema.js';
export { OPTIONS, usage } from './options.js';
