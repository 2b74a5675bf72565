export { AppHost } from './app-host.js';
export type { AppCounters, AppHostOptions, HostCounters } from './app-host.js';
export { AppLoadError, loadApp, loadApps } from './loader.js';
export { orderBatch, isDelete } from './ordering.js';
