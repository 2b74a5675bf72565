/** Open vSwitch Nicira extensions: conntrack/NAT actions, resubmit, ct_* match helpers. */
export * from './constants.js';
export * from './builders.js';
export type * from './types.js';
export { formatCtState } from './format.js';
