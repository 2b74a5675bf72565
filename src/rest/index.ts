/** The REST API: server, and the helpers route plugins share (the Ryu-compatible plugin too). */
export { API_PREFIX, buildRestApp, createRestServer } from './server.js';
export type { RestServer } from './server.js';
export type { RestConfig, RestDeps, RestHost, RestLogger } from './deps.js';
export { errorBody, HttpError, openflowNames, switchErrorToHttp, toHttpError, ERROR_SCHEMA } from './errors.js';
export type { ErrorBody } from './errors.js';
export { formatDpid, parseDpid, requireDpid, dpidToBigInt } from './dpid.js';
export { lookupSwitch } from './switch-lookup.js';
export { confirmedWrite } from './write.js';
export { multipartStats } from './multipart.js';
export { flowModFromFriendly, flowModToFriendly, flowStatsToFriendly } from './flow-json.js';
export { matchFromFriendly, matchToFriendly } from './match-json.js';
export { actionsFromFriendly, actionToFriendly, instructionsFromFriendly, instructionToFriendly } from './actions-json.js';
export { responses, DPID_PARAMS, dpidAnd } from './schemas.js';
