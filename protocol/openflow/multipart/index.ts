import type { MultipartBodyCodec } from './body-codec.js';
import { desc } from './desc.js';
import { experimenterMultipart } from './experimenter.js';
import { aggregateStats, flowStats } from './flow-stats.js';
import { groupDesc, groupFeatures, groupStats } from './group-stats.js';
import { meterConfig, meterFeatures, meterStats } from './meter-stats.js';
import { portDesc } from './port-desc.js';
import { portStats } from './port-stats.js';
import { queueStats } from './queue-stats.js';
import { tableFeatures } from './table-features.js';
import { tableStats } from './table-stats.js';

/** Every multipart body codec, one per ofp_multipart_type. */
export const multipartBodies: readonly MultipartBodyCodec<any>[] = [
  desc,
  flowStats,
  aggregateStats,
  tableStats,
  portStats,
  queueStats,
  groupStats,
  groupDesc,
  groupFeatures,
  meterStats,
  meterConfig,
  meterFeatures,
  tableFeatures,
  portDesc,
  experimenterMultipart,
];
