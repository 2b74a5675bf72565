/** The weft app SDK: the App contract, the Outbox, cookie ranges, pure flow builders and a bounded LRU map. */
export type { App, AppContext, AppFactory, AppLogger, AppModule, PacketInEvent, SwitchView } from './app.js';
export { apiOf } from './app-apis.js';
export type { ApiProvider, AppApis, AppName } from './app-apis.js';
export { Outbox, toDpid } from './outbox.js';
export { HttpError } from './routes.js';
export type { AppRoutes, RouteHandler, RouteOptions, RouteRequest } from './routes.js';
export type { Dpid, Out, SwitchBatch } from './outbox.js';
export { APP_COOKIE_MASK, APP_LOW_MASK, cookieAppId, makeCookie } from './cookies.js';
export { decodeFrame } from './frame.js';
export { LruMap } from './lru-map.js';
export { intOption, intOptions, rejectUnknownKeys } from './options.js';
export { LogLimiter } from './log-limiter.js';
export type { LogLimiterOptions } from './log-limiter.js';
export type { AppOptions, IntSpec } from './options.js';
export type { Frame } from './frame.js';
export * from './flows.js';
