/** The ONF bundle extension (EXT-230) for OpenFlow 1.3: constants, fast writer, error names. */
export * from './constants.js';
export type * from './types.js';
export { writeBundleAdd, bundleAddInnerXidAt, onfErrorNames } from './bundle.js';
